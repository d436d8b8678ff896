import { Alert, List, Progress, Space, Typography } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link } from 'react-router-dom';
import { contractJobPath, fetchRecentContractJobs, isFinished } from '../api/contract-jobs';
import { queryKeys } from '../api/query';
import { useT } from '../i18n';

/**
 * Attachments being generated in the background, so that a user who left a job's page finds it
 * again from the contract list; also the jobs that failed in the last day, which a user would
 * otherwise never learn of. Polls while one is under way; nothing shows when there is none.
 */
export function PendingContractJobs() {
  const t = useT();
  const query = useQuery({
    queryKey: queryKeys.contractJobs,
    queryFn: ({ signal }) => fetchRecentContractJobs(signal),
    refetchInterval: (q) => (q.state.data?.items.some((j) => !isFinished(j)) ? 3000 : false),
  });
  // A job seen under way that is now done put a contract in the list below: show it.
  const client = useQueryClient();
  const underWay = useRef(new Set<string>());
  useEffect(() => {
    const items = query.data?.items ?? [];
    if (items.some((j) => j.state === 'done' && underWay.current.has(j.id))) client.invalidateQueries({ queryKey: queryKeys.contracts });
    underWay.current = new Set(items.filter((j) => !isFinished(j)).map((j) => j.id));
  }, [query.data, client]);
  const jobs = (query.data?.items ?? []).filter((j) => !isFinished(j) || j.state === 'failed');
  if (!jobs.length) return null;
  return (
    <Alert
      type="info"
      showIcon
      data-testid="pending-jobs"
      title={t('jobs.pending.title')}
      description={
        <List
          size="small"
          dataSource={jobs}
          renderItem={(job) => (
            <List.Item key={job.id} actions={[<Link key="open" to={contractJobPath(job.id)}>{t('jobs.pending.open')}</Link>]}>
              <Space wrap size={12}>
                <Typography.Text>{t(job.kind === 'order_attachment' ? 'jobs.pending.orders' : 'jobs.pending.filings', { items: job.items.toLocaleString() })}</Typography.Text>
                <Typography.Text type={job.state === 'failed' ? 'danger' : 'secondary'}>{t(`job.state.${job.state}`)}</Typography.Text>
                {job.state === 'failed' ? null : <Progress percent={job.progress} size="small" style={{ width: 160, margin: 0 }} aria-label={t('job.progressLabel')} />}
              </Space>
            </List.Item>
          )}
        />
      }
    />
  );
}
