import { Card } from 'antd';
import { useSearchParams } from 'react-router-dom';
import { PageHeader } from '../components/page-header';
import { StampingRequestList } from '../components/stamping-request-list';
import { useT } from '../i18n';

/** The contract desk's queues of stamping requests, by state, searchable. */
export function AdminStampingPage() {
  const t = useT();
  // 合同详情 links here with the contract number to find its requests in every state.
  const q = useSearchParams()[0].get('q') ?? '';
  return (
    <>
      <PageHeader breadcrumb={[t('nav.operations'), t('nav.adminStamping')]} title={t('stamping.admin.title')} subtitle={t('stamping.admin.subtitle')} />
      <Card>
        <StampingRequestList isOperator initialTab={q ? 'all' : 'submitted'} initialQuery={q} />
      </Card>
    </>
  );
}
