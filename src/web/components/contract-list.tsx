import { DownloadOutlined, FileExcelOutlined, PrinterOutlined, ReloadOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { App, Button, Card, Checkbox, Empty, Flex, Input, Select, Space, Spin, type TableColumnsType, Tooltip, Typography } from 'antd';
import { lazy, Suspense, useDeferredValue, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { type ContractListItem as Contract, type ContractKind, type ContractStatus, contractCountLimit, contractKind, contractStatus } from '../../shared/schemas/contract';
import { fetchFrameworkAttachments } from '../api/attachments';
import { type ContractListFilter, contractListQuery, contractPdfUrl, fetchAllContracts } from '../api/contracts';
import { queryKeys } from '../api/query';
import type { ScrollTable as ScrollTableComponent } from './scroll-table';
import { useT } from '../i18n';
import { ApplyAttachmentButton } from './apply-attachment-button';
import { exportContracts, partyANameOf } from './contract-export';
import { chinaDay, formatDate, formatLastDay, monospace } from './format';
import { LoadError } from './load-error';
import { isOpenStampingStatus, isStampingStatus, StampingStatusTag } from './stamping-status-tag';
import { ContractStatusTag } from './status-tag';
import { useCan } from './use-can';
import { useErrorText } from './use-error-text';
import { useScreens } from './use-screens';

type ContractRow = Contract & { children?: ContractRow[] };

// The date range filter's picker and dayjs come after the list, which does not wait for them.
const DateRangeFilter = lazy(() => import('./date-range-filter').then((m) => ({ default: m.DateRangeFilter })));

// The table (antd's largest part, some 45 KB) is for wider screens: a phone lists cards and
// never downloads it; a wider screen asks for it as soon as this list is loaded.
const loadScrollTable = () => import('./scroll-table');
const ScrollTable = lazy(() => loadScrollTable().then((m) => ({ default: m.ScrollTable }))) as unknown as typeof ScrollTableComponent;
if (typeof window !== 'undefined' && window.matchMedia?.('(min-width: 768px)').matches) loadScrollTable().catch(() => {});


/**
 * Attachments hang under their framework agreement when it is among the rows loaded; the
 * others (an attachment whose framework is on a later page, or filtered out) stay top level.
 */
export function nestAttachments(contracts: Contract[]): ContractRow[] {
  const frameworkIds = new Set(contracts.filter((c) => c.kind === 'framework').map((c) => c.id));
  const children = new Map<string, ContractRow[]>();
  for (const c of contracts) {
    if (c.kind !== 'framework' && c.frameworkId && frameworkIds.has(c.frameworkId)) {
      children.set(c.frameworkId, [...(children.get(c.frameworkId) ?? []), c]);
    }
  }
  return contracts
    .filter((c) => !(c.kind !== 'framework' && c.frameworkId && frameworkIds.has(c.frameworkId)))
    .map((c) => {
      const own = children.get(c.id);
      // Attachments in the order they were made (A01, A02…) under the newest-first frameworks.
      return own ? { ...c, children: [...own].sort((a, b) => a.number.localeCompare(b.number)) } : c;
    });
}

const isContractKind = (value: string | null): value is ContractKind => contractKind.safeParse(value).success;
const isContractStatus = (value: string | null): value is ContractStatus => contractStatus.safeParse(value).success;
const isDay = (value: string | null): value is string => value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value);

/** The list's filters, read from and written to the URL so that Back, Forward and refresh keep them. */
function useListFilters() {
  const [params, setParams] = useSearchParams();
  const kindParam = params.get('kind');
  const statusParam = params.get('status');
  const fromParam = params.get('from');
  const toParam = params.get('to');
  const filter: ContractListFilter = {
    kind: isContractKind(kindParam) ? kindParam : undefined,
    status: isContractStatus(statusParam) ? statusParam : undefined,
    q: params.get('q')?.trim() || undefined,
    ...(params.get('hidden') === 'include' ? { hidden: 'include' as const } : {}),
    ...(isDay(fromParam) ? { from: fromParam } : {}),
    ...(isDay(toParam) && (!isDay(fromParam) || fromParam <= toParam) ? { to: toParam } : {}),
  };
  const range = { from: filter.from, to: filter.to };
  const set = (changes: Record<string, string | undefined>) =>
    setParams((previous) => {
      const next = new URLSearchParams(previous);
      for (const [key, value] of Object.entries(changes)) {
        if (value) next.set(key, value);
        else next.delete(key);
      }
      return next;
    });
  return { filter, range, set };
}

type Props = {
  /** Where a row's 查看 leads: the customer's or the operator's detail page. */
  detailPath: (contract: Contract) => string;
  isOperator?: boolean;
};

/** 合同列表: filters and search in the URL, keyset pages appended by 加载更多, cards on a phone. */
export function ContractList({ detailPath, isOperator = false }: Props) {
  const t = useT();
  const errorText = useErrorText();
  const { message } = App.useApp();
  const screens = useScreens();
  const isPhone = screens.md === false;
  const { filter, range, set } = useListFilters();
  const [searchText, setSearchText] = useState(filter.q ?? '');
  useEffect(() => setSearchText(filter.q ?? ''), [filter.q]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [isExporting, setExporting] = useState(false);
  const navigate = useNavigate();
  // 申请线下盖章 for several contracts at once: those in force and in no open request.
  const [stampingIds, setStampingIds] = useState<string[]>([]);
  // Like the detail page: what the member's role lacks stays in view, disabled, with the reason.
  const downloadPermission = useCan('contracts.download');
  const stampingPermission = useCan('stamping.request');
  const canStamp = (c: Contract) => !isOperator && c.status === 'effective' && !isOpenStampingStatus(c.stampingStatus);

  const list = useInfiniteQuery(contractListQuery(filter, isOperator));
  // The rows render from a deferred copy of the answer: in slices, not in React Query's own
  // synchronous update, so that a page of cards leaves the phone responsive.
  const pages = useDeferredValue(list.data?.pages);
  const listed = useMemo(() => {
    const seen = new Set<string>();
    return (pages ?? []).flatMap((page) => page.items).filter((c) => !seen.has(c.id) && seen.add(c.id));
  }, [pages]);

  // An attachment hangs under its framework agreement even when the page holding it is not
  // loaded yet: the attachments of each framework shown are fetched (one cached query) and merged in.
  const frameworkIds = filter.kind ? [] : listed.filter((c) => c.kind === 'framework').map((c) => c.id);
  const attachments = useQuery({
    queryKey: [...queryKeys.contracts, 'list-attachments', frameworkIds, filter.status, filter.q],
    queryFn: ({ signal }) => Promise.all(frameworkIds.map((id) => fetchFrameworkAttachments(id, { status: filter.status, q: filter.q }, signal))),
    enabled: frameworkIds.length > 0,
  });
  const items = useMemo(() => {
    // The server filtered the list by signing day; attachments merged in from their framework
    // agreement's own list keep to the same range here.
    const inRange = (c: Contract) => (!range.from || chinaDay(c.createdAt) >= range.from) && (!range.to || chinaDay(c.createdAt) <= range.to);
    const extra = (attachments.data ?? []).flat().filter((c) => !listed.some((l) => l.id === c.id) && inRange(c));
    return extra.length ? [...listed, ...extra] : listed;
  }, [listed, attachments.data, range.from, range.to]);
  const total = pages?.[0]?.total;

  const rows = useMemo(() => nestAttachments(items), [items]);
  const expandedRowKeys = rows.filter((r) => r.children && !collapsed.has(r.id)).map((r) => r.id);
  const isFiltered = Boolean(filter.kind || filter.status || filter.q || range.from || range.to);
  const loading = list.isFetching;
  const error = list.error;

  const onExport = async () => {
    if (items.length === 0) {
      message.info(t('contracts.exportEmpty'));
      return;
    }
    setExporting(true);
    try {
      // The whole filtered list, not only the pages loaded so far.
      const all = list.hasNextPage ? await fetchAllContracts(filter, contractCountLimit) : items;
      await exportContracts(all, t);
      message.success(t('contracts.exported', { count: all.length }));
    } catch (err) {
      message.error(errorText(err));
    } finally {
      setExporting(false);
    }
  };

  const actions = (c: Contract) => (
    <Space size={12} wrap={false}>
      <Link to={detailPath(c)} data-testid="view-contract">
        {t('contracts.view')}
      </Link>
      {downloadPermission.allowed ? (
        <Typography.Link href={contractPdfUrl(c.id)} download data-testid="download-contract" style={{ whiteSpace: 'nowrap' }}>
          <DownloadOutlined /> {t('contracts.download')}
        </Typography.Link>
      ) : (
        <Tooltip title={downloadPermission.reason}>
          <Typography.Link disabled data-testid="download-contract" data-permission="contracts.download" style={{ whiteSpace: 'nowrap' }}>
            <DownloadOutlined /> {t('contracts.download')}
          </Typography.Link>
        </Tooltip>
      )}
      {!isOperator && c.kind === 'framework' && c.status === 'effective' && <ApplyAttachmentButton frameworkId={c.id} variant="link" />}
    </Space>
  );

  const nowrap = { style: { whiteSpace: 'nowrap' as const } };
  // Wide screens show every column; a laptop folds the type under the number and the two dates
  // into one validity column; the operator's Party A wraps rather than being cut.
  const isWide = screens.xxl === true;
  const columns: TableColumnsType<ContractRow> = [
    {
      key: 'number',
      title: t('contracts.column.number'),
      onCell: () => nowrap,
      // Inline, beside the nesting indent and the expand button, so that the column is measured
      // with them and the number is never cut.
      render: (_, c) => (
        <span style={{ display: 'inline-block', verticalAlign: 'top' }}>
          <Link to={detailPath(c)} style={monospace}>
            {c.number}
          </Link>
          {!isWide && (
            <>
              <br />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t(`contract.kind.${c.kind}`)}
              </Typography.Text>
            </>
          )}
        </span>
      ),
    },
    ...(isWide ? [{ key: 'kind', title: t('contracts.column.kind'), onCell: () => nowrap, render: (_: unknown, c: ContractRow) => t(`contract.kind.${c.kind}`) }] : []),
    // The operator's list spans customers; a customer's own name is worth a column where there is room.
    ...(isOperator || screens.xl
      ? [{ key: 'partyA', title: t('contracts.column.partyA'), onCell: () => ({ style: { minWidth: 160 } }), render: (_: unknown, c: ContractRow) => partyANameOf(c) }]
      : []),
    ...(isWide
      ? [
          { key: 'effectiveAt', title: t('contracts.column.effectiveAt'), onCell: () => nowrap, render: (_: unknown, c: ContractRow) => formatDate(c.effectiveAt) },
          { key: 'expiresAt', title: t('contracts.column.expiresAt'), onCell: () => nowrap, render: (_: unknown, c: ContractRow) => formatLastDay(c.expiresAt) },
        ]
      : [
          {
            key: 'validity',
            title: t('contracts.validity'),
            onCell: () => nowrap,
            render: (_: unknown, c: ContractRow) => (
              <span>
                {formatDate(c.effectiveAt)}
                <br />
                {formatLastDay(c.expiresAt)}
              </span>
            ),
          },
        ]),
    { key: 'status', title: t('contracts.column.status'), onCell: () => nowrap, render: (_, c) => <ContractStatusTag status={c.status} reason={c.statusReason} /> },
    {
      key: 'stamping',
      title: t('stamping.column.stampingStatus'),
      onCell: () => nowrap,
      render: (_, c) => (isStampingStatus(c.stampingStatus) ? <StampingStatusTag status={c.stampingStatus} /> : '—'),
    },
    { key: 'actions', title: t('common.actions'), onCell: () => nowrap, render: (_, c) => actions(c) },
  ];

  const selectedStampingIds = stampingIds.filter((id) => items.some((c) => c.id === id && canStamp(c)));
  const toggleStamping = (id: string, isChecked: boolean) =>
    setStampingIds((previous) => (isChecked ? [...previous, id] : previous.filter((p) => p !== id)));

  const toolbar = (
    <Flex justify="space-between" align="center" gap={12} wrap style={{ marginBottom: 16 }}>
      <Flex gap={8} wrap style={{ flex: '1 1 auto' }}>
        <Select<ContractKind>
          allowClear
          placeholder={t('contracts.filter.kind')}
          id="contract-filter-kind"
          aria-label={t('contracts.column.kind')}
          value={filter.kind}
          onChange={(kind) => set({ kind })}
          style={{ width: isPhone ? 'calc(50% - 4px)' : 170 }}
          options={contractKind.options.map((value) => ({ value, label: t(`contract.kind.${value}`) }))}
          data-testid="filter-kind"
        />
        <Select<ContractStatus>
          allowClear
          placeholder={t('contracts.filter.status')}
          id="contract-filter-status"
          aria-label={t('contracts.column.status')}
          value={filter.status}
          onChange={(status) => set({ status })}
          style={{ width: isPhone ? 'calc(50% - 4px)' : 130 }}
          options={contractStatus.options.map((value) => ({ value, label: t(`contract.status.${value}`) }))}
          data-testid="filter-status"
        />
        <Input.Search
          allowClear
          placeholder={t(isOperator ? 'contracts.search.placeholderOperator' : 'contracts.search.placeholder')}
          aria-label={t(isOperator ? 'contracts.search.placeholderOperator' : 'contracts.search.placeholder')}
          id="contract-search"
          enterButton={t('contracts.searchButton')}
          value={searchText}
          onChange={(event) => setSearchText(event.target.value)}
          onSearch={(value) => set({ q: value.trim() || undefined })}
          maxLength={100}
          style={{ width: isPhone ? '100%' : isOperator ? 300 : 260 }}
          data-testid="contract-search"
        />
        <Suspense
          fallback={
            // The picker's own box (height, border, the two placeholders) until it has loaded.
            <Input
              readOnly
              tabIndex={-1}
              aria-hidden
              placeholder={`${t('contracts.filter.dateRangeStart')} → ${t('contracts.filter.dateRangeEnd')}`}
              style={{ width: isPhone ? '100%' : 260 }}
            />
          }
        >
          <DateRangeFilter
            from={range.from}
            to={range.to}
            onChange={(from, to) => set({ from, to })}
            placeholder={[t('contracts.filter.dateRangeStart'), t('contracts.filter.dateRangeEnd')]}
            ariaLabel={t('contracts.filter.dateRange')}
            style={{ width: isPhone ? '100%' : 260 }}
          />
        </Suspense>
        <Checkbox checked={filter.hidden === 'include'} onChange={(event) => set({ hidden: event.target.checked ? 'include' : undefined })} data-testid="filter-hidden">
          {t('contracts.showHidden')}
        </Checkbox>
      </Flex>
      <Space wrap>
        {!isOperator && (
          <Tooltip title={stampingPermission.reason ?? t('stamping.batchHint')}>
            <Button
              icon={<PrinterOutlined />}
              disabled={!stampingPermission.allowed || selectedStampingIds.length === 0}
              data-permission={stampingPermission.allowed ? undefined : 'stamping.request'}
              onClick={() => navigate(`/stamping/new?contracts=${selectedStampingIds.join(',')}`)}
              data-testid="batch-stamping"
            >
              {t('stamping.batchApply')}
              {selectedStampingIds.length > 0 ? ` (${selectedStampingIds.length})` : ''}
            </Button>
          </Tooltip>
        )}
        <Button icon={<FileExcelOutlined />} onClick={onExport} loading={isExporting} data-testid="export-contracts">
          {t('contracts.export')}
        </Button>
        <Button icon={<ReloadOutlined />} onClick={() => list.refetch()}>
          {t('common.refresh')}
        </Button>
      </Space>
    </Flex>
  );

  const emptyText = <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t(isFiltered ? 'contracts.emptyFiltered' : 'contracts.empty')} />;

  const footer = items.length > 0 && (
    <Flex vertical align="center" gap={8} style={{ marginTop: 16 }}>
      <Flex justify="center" align="center" gap={12} wrap>
        {error ? <Typography.Text type="danger">{errorText(error)}</Typography.Text> : null}
        <Typography.Text type="secondary" data-testid="contract-count">
          {!list.hasNextPage
            ? t('contracts.loadedAll', { count: listed.length })
            : total
              ? t(total.atLeast ? 'contracts.loadedOfAtLeast' : 'contracts.loadedOf', { count: listed.length, total: total.count.toLocaleString() })
              : t('contracts.loadedCountMore', { count: listed.length })}
        </Typography.Text>
        {list.hasNextPage && (
          <Button onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage} data-testid="load-more">
            {t('contracts.loadMore')}
          </Button>
        )}
      </Flex>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('time.chinaNote')}
      </Typography.Text>
    </Flex>
  );

  if (error && listed.length === 0) {
    return (
      <>
        {toolbar}
        <LoadError error={error} onRetry={() => list.refetch()} />
      </>
    );
  }

  return (
    <>
      {toolbar}
      {isPhone ? (
        <Spin spinning={loading}>
          {items.length === 0 ? (
            emptyText
          ) : (
            <Flex vertical gap={12} data-testid="contract-cards">
              {items.map((c) => (
                <Card
                  key={c.id}
                  size="small"
                  title={
                    <Flex align="center" gap={8} style={{ minWidth: 0 }}>
                      {!isOperator && (
                        <Checkbox
                          disabled={!canStamp(c)}
                          checked={selectedStampingIds.includes(c.id)}
                          onChange={(event) => toggleStamping(c.id, event.target.checked)}
                          aria-label={t('contracts.selectRow', { number: c.number })}
                        />
                      )}
                      <Link to={detailPath(c)} style={{ ...monospace, overflowWrap: 'anywhere', whiteSpace: 'normal' }}>
                        {c.number}
                      </Link>
                    </Flex>
                  }
                  extra={<ContractStatusTag status={c.status} reason={c.statusReason} />}
                  data-testid="contract-card"
                >
                  <Flex vertical gap={4}>
                    <Typography.Text>{t(`contract.kind.${c.kind}`)}</Typography.Text>
                    {isOperator && <Typography.Text>{partyANameOf(c)}</Typography.Text>}
                    <Typography.Text type="secondary">
                      {t('contracts.validity')}: {formatDate(c.effectiveAt)} – {formatLastDay(c.expiresAt)}
                    </Typography.Text>
                    {isStampingStatus(c.stampingStatus) && (
                      <span>
                        {t('stamping.column.stampingStatus')}: <StampingStatusTag status={c.stampingStatus} />
                      </span>
                    )}
                    <div style={{ marginTop: 4 }}>{actions(c)}</div>
                  </Flex>
                </Card>
              ))}
            </Flex>
          )}
        </Spin>
      ) : (
        <Suspense
          fallback={
            <Spin spinning>
              <div style={{ minHeight: 200 }} />
            </Spin>
          }
        >
          <ScrollTable<ContractRow>
            rowKey="id"
            columns={columns}
            dataSource={rows}
            tableLayout="auto"
            rowSelection={
              isOperator
                ? undefined
                : {
                    selectedRowKeys: selectedStampingIds,
                    onChange: (keys) => setStampingIds(keys.map(String)),
                    getCheckboxProps: (c) => ({ disabled: !canStamp(c), 'aria-label': t('contracts.selectRow', { number: c.number }) }),
                    renderCell: (_checked, c, _index, node) => (canStamp(c) ? node : <Tooltip title={t('contracts.cannotStamp')}>{node}</Tooltip>),
                  }
            }
            loading={loading}
            pagination={false}
            // Never wider than its card: a column too wide for a laptop scrolls inside the table.
            scroll={{ x: 'max-content' }}
            expandable={{
              expandedRowKeys,
              onExpand: (isExpanded, row) =>
                setCollapsed((previous) => {
                  const next = new Set(previous);
                  if (isExpanded) next.delete(row.id);
                  else next.add(row.id);
                  return next;
                }),
            }}
            locale={{ emptyText }}
            data-testid="contract-table"
          />
        </Suspense>
      )}
      {footer}
    </>
  );
}
