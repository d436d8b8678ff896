import { ReloadOutlined } from '@ant-design/icons';
import { Badge, Button, Empty, Flex, Input, Select, Space, type TableColumnsType, Tabs, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { stampingStatus } from '../../shared/schemas/stamping';
import { fetchAdminStampingRequests, fetchStampingRequests, type StampingRequest, type StampingStatus } from '../api/stamping';
import { ScrollTable, wrapCell } from './scroll-table';
import { type MessageKey, useT } from '../i18n';
import { formatDateTime, monospace } from './format';
import { LoadError } from './load-error';
import { StampingStatusTag, carrierName } from './stamping-status-tag';
import { useLoad } from './use-load';
import { queryKeys } from '../api/query';
import { useScreens } from './use-screens';

type Tab = StampingStatus | 'all';

type Props = {
  isOperator?: boolean;
  /** The tab shown first: the operator starts at the queue of requests to receive. */
  initialTab?: Tab;
  initialQuery?: string;
};

/** 线下盖章 requests by state, with counts on the tabs and a search box. */
export function StampingRequestList({ isOperator = false, initialTab = 'all', initialQuery = '' }: Props) {
  const t = useT();
  // The tab and the search live in the URL: Back, Forward and refresh keep them.
  const [params, setParams] = useSearchParams();
  const tabParam = params.get('tab');
  const tab: Tab = tabParam === 'all' || stampingStatus.safeParse(tabParam).success ? (tabParam as Tab) : initialTab;
  const q = params.get('q') ?? initialQuery;
  const [searchText, setSearchText] = useState(q);
  useEffect(() => setSearchText(q), [q]);
  const setParam = (key: 'tab' | 'q', value: string) =>
    setParams((previous) => {
      const next = new URLSearchParams(previous);
      if (value) next.set(key, value);
      else next.delete(key);
      return next;
    });
  const setTab = (next: Tab) => setParam('tab', next);
  const setQ = (next: string) => setParam('q', next.trim());
  const isPhone = useScreens().md === false;
  const filter = { status: tab === 'all' ? undefined : tab, q: q.trim() || undefined };
  const { data, error, loading, reload } = useLoad([...queryKeys.stamping, 'list', isOperator, tab, q], (signal) =>
    isOperator ? fetchAdminStampingRequests(filter, signal) : fetchStampingRequests(filter, signal),
  );
  const counts = data?.counts ?? {};
  const total = Object.values(counts).reduce<number>((sum, n) => sum + (n ?? 0), 0);
  const detailPath = (r: StampingRequest) => (isOperator ? `/admin/stamping/${r.id}` : `/stamping/${r.id}`);
  // Operators read the states as queues (待签收 …), customers as what happened (已提交 …).
  const label = (s: StampingStatus): MessageKey => (isOperator ? `stamping.queue.${s}` : `stamping.status.${s}`);

  const columns: TableColumnsType<StampingRequest> = [
    {
      key: 'number',
      title: t('stamping.number'),
      width: 150,
      render: (_, r) => (
        <Link to={detailPath(r)} style={{ ...monospace, whiteSpace: 'nowrap' }}>
          {r.number}
        </Link>
      ),
    },
    ...(isOperator ? [{ key: 'party', title: t('stamping.column.company'), onCell: wrapCell(160), render: (_: unknown, r: StampingRequest) => r.partyAName }] : []),
    {
      key: 'contracts',
      title: t('stamping.contracts'),
      width: 220,
      render: (_, r) => (
        <Space vertical size={0}>
          {r.contracts.map((c) => (
            <span key={c.id} style={{ ...monospace, fontSize: 13, whiteSpace: 'nowrap' }}>
              {c.number}
              <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 6 }}>
                ×{c.copies}
              </Typography.Text>
            </span>
          ))}
        </Space>
      ),
    },
    {
      key: 'courier',
      title: t('stamping.outbound'),
      width: 210,
      render: (_, r) =>
        r.courier ? (
          <Space vertical size={0}>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {carrierName(r.courier.carrier, t)}
            </Typography.Text>
            <span style={{ ...monospace, whiteSpace: 'nowrap' }}>{r.courier.trackingNumber}</span>
          </Space>
        ) : (
          <Typography.Text type="secondary">{t('stamping.outbound.pending')}</Typography.Text>
        ),
    },
    { key: 'status', title: t('stamping.statusLabel'), width: 100, render: (_, r) => <StampingStatusTag status={r.status} /> },
    { key: 'createdAt', title: t('stamping.createdAt'), width: 150, render: (_, r) => formatDateTime(r.createdAt) },
    // The desk's table stays narrow enough for every column; the detail has the rest.
    ...(isOperator ? [] : [{ key: 'updatedAt', title: t('stamping.updatedAt'), width: 150, render: (_: unknown, r: StampingRequest) => formatDateTime(r.updatedAt) }]),
    {
      key: 'actions',
      title: t('common.actions'),
      width: 80,
      fixed: 'right',
      render: (_, r) => (
        <Link to={detailPath(r)} data-testid="view-request">
          {isOperator && (r.status === 'submitted' || r.status === 'received' || r.status === 'stamped') ? t('stamping.handle') : t('contracts.view')}
        </Link>
      ),
    },
  ];

  const tabLabel = (text: string, n: number | undefined) => (
    <Flex align="center" gap={6}>
      {text}
      <Badge count={n ?? 0} showZero overflowCount={999} color={n ? '#1668dc' : '#737373'} size="small" />
    </Flex>
  );

  return (
    <>
      <Flex justify="space-between" align="center" gap={12} wrap>
        <Space>
          <Input.Search
            allowClear
            value={searchText}
            onChange={(event) => setSearchText(event.target.value)}
            placeholder={t(isOperator ? 'stamping.search.placeholderOperator' : 'stamping.search.placeholder')}
            aria-label={t(isOperator ? 'stamping.search.placeholderOperator' : 'stamping.search.placeholder')}
            onSearch={(value) => setQ(value)}
            maxLength={100}
            style={{ width: isPhone ? '100%' : isOperator ? 340 : 320 }}
            data-testid="stamping-search"
          />
        </Space>
        <Button icon={<ReloadOutlined />} onClick={reload}>
          {t('common.refresh')}
        </Button>
      </Flex>
      {isPhone ? (
        // A phone has no room for eight tabs: the same choice as a list.
        <Select<Tab>
          value={tab}
          onChange={setTab}
          aria-label={t('stamping.tab.all')}
          style={{ width: '100%', marginTop: 12, marginBottom: 12 }}
          options={[
            { value: 'all', label: `${t('stamping.tab.all')} (${total})` },
            ...stampingStatus.options.map((s) => ({ value: s, label: `${t(label(s))} (${counts[s] ?? 0})` })),
          ]}
          data-testid="stamping-tabs"
        />
      ) : (
      <Tabs
        activeKey={tab}
        onChange={(key) => setTab(key as Tab)}
        items={[
          { key: 'all', label: tabLabel(t('stamping.tab.all'), total) },
          ...stampingStatus.options.map((s) => ({ key: s, label: tabLabel(t(label(s)), counts[s]) })),
        ]}
        style={{ marginTop: 8 }}
        data-testid="stamping-tabs"
      />
      )}
      {error ? (
        <LoadError error={error} onRetry={reload} />
      ) : (
        <ScrollTable<StampingRequest>
          rowKey="id"
          columns={columns}
          dataSource={data?.items ?? []}
          loading={loading}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: 1000 }}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t(q || tab !== 'all' ? 'stamping.emptyFiltered' : 'stamping.empty')} /> }}
          data-testid="stamping-table"
        />
      )}
    </>
  );
}
