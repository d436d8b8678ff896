import { Card } from 'antd';
import { PageHeader } from '../components/page-header';
import { StampingRequestList } from '../components/stamping-request-list';
import { useT } from '../i18n';

/** The contract desk's queues of stamping requests, by state, searchable. */
export function AdminStampingPage() {
  const t = useT();
  return (
    <>
      <PageHeader breadcrumb={[t('nav.operations'), t('nav.adminStamping')]} title={t('stamping.admin.title')} subtitle={t('stamping.admin.subtitle')} />
      <Card>
        <StampingRequestList isOperator initialTab="submitted" />
      </Card>
    </>
  );
}
