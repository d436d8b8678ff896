import { Alert, Button, Card, Result, Space } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useEffect } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { type ContractJob, fetchContractJob, isFinished } from '../api/contract-jobs';
import { queryKeys, useInvalidate } from '../api/query';
import { ContractJobProgress } from '../components/contract-job-progress';
import { LoadError } from '../components/load-error';
import { PageHeader } from '../components/page-header';
import { useErrorText } from '../components/use-error-text';
import { useFinishSigning } from '../components/use-finish-signing';
import { useLocale, useT } from '../i18n';

const pollMs = 1000;

const hintOf = (job: ContractJob) => {
  if (job.state === 'done') return 'job.done.opening';
  if (job.state === 'awaiting_signature') return 'job.signing.hint';
  return job.signingId ? 'job.preparing.hint' : 'job.running.hint';
};

/**
 * A contract generated in the background: its progress while it runs (the address can be left
 * and opened again), the contract once it is done, the reason when it failed. A job preparing
 * Party A's own-key signature is signed here, with the key this browser kept, when it asks.
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
  const { refetch } = query;
  const finishing = useFinishSigning(job, () => void refetch());

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
          {finishing.hasNoKey ? (
            <Alert type="warning" showIcon title={t('job.signing.noKey')} data-testid="signing-no-key" />
          ) : (
            <Alert type="info" showIcon title={t(hintOf(job))} data-testid="contract-job-hint" />
          )}
          <ContractJobProgress job={job} />
          {finishing.error ? (
            <Alert
              type="error"
              showIcon
              title={errorText(finishing.error)}
              data-testid="signing-error"
              action={
                <Button size="small" onClick={finishing.retry}>
                  {t('job.signing.retry')}
                </Button>
              }
            />
          ) : null}
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
