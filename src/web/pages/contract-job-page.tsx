import { Alert, Button, Card, Result, Space } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useEffect } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { fetchContractJob, isFinished } from '../api/contract-jobs';
import { queryKeys, useInvalidate } from '../api/query';
import { ContractJobProgress } from '../components/contract-job-progress';
import { LoadError } from '../components/load-error';
import { PageHeader } from '../components/page-header';
import { useErrorText } from '../components/use-error-text';
import { useLocale, useT } from '../i18n';

const pollMs = 1000;

/**
 * A contract generated in the background: its progress while it runs (the address can be left
 * and opened again), the contract once it is done, the reason when it failed.
 */
export function ContractJobPage() {
  const t = useT();
  const { errorText: codeText } = useLocale();
  const errorText = useErrorText();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const invalidate = useInvalidate();
  const query = useQuery({
    queryKey: queryKeys.contractJob(id),
    queryFn: ({ signal }) => fetchContractJob(id, signal),
    refetchInterval: (q) => (q.state.data && isFinished(q.state.data.job) ? false : pollMs),
    staleTime: 0,
  });
  const job = query.data?.job;
  const contractId = job?.state === 'done' ? job.contract?.id : undefined;

  useEffect(() => {
    if (!contractId) return;
    void invalidate(queryKeys.contracts);
    navigate(`/contracts/${contractId}`, { replace: true });
  }, [contractId, invalidate, navigate]);

  const frameworkLink = job && (
    <Link key="framework" to={`/contracts/${job.frameworkId}`}>
      <Button>{t('job.toFramework')}</Button>
    </Link>
  );

  let body: ReactNode;
  if (query.error && !job) body = <LoadError error={query.error} onRetry={() => void query.refetch()} />;
  else if (!job) body = <Card loading />;
  else if (job.state === 'failed')
    body = (
      <Card>
        <Result
          status="error"
          title={t('job.failed.title')}
          subTitle={job.error ? (codeText(job.error.code) ?? job.error.message) : undefined}
          extra={[
            <Link key="again" to={`/contracts/${job.frameworkId}/attachments/new?kind=${job.kind}`}>
              <Button type="primary">{t('job.failed.again')}</Button>
            </Link>,
            frameworkLink,
          ]}
          data-testid="contract-job-failed"
        />
        <ContractJobProgress job={job} />
      </Card>
    );
  else
    body = (
      <Card>
        <Space vertical size={16} style={{ width: '100%' }}>
          <Alert type="info" showIcon title={t(job.state === 'done' ? 'job.done.opening' : 'job.running.hint')} />
          <ContractJobProgress job={job} />
          {query.error ? <Alert type="warning" showIcon title={errorText(query.error)} /> : null}
          <Space>
            <Link to="/contracts">
              <Button>{t('apply.success.back')}</Button>
            </Link>
            {frameworkLink}
          </Space>
        </Space>
      </Card>
    );

  return (
    <>
      <PageHeader breadcrumb={[t('nav.billing'), { title: t('nav.contractManagement'), to: '/contracts' }, t('job.title')]} title={t('job.title')} subtitle={t('job.subtitle')} />
      {body}
    </>
  );
}
