import { Card } from 'antd';
import { ContractList } from '../components/contract-list';
import { PageHeader } from '../components/page-header';
import { useT } from '../i18n';

/** Every account's contracts for the contract desk; terminating is on the detail page. */
export function AdminContractsPage() {
  const t = useT();
  return (
    <>
      <PageHeader breadcrumb={[t('nav.operations'), t('nav.adminContracts')]} title={t('admin.contracts.title')} subtitle={t('admin.contracts.subtitle')} />
      <Card>
        <ContractList isOperator detailPath={(c) => `/admin/contracts/${c.id}`} />
      </Card>
    </>
  );
}
