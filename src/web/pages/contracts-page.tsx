import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Flex, Steps, Table, type TableColumnsType, Tooltip } from 'antd';
import { Link } from 'react-router-dom';
import { fetchPartyA } from '../api/party-a';
import { useMe } from '../api/session';
import { PageHeader } from '../components/page-header';
import { useLoad } from '../components/use-load';
import { VerificationGate } from '../components/verification-gate';
import { useT } from '../i18n';

/** The columns the contract list will have; rows come with the contract features. */
type ContractRow = { id: string; number: string; kind: string; status: string; effectiveAt: string; expiresAt: string };

function ContractTable({ rows, loading }: { rows: ContractRow[]; loading: boolean }) {
  const t = useT();
  const columns: TableColumnsType<ContractRow> = [
    { key: 'number', dataIndex: 'number', title: t('contracts.column.number') },
    { key: 'kind', dataIndex: 'kind', title: t('contracts.column.kind') },
    { key: 'status', dataIndex: 'status', title: t('contracts.column.status') },
    { key: 'effectiveAt', dataIndex: 'effectiveAt', title: t('contracts.column.effectiveAt') },
    { key: 'expiresAt', dataIndex: 'expiresAt', title: t('contracts.column.expiresAt') },
    { key: 'actions', title: t('common.actions'), width: 160 },
  ];
  return (
    <Table<ContractRow>
      rowKey="id"
      columns={columns}
      dataSource={rows}
      loading={loading}
      pagination={false}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('contracts.empty')} /> }}
      data-testid="contract-table"
    />
  );
}

export function ContractsPage() {
  const t = useT();
  const me = useMe();
  const status = me.account?.verificationStatus ?? 'unverified';
  const isVerified = status === 'verified';
  const partyA = useLoad((signal) => (isVerified ? fetchPartyA(signal) : Promise.resolve(null)), [isVerified]);
  const isPartyAComplete = partyA.data?.isComplete === true;
  const canApply = isVerified && isPartyAComplete;
  // The application wizard arrives with the framework-agreement feature.
  const isApplyOpen = false;

  const applyButton = (
    <Tooltip title={canApply ? t('contracts.applyComingSoon') : t('contracts.partyAIncomplete')}>
      <Button type="primary" icon={<PlusOutlined />} disabled={!canApply || !isApplyOpen} data-testid="apply-contract">
        {t('contracts.apply')}
      </Button>
    </Tooltip>
  );

  const current = !isVerified ? 0 : !isPartyAComplete ? 1 : 2;

  return (
    <>
      <PageHeader
        breadcrumb={[t('nav.billing'), t('nav.contractManagement'), t('nav.contracts')]}
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
          <Card title={t('contracts.listTitle')}>
            <ContractTable rows={[]} loading={false} />
          </Card>
        </Flex>
      )}
    </>
  );
}
