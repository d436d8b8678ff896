import { Alert, App, Button, Card, ConfigProvider, Descriptions, type DescriptionsProps, Flex, Tooltip } from 'antd';
import { useState } from 'react';
import type { Verification } from '../../shared/schemas/verification';
import { useSession } from '../api/session';
import { fetchVerification } from '../api/verification';
import { formatDateTime } from '../components/format';
import { LoadError } from '../components/load-error';
import { PageHeader } from '../components/page-header';
import { VerificationStatusTag } from '../components/status-tag';
import { PermissionNotice } from '../components/permitted';
import { useCan } from '../components/use-can';
import { useLoad } from '../components/use-load';
import { queryKeys } from '../api/query';
import { VerificationForm } from '../components/verification-form';
import { type Translate, useT } from '../i18n';

function verificationItems(v: Verification, t: Translate): DescriptionsProps['items'] {
  const isEnterprise = v.subjectType === 'enterprise';
  const items: DescriptionsProps['items'] = [
    { key: 'type', label: t('verification.subjectType'), children: t(`subject.${v.subjectType}`) },
    { key: 'name', label: t(isEnterprise ? 'verification.enterprise.name' : 'verification.personal.name'), children: v.name },
    {
      key: 'code',
      label: t(isEnterprise ? 'verification.creditCode' : 'verification.idNumber'),
      children: <span style={{ fontFamily: 'monospace' }}>{(isEnterprise ? v.creditCode : v.idNumber) ?? '—'}</span>,
    },
  ];
  if (isEnterprise) items.push({ key: 'legal', label: t('verification.legalRepresentative'), children: v.legalRepresentative ?? '—' });
  items.push({ key: 'createdAt', label: t('verification.createdAt'), children: formatDateTime(v.createdAt) });
  if (v.status === 'verified') items.push({ key: 'decidedAt', label: t('verification.decidedAt'), children: formatDateTime(v.decidedAt) });
  return items;
}

export function VerificationPage() {
  const t = useT();
  const { message } = App.useApp();
  const { refresh } = useSession();
  const { data, error, loading, reload, setData } = useLoad(queryKeys.verification, (signal) => fetchVerification(signal));
  const verification = data?.verification ?? null;
  const status = verification?.status ?? 'unverified';
  const rename = data?.rename ?? null;
  const submitPermission = useCan('verification.submit');
  const [isRenaming, setRenaming] = useState(false);

  const onRenamed = async (submitted: Verification) => {
    setRenaming(false);
    message.success(t(submitted.status === 'verified' ? 'verification.rename.verified' : 'verification.rename.pending'));
    reload();
    await refresh();
  };

  const onSubmitted = async (submitted: Verification) => {
    if (submitted.status === 'verified') message.success(t('verification.submittedVerified'));
    else message.info(t('verification.submittedPending'));
    setData({ verification: submitted });
    reload(); // the answer of POST may carry fewer fields than GET
    await refresh();
  };

  const header = (
    <PageHeader
      breadcrumb={[t('nav.billing'), { title: t('nav.contractManagement'), to: '/contracts' }, t('nav.verification')]}
      title={t('verification.title')}
      subtitle={t('verification.subtitle')}
      extra={!loading && !error ? <VerificationStatusTag status={status} /> : undefined}
    />
  );

  if (error) {
    return (
      <>
        {header}
        <LoadError error={error} onRetry={reload} />
      </>
    );
  }
  if (loading && !data) {
    return (
      <>
        {header}
        <Card loading />
      </>
    );
  }

  return (
    <>
      {header}
      <Flex vertical gap={16}>
        {status === 'verified' && verification && (
          <Card>
            <Alert type="success" showIcon title={t('verification.verifiedTitle')} description={t('verification.verifiedDescription')} style={{ marginBottom: 24 }} />
            <Descriptions column={{ xs: 1, md: 2 }} bordered size="middle" items={verificationItems(verification, t)} data-testid="verification-details" />
          </Card>
        )}
        {status === 'verified' && verification?.subjectType === 'enterprise' && (
          <Card
            title={t('verification.rename.title')}
            data-testid="rename-card"
            extra={
              !isRenaming && rename?.status !== 'pending' ? (
                <Tooltip title={submitPermission.reason}>
                  <Button disabled={!submitPermission.allowed} onClick={() => setRenaming(true)} data-testid="rename-start">
                    {t('verification.rename.start')}
                  </Button>
                </Tooltip>
              ) : undefined
            }
          >
            <Alert type="info" showIcon title={t('verification.rename.intro')} style={{ marginBottom: isRenaming || rename ? 16 : 0 }} />
            {rename?.status === 'pending' && (
              <Alert type="warning" showIcon title={t('verification.rename.waiting', { name: rename.name })} data-testid="rename-pending" />
            )}
            {rename?.status === 'rejected' && !isRenaming && (
              <Alert
                type="error"
                showIcon
                title={t('verification.rename.rejected', { name: rename.name })}
                description={t('verification.rejectedReason', { reason: rename.rejectReason ?? '—' })}
                data-testid="rename-rejected"
              />
            )}
            {isRenaming && <VerificationForm initial={verification} isRename onSubmitted={onRenamed} />}
          </Card>
        )}
        {status === 'pending' && verification && (
          <Card>
            <Alert type="info" showIcon title={t('verification.pendingTitle')} description={t('verification.pendingDescription')} style={{ marginBottom: 24 }} />
            <Descriptions title={t('verification.submittedTitle')} column={{ xs: 1, md: 2 }} bordered size="middle" items={verificationItems(verification, t)} />
          </Card>
        )}
        {(status === 'unverified' || status === 'rejected') && (
          <>
            {status === 'rejected' ? (
              <Alert
                type="error"
                showIcon
                title={t('verification.rejectedTitle')}
                description={
                  <>
                    <div data-testid="reject-reason">{t('verification.rejectedReason', { reason: verification?.rejectReason ?? '—' })}</div>
                    <div>{t('verification.rejectedHint')}</div>
                  </>
                }
              />
            ) : (
              <Alert type="info" showIcon title={t('verification.intro')} />
            )}
            <Card title={t('verification.formTitle')}>
              <PermissionNotice action="verification.submit" />
              {/* Read-only without the permission: the member sees what the owner will be asked. */}
              <ConfigProvider componentDisabled={!submitPermission.allowed}>
                <VerificationForm initial={verification} onSubmitted={onSubmitted} />
              </ConfigProvider>
            </Card>
          </>
        )}
      </Flex>
    </>
  );
}
