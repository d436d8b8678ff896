import { RedoOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, type TableColumnsType, Tooltip } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { ContractListItem } from '../../shared/schemas/contract';
import { attachmentItemsOf, fetchFrameworkAttachments, isAttachmentKind } from '../api/attachments';
import { fetchContract } from '../api/contracts';
import { queryKeys } from '../api/query';
import { useT } from '../i18n';
import { applyAttachmentPath } from './apply-attachment-button';
import { formatDate, formatLastDay, monospace } from './format';
import { LoadError } from './load-error';
import { ScrollTable } from './scroll-table';
import { useCan } from './use-can';
import { useErrorText } from './use-error-text';
import { useLoad } from './use-load';

/**
 * 重新签发: the attachments in force of a framework agreement that a scheduled renewal will
 * succeed. They end with it, so each can be signed again under the successor — the wizard opens
 * there with the same kind and items chosen, and the new attachment starts with the successor.
 * Shown on both agreements' pages.
 */
export function ReissueCard({ predecessorId, successor }: { predecessorId: string; successor: { id: string; number: string; effectiveAt: string } }) {
  const t = useT();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const permission = useCan('attachments.apply');
  const [opening, setOpening] = useState<string | null>(null);
  const attachments = useLoad([...queryKeys.frameworkAttachments(predecessorId), 'effective'], (signal) =>
    fetchFrameworkAttachments(predecessorId, { status: 'effective' }, signal),
  );
  const rows = [...(attachments.data ?? [])].sort((a, b) => a.number.localeCompare(b.number));

  // The items as the attachment holds them: the wizard chooses those of them it may re-issue.
  const reissue = async (attachment: ContractListItem) => {
    if (!isAttachmentKind(attachment.kind)) return;
    setOpening(attachment.id);
    try {
      const { contract } = await fetchContract(attachment.id);
      const ids = attachmentItemsOf(contract).map((i) => i.id);
      navigate(`${applyAttachmentPath(successor.id, attachment.kind)}&items=${ids.map(encodeURIComponent).join(',')}`);
    } catch (err) {
      message.error(errorText(err));
    } finally {
      setOpening(null);
    }
  };

  const columns: TableColumnsType<ContractListItem> = [
    {
      key: 'number',
      title: t('contracts.column.number'),
      width: 200,
      render: (_, c) => (
        <Link to={`/contracts/${c.id}`} style={{ ...monospace, whiteSpace: 'nowrap' }}>
          {c.number}
        </Link>
      ),
    },
    { key: 'kind', title: t('contracts.column.kind'), width: 150, render: (_, c) => t(`contract.kind.${c.kind}`) },
    { key: 'expiresAt', title: t('attachment.reissue.endsOn'), width: 120, render: (_, c) => formatLastDay(c.expiresAt) },
    {
      key: 'actions',
      title: t('common.actions'),
      width: 140,
      render: (_, c) => {
        const button = (
          <Button
            size="small"
            icon={<RedoOutlined />}
            disabled={!permission.allowed}
            loading={opening === c.id}
            onClick={() => reissue(c)}
            data-testid={`reissue-${c.number}`}
            {...(permission.allowed ? {} : { 'data-permission': 'attachments.apply' })}
          >
            {t('attachment.reissue.action')}
          </Button>
        );
        return permission.allowed ? (
          button
        ) : (
          <Tooltip title={permission.reason}>
            <span style={{ display: 'inline-block', cursor: 'not-allowed' }}>{button}</span>
          </Tooltip>
        );
      },
    },
  ];

  return (
    <Card title={t('attachment.reissue.title')} loading={attachments.loading && !attachments.data} data-testid="reissue-card">
      <Alert
        type="info"
        showIcon
        title={t('attachment.reissue.explain', { successor: successor.number, date: formatDate(successor.effectiveAt) })}
        style={{ marginBottom: 16 }}
      />
      {attachments.error ? (
        <LoadError error={attachments.error} onRetry={attachments.reload} />
      ) : (
        <ScrollTable<ContractListItem>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 600 }}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('attachment.reissue.empty')} /> }}
        />
      )}
    </Card>
  );
}
