import { Descriptions, Progress, Space, Typography } from 'antd';
import type { ContractJob } from '../api/contract-jobs';
import { useT } from '../i18n';
import { formatDateTime } from './format';

const status = { queued: 'normal', running: 'active', awaiting_signature: 'active', done: 'success', failed: 'exception' } as const;

/** A background job's state and progress bar, as the server last reported them. */
export function ContractJobProgress({ job }: { job: ContractJob }) {
  const t = useT();
  return (
    <Space vertical size={16} style={{ width: '100%' }} data-testid="contract-job">
      <Progress
        percent={job.progress}
        status={status[job.state]}
        aria-label={t('job.progressLabel')}
        data-testid="contract-job-progress"
        data-progress={job.progress}
      />
      <Descriptions
        size="small"
        column={{ xs: 1, md: 3 }}
        items={[
          {
            key: 'state',
            label: t('job.state'),
            children: (
              <Typography.Text strong data-testid="contract-job-state" data-state={job.state}>
                {t(`job.state.${job.state}`)}
              </Typography.Text>
            ),
          },
          { key: 'kind', label: t('contract.kind'), children: t(`contract.kind.${job.kind}`) },
          { key: 'items', label: t('job.items'), children: t('attachment.items.count', { count: job.items }) },
          { key: 'created', label: t('job.createdAt'), children: formatDateTime(job.createdAt) },
        ]}
      />
    </Space>
  );
}
