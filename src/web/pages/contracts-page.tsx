import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Steps, Tooltip } from 'antd';
import { Link, useNavigate } from 'react-router-dom';
import { fetchContracts } from '../api/contracts';
import { fetchPartyA } from '../api/party-a';
import { useMe } from '../api/session';
import { ContractList } from '../components/contract-list';
import { useEligibility } from '../components/contract-lifecycle-actions';
import { PageHeader } from '../components/page-header';
import { PendingContractJobs } from '../components/pending-contract-jobs';
import { useCan } from '../components/use-can';
import { useLoad } from '../components/use-load';
import { queryKeys } from '../api/query';
import { VerificationGate } from '../components/verification-gate';
import { useT } from '../i18n';

export function ContractsPage() {
  const t = useT();
  const me = useMe();
  const navigate = useNavigate();
  const status = me.account?.verificationStatus ?? 'unverified';
  const isVerified = status === 'verified';
  const partyA = useLoad([...queryKeys.partyA, isVerified], (signal) => (isVerified ? fetchPartyA(signal) : Promise.resolve(null)));
  // One framework agreement in force per account: its presence closes the application.
  const framework = useLoad([...queryKeys.contracts, 'effective-framework', isVerified], (signal) =>
    isVerified ? fetchContracts({ kind: 'framework', status: 'effective', limit: 1 }, signal) : Promise.resolve(null),
  );
  const isPartyAComplete = partyA.data?.isComplete === true;
  const effectiveFramework = framework.data?.items[0];
  const isChecking = partyA.loading || framework.loading;
  // The server's own rules (a scheduled renewal, the daily limit) on top of what the page sees.
  const refused = useEligibility()('framework');
  const applyPermission = useCan('framework.apply');
  const canApply = applyPermission.allowed && isVerified && isPartyAComplete && !effectiveFramework && !isChecking && !refused;

  // The role first: the member sees the action exists and why it is not theirs.
  const reason = !applyPermission.allowed
    ? applyPermission.reason
    : effectiveFramework
    ? t('contracts.frameworkExists')
    : !isPartyAComplete
      ? t('contracts.partyAIncomplete')
      : refused;
  const applyButton = (
    <Tooltip title={isChecking ? undefined : reason}>
      <Button
        type="primary"
        icon={<PlusOutlined />}
        disabled={!canApply}
        loading={isChecking}
        onClick={() => navigate('/contracts/apply')}
        data-testid="apply-contract"
      >
        {effectiveFramework ? t('contracts.frameworkExists') : t('contracts.apply')}
      </Button>
    </Tooltip>
  );

  const current = !isVerified ? 0 : !isPartyAComplete ? 1 : effectiveFramework ? 3 : 2;

  return (
    <>
      <PageHeader
        breadcrumb={[t('nav.billing'), { title: t('nav.contractManagement'), to: '/contracts' }, t('nav.contracts')]}
        title={t('contracts.title')}
        subtitle={t('contracts.subtitle')}
        extra={isVerified ? applyButton : undefined}
      />
      {!isVerified ? (
        <VerificationGate status={status} />
      ) : (
        <Flex vertical gap={16}>
          <Card>
            <Steps
              current={current}
              size="small"
              items={[
                { title: t('contracts.step.verify') },
                { title: t('contracts.step.partyA') },
                { title: t('contracts.step.framework') },
                { title: t('contracts.step.attachments') },
              ]}
            />
          </Card>
          {partyA.data && !isPartyAComplete && (
            <Alert
              type="warning"
              showIcon
              title={t('contracts.partyAIncomplete')}
              description={t('contracts.partyAIncompleteDescription')}
              action={
                <Link to="/party-a">
                  <Button size="small">{t('contracts.goPartyA')}</Button>
                </Link>
              }
            />
          )}
          <PendingContractJobs />
          <Card title={t('contracts.listTitle')}>
            <ContractList detailPath={(c) => `/contracts/${c.id}`} />
          </Card>
        </Flex>
      )}
    </>
  );
}
