import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Flex, Input, type TableColumnsType, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { fetchOutbox, type OutboxMessage } from '../api/stamping';
import { formatDateTime } from '../components/format';
import { LoadError } from '../components/load-error';
import { PageHeader } from '../components/page-header';
import { useLoad } from '../components/use-load';
import { queryKeys } from '../api/query';
import { ScrollTable, wrapCell } from '../components/scroll-table';
import { useT } from '../i18n';

/** 邮件通知: what the customers were told at each step, and whether it left the building. */
export function AdminOutboxPage() {
  const t = useT();
  const { data, error, loading, reload } = useLoad(queryKeys.outbox, (signal) => fetchOutbox(signal));
  const [q, setQ] = useState('');
  const needle = q.trim().toLowerCase();
  const items = (data?.items ?? []).filter(
    (m) => !needle || m.toAddress.toLowerCase().includes(needle) || m.subject.toLowerCase().includes(needle) || m.body.toLowerCase().includes(needle),
  );

  const columns: TableColumnsType<OutboxMessage> = [
    { key: 'to', title: t('outbox.column.to'), width: 220, onCell: wrapCell(180), render: (_, m) => m.toAddress },
    { key: 'subject', title: t('outbox.column.subject'), render: (_, m) => m.subject },
    { key: 'createdAt', title: t('outbox.column.createdAt'), width: 150, render: (_, m) => formatDateTime(m.createdAt) },
    {
      key: 'sent',
      title: t('outbox.column.sent'),
      width: 170,
      render: (_, m) =>
        m.sentAt ? (
          <Tag color="success">{t('outbox.sentAt', { at: formatDateTime(m.sentAt) })}</Tag>
        ) : m.lastError ? (
          <Tag color="error">{t('outbox.failed')}</Tag>
        ) : (
          <Tag color="default">{t('outbox.pending')}</Tag>
        ),
    },
    { key: 'attempts', title: t('outbox.column.attempts'), width: 90, align: 'right', render: (_, m) => m.attempts },
    {
      key: 'lastError',
      title: t('outbox.column.lastError'),
      width: 220,
      onCell: wrapCell(180),
      render: (_, m) =>
        m.lastError ? (
          <Tooltip title={m.lastError}>
            <Typography.Text type="danger">{m.lastError}</Typography.Text>
          </Tooltip>
        ) : (
          '—'
        ),
    },
  ];

  return (
    <>
      <PageHeader breadcrumb={[t('nav.operations'), t('nav.outbox')]} title={t('outbox.title')} subtitle={t('outbox.subtitle')} />
      <Flex vertical gap={16}>
        {data && !data.smtpConfigured && <Alert type="warning" showIcon title={t('outbox.smtpNotConfigured')} description={t('outbox.smtpNotConfiguredDescription')} data-testid="smtp-not-configured" />}
        <Card>
          <Flex justify="space-between" align="center" gap={12} wrap style={{ marginBottom: 16 }}>
            <Input.Search
              allowClear
              placeholder={t('outbox.search.placeholder')}
              onSearch={setQ}
              onChange={(e) => {
                if (!e.target.value) setQ('');
              }}
              maxLength={100}
              style={{ width: 320 }}
              data-testid="outbox-search"
            />
            <Button icon={<ReloadOutlined />} onClick={reload}>
              {t('common.refresh')}
            </Button>
          </Flex>
          {error ? (
            <LoadError error={error} onRetry={reload} />
          ) : (
            <ScrollTable<OutboxMessage>
              rowKey="id"
              columns={columns}
              dataSource={items}
              loading={loading}
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              scroll={{ x: 1100 }}
              expandable={{
                expandedRowRender: (m) => (
                  <pre style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-word', fontFamily: 'inherit', fontSize: 13, lineHeight: 1.7 }} data-testid="outbox-body">
                    {m.body}
                  </pre>
                ),
              }}
              locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t(needle ? 'outbox.emptyFiltered' : 'outbox.empty')} /> }}
              data-testid="outbox-table"
            />
          )}
          {data && data.items.length >= 200 && (
            <Typography.Text type="secondary" style={{ display: 'block', marginTop: 12 }}>
              {t('outbox.latestOnly', { count: 200 })}
            </Typography.Text>
          )}
        </Card>
      </Flex>
    </>
  );
}
