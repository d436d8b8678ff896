import { PlusOutlined } from '@ant-design/icons';
import { Card } from 'antd';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { useMe } from '../api/session';
import { PageHeader } from '../components/page-header';
import { PermittedButton } from '../components/permitted';
import { StampingRequestList } from '../components/stamping-request-list';
import { VerificationGate } from '../components/verification-gate';
import { useT } from '../i18n';

/** 线下盖章: the customer's requests, and the way to a new one. */
export function StampingListPage() {
  const t = useT();
  const me = useMe();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const status = me.account?.verificationStatus ?? 'unverified';
  const isVerified = status === 'verified';
  return (
    <>
      <PageHeader
        breadcrumb={[t('nav.billing'), { title: t('nav.contractManagement'), to: '/contracts' }, t('nav.stamping')]}
        title={t('stamping.title')}
        subtitle={t('stamping.subtitle')}
        extra={
          isVerified ? (
            <PermittedButton action="stamping.request" type="primary" icon={<PlusOutlined />} onClick={() => navigate('/stamping/new')} data-testid="new-stamping">
              {t('stamping.apply')}
            </PermittedButton>
          ) : undefined
        }
      />
      {isVerified ? (
        <Card>
          <StampingRequestList initialQuery={params.get('q') ?? ''} />
        </Card>
      ) : (
        <VerificationGate status={status} />
      )}
    </>
  );
}
