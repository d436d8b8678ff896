import { Card, Empty, Flex, Space, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { amountInChineseCapitals, formatYuan } from '../../shared/money';
import type { Contract, ContractListItem } from '../../shared/schemas/contract';
import { type AttachmentFilingItem, type AttachmentOrderItem, attachmentItemsOf, fetchFrameworkAttachments } from '../api/attachments';
import { ScrollTable, wrapCell } from './scroll-table';
import { useT } from '../i18n';
import { ApplyAttachmentButton } from './apply-attachment-button';
import { formatDate, formatDateTime, monospace } from './format';
import { LoadError } from './load-error';
import { ContractStatusTag } from './status-tag';
import { useLoad } from './use-load';
import { queryKeys } from '../api/query';

const tabular = { fontVariantNumeric: 'tabular-nums' } as const;

function OrderItemsTable({ orders }: { orders: AttachmentOrderItem[] }) {
  const t = useT();
  const totalFen = orders.reduce((sum, o) => sum + o.amountFen, 0);
  const columns: TableColumnsType<AttachmentOrderItem> = [
    { key: 'index', title: t('attachment.column.index'), width: 56, render: (_, __, index) => index + 1 },
    { key: 'orderNo', title: t('attachment.order.orderNo'), width: 190, render: (_, o) => <span style={monospace}>{o.orderNo}</span> },
    { key: 'product', title: t('attachment.order.product'), width: 150, render: (_, o) => o.product },
    { key: 'spec', title: t('attachment.order.spec'), onCell: wrapCell(180), render: (_, o) => o.spec },
    { key: 'quantity', title: t('attachment.order.quantity'), width: 70, align: 'right', render: (_, o) => o.quantity },
    { key: 'amount', title: t('attachment.order.amount'), width: 130, align: 'right', render: (_, o) => <span style={tabular}>{formatYuan(o.amountFen)}</span> },
    { key: 'paidAt', title: t('attachment.order.paidAt'), width: 140, render: (_, o) => formatDateTime(o.paidAt) },
  ];
  return (
    <ScrollTable<AttachmentOrderItem>
      rowKey="id"
      size="middle"
      columns={columns}
      dataSource={orders}
      pagination={orders.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
      scroll={{ x: 900 }}
      data-testid="attachment-items"
      summary={() => (
        <Table.Summary.Row>
          <Table.Summary.Cell index={0} colSpan={5}>
            <Space size={16} wrap>
              <Typography.Text strong>{t('attachment.items.total', { count: orders.length })}</Typography.Text>
              <Typography.Text type="secondary" data-testid="attachment-total-capitals">
                {t('attachment.amountInCapitals', { capitals: amountInChineseCapitals(totalFen) })}
              </Typography.Text>
            </Space>
          </Table.Summary.Cell>
          <Table.Summary.Cell index={5} align="right">
            <Typography.Text strong style={tabular} data-testid="attachment-total">
              {formatYuan(totalFen)}
            </Typography.Text>
          </Table.Summary.Cell>
          <Table.Summary.Cell index={6} />
        </Table.Summary.Row>
      )}
    />
  );
}

function FilingItemsTable({ filings }: { filings: AttachmentFilingItem[] }) {
  const t = useT();
  const columns: TableColumnsType<AttachmentFilingItem> = [
    { key: 'index', title: t('attachment.column.index'), width: 56, render: (_, __, index) => index + 1 },
    { key: 'filingNumber', title: t('attachment.filing.filingNumber'), width: 190, render: (_, f) => f.filingNumber },
    { key: 'siteName', title: t('attachment.filing.siteName'), width: 160, render: (_, f) => f.siteName },
    {
      key: 'domains',
      title: t('attachment.filing.domains'),
      render: (_, f) => (
        <Flex wrap gap={4}>
          {f.domains.map((d) => (
            <Tag key={d} style={{ marginInlineEnd: 0 }}>
              {d}
            </Tag>
          ))}
        </Flex>
      ),
    },
    { key: 'entityName', title: t('attachment.filing.entityName'), width: 200, render: (_, f) => f.entityName },
    { key: 'approvedAt', title: t('attachment.filing.approvedAt'), width: 110, render: (_, f) => formatDate(f.approvedAt) },
  ];
  return (
    <ScrollTable<AttachmentFilingItem>
      rowKey="id"
      size="middle"
      columns={columns}
      dataSource={filings}
      pagination={filings.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
      scroll={{ x: 860 }}
      data-testid="attachment-items"
    />
  );
}

/** 附件内容: the orders (with the total) or ICP filings as printed in the attachment. */
export function AttachmentItemsCard({ contract }: { contract: Contract }) {
  const t = useT();
  const items = attachmentItemsOf(contract);
  const orders = items.filter((i): i is AttachmentOrderItem => i.kind === 'order');
  const filings = items.filter((i): i is AttachmentFilingItem => i.kind === 'icp_filing');
  return (
    <Card
      title={t(contract.kind === 'icp_attachment' ? 'attachment.items.filingsTitle' : 'attachment.items.ordersTitle')}
      extra={<Typography.Text type="secondary">{t('attachment.items.count', { count: items.length })}</Typography.Text>}
    >
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('common.noData')} />
      ) : contract.kind === 'icp_attachment' ? (
        <FilingItemsTable filings={filings} />
      ) : (
        <OrderItemsTable orders={orders} />
      )}
    </Card>
  );
}

/** 附件 on a framework agreement's detail page, with 申请附件 while it is in force. */
export function FrameworkAttachmentsCard({
  framework,
  detailPath,
  canApply,
}: {
  framework: Contract;
  detailPath: (contract: ContractListItem) => string;
  canApply: boolean;
}) {
  const t = useT();
  const attachments = useLoad([...queryKeys.frameworkAttachments(framework.id), framework.status], (signal) => fetchFrameworkAttachments(framework.id, {}, signal));
  const rows = [...(attachments.data ?? [])].sort((a, b) => a.number.localeCompare(b.number));
  const columns: TableColumnsType<ContractListItem> = [
    {
      key: 'number',
      title: t('contracts.column.number'),
      width: 200,
      render: (_, c) => (
        <Link to={detailPath(c)} style={{ ...monospace, whiteSpace: 'nowrap' }}>
          {c.number}
        </Link>
      ),
    },
    { key: 'kind', title: t('contracts.column.kind'), width: 150, render: (_, c) => t(`contract.kind.${c.kind}`) },
    { key: 'effectiveAt', title: t('contracts.column.effectiveAt'), width: 110, render: (_, c) => formatDate(c.effectiveAt) },
    { key: 'status', title: t('contracts.column.status'), width: 96, render: (_, c) => <ContractStatusTag status={c.status} reason={c.statusReason} /> },
    {
      key: 'actions',
      title: t('common.actions'),
      width: 80,
      render: (_, c) => <Link to={detailPath(c)}>{t('contracts.view')}</Link>,
    },
  ];
  return (
    <Card
      title={t('attachment.framework.title')}
      extra={canApply ? <ApplyAttachmentButton frameworkId={framework.id} /> : undefined}
      loading={attachments.loading && !attachments.data}
      data-testid="framework-attachments"
    >
      {attachments.error ? (
        <LoadError error={attachments.error} onRetry={attachments.reload} />
      ) : (
        <ScrollTable<ContractListItem>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 640 }}
          locale={{
            emptyText: (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={t(canApply ? 'attachment.framework.emptyCanApply' : 'attachment.framework.empty')}
              />
            ),
          }}
        />
      )}
    </Card>
  );
}
