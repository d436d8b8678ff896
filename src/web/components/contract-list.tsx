import { DownloadOutlined, PrinterOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Empty, Flex, Input, Select, Space, Table, type TableColumnsType, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { type ContractListItem as Contract, type ContractKind, type ContractStatus, contractKind, contractStatus } from '../../shared/schemas/contract';
import { fetchFrameworkAttachments } from '../api/attachments';
import { type ContractListFilter, contractPdfUrl, fetchContracts } from '../api/contracts';
import { useT } from '../i18n';
import { ApplyAttachmentButton } from './apply-attachment-button';
import { formatDate, formatLastDay } from './format';
import { LoadError } from './load-error';
import { isOpenStampingStatus, isStampingStatus, StampingStatusTag } from './stamping-status-tag';
import { ContractStatusTag } from './status-tag';
import { useErrorText } from './use-error-text';

type ContractRow = Contract & { children?: ContractRow[] };

const pageSize = 20;

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

type Props = {
  /** Where a row's 查看 leads: the customer's or the operator's detail page. */
  detailPath: (contract: Contract) => string;
  isOperator?: boolean;
  /** Bumped by the page to reload from the first page, e.g. after a new contract. */
  refreshKey?: number;
};

/** 合同列表: filters, search by number, keyset pages appended by 加载更多. */
export function ContractList({ detailPath, isOperator = false, refreshKey = 0 }: Props) {
  const t = useT();
  const errorText = useErrorText();
  const [kind, setKind] = useState<ContractKind | undefined>();
  const [status, setStatus] = useState<ContractStatus | undefined>();
  const [q, setQ] = useState('');
  const [items, setItems] = useState<Contract[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [generation, setGeneration] = useState(0);
  const controller = useRef<AbortController | null>(null);
  // The frameworks whose attachments were fetched since the last fresh load (a new object each time).
  const attachmentsFetched = useRef<{ frameworkIds: Set<string> }>({ frameworkIds: new Set() });
  const navigate = useNavigate();
  // 申请线下盖章 for several contracts at once: those in force and in no open request.
  const [stampingIds, setStampingIds] = useState<string[]>([]);
  const canStamp = (c: Contract) => !isOperator && c.status === 'effective' && !isOpenStampingStatus(c.stampingStatus);

  const load = useCallback(
    async (filter: ContractListFilter, append: boolean) => {
      controller.current?.abort();
      const current = new AbortController();
      controller.current = current;
      if (!append) attachmentsFetched.current = { frameworkIds: new Set() };
      setLoading(true);
      setError(null);
      try {
        const page = await fetchContracts({ ...filter, limit: pageSize }, current.signal);
        if (current.signal.aborted) return;
        setItems((previous) => (append ? [...previous, ...page.items.filter((c) => !previous.some((p) => p.id === c.id))] : page.items));
        setNextCursor(page.nextCursor);
      } catch (err) {
        if (!current.signal.aborted) setError(err);
      } finally {
        if (!current.signal.aborted) setLoading(false);
      }
    },
    [],
  );

  const filter = useMemo<ContractListFilter>(() => ({ kind, status, q: q.trim() || undefined }), [kind, status, q]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: refreshKey and generation only trigger a reload.
  useEffect(() => {
    load(filter, false);
    return () => controller.current?.abort();
  }, [filter, load, refreshKey, generation]);

  // An attachment hangs under its framework agreement even when the page holding it is not
  // loaded yet: the attachments of each framework shown are fetched once and merged in.
  useEffect(() => {
    if (filter.kind) return;
    const batch = attachmentsFetched.current;
    const pending = items.filter((c) => c.kind === 'framework' && !batch.frameworkIds.has(c.id));
    if (pending.length === 0) return;
    for (const f of pending) batch.frameworkIds.add(f.id);
    Promise.all(pending.map((f) => fetchFrameworkAttachments(f.id, { status: filter.status, q: filter.q }))).then(
      (lists) => {
        if (attachmentsFetched.current !== batch) return; // a fresh load started meanwhile
        const found = lists.flat();
        setItems((previous) => {
          const missing = found.filter((c) => !previous.some((p) => p.id === c.id));
          return missing.length ? [...previous, ...missing] : previous;
        });
      },
      () => {
        // Left top level or unlisted until the next load; the list itself still answered.
        for (const f of pending) batch.frameworkIds.delete(f.id);
      },
    );
  }, [items, filter]);

  const rows = useMemo(() => nestAttachments(items), [items]);
  const expandedRowKeys = rows.filter((r) => r.children && !collapsed.has(r.id)).map((r) => r.id);

  const columns: TableColumnsType<ContractRow> = [
    {
      key: 'number',
      title: t('contracts.column.number'),
      // Room for an attachment's number (FA…-A01) after the nesting indent, on one line.
      width: 220,
      render: (_, c) => (
        <Link to={detailPath(c)} style={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }}>
          {c.number}
        </Link>
      ),
    },
    { key: 'kind', title: t('contracts.column.kind'), width: 150, render: (_, c) => t(`contract.kind.${c.kind}`) },
    {
      key: 'partyA',
      title: t('contracts.column.partyA'),
      ellipsis: { showTitle: true },
      render: (_, c) => c.partyAName,
    },
    { key: 'effectiveAt', title: t('contracts.column.effectiveAt'), width: 110, render: (_, c) => formatDate(c.effectiveAt) },
    { key: 'expiresAt', title: t('contracts.column.expiresAt'), width: 110, render: (_, c) => formatLastDay(c.expiresAt) },
    { key: 'status', title: t('contracts.column.status'), width: 96, render: (_, c) => <ContractStatusTag status={c.status} reason={c.statusReason} /> },
    {
      key: 'stamping',
      title: t('stamping.column.stampingStatus'),
      width: 100,
      render: (_, c) => (isStampingStatus(c.stampingStatus) ? <StampingStatusTag status={c.stampingStatus} /> : '—'),
    },
    {
      key: 'actions',
      title: t('common.actions'),
      width: 210,
      // Kept in view when the table scrolls sideways on a narrow screen.
      fixed: 'right',
      render: (_, c) => (
        <Space size={4}>
          <Link to={detailPath(c)} data-testid="view-contract">
            {t('contracts.view')}
          </Link>
          <Typography.Link href={contractPdfUrl(c.id)} download data-testid="download-contract" style={{ marginInlineStart: 8 }}>
            <DownloadOutlined /> {t('contracts.download')}
          </Typography.Link>
          {!isOperator && c.kind === 'framework' && c.status === 'effective' && (
            <span style={{ marginInlineStart: 8 }}>
              <ApplyAttachmentButton frameworkId={c.id} variant="link" />
            </span>
          )}
        </Space>
      ),
    },
  ];

  return (
    <>
      <Flex justify="space-between" align="center" gap={12} wrap style={{ marginBottom: 16 }}>
        <Space wrap>
          <Select<ContractKind>
            allowClear
            placeholder={t('contracts.filter.kind')}
            value={kind}
            onChange={setKind}
            style={{ width: 170 }}
            options={contractKind.options.map((value) => ({ value, label: t(`contract.kind.${value}`) }))}
            data-testid="filter-kind"
          />
          <Select<ContractStatus>
            allowClear
            placeholder={t('contracts.filter.status')}
            value={status}
            onChange={setStatus}
            style={{ width: 130 }}
            options={contractStatus.options.map((value) => ({ value, label: t(`contract.status.${value}`) }))}
            data-testid="filter-status"
          />
          <Input.Search
            allowClear
            placeholder={t(isOperator ? 'contracts.search.placeholderOperator' : 'contracts.search.placeholder')}
            onSearch={(value) => setQ(value)}
            maxLength={100}
            style={{ width: isOperator ? 280 : 240 }}
            data-testid="contract-search"
          />
          {!isOperator && (
            <Button
              icon={<PrinterOutlined />}
              disabled={stampingIds.length === 0}
              title={t('stamping.batchHint')}
              onClick={() => navigate(`/stamping/new?contracts=${stampingIds.join(',')}`)}
              data-testid="batch-stamping"
            >
              {t('stamping.batchApply')}
              {stampingIds.length > 0 ? ` (${stampingIds.length})` : ''}
            </Button>
          )}
        </Space>
        <Button icon={<ReloadOutlined />} onClick={() => setGeneration((g) => g + 1)}>
          {t('common.refresh')}
        </Button>
      </Flex>
      {error && items.length === 0 ? (
        <LoadError error={error} onRetry={() => setGeneration((g) => g + 1)} />
      ) : (
        <>
          <Table<ContractRow>
            rowKey="id"
            columns={columns}
            dataSource={rows}
            rowSelection={
              isOperator
                ? undefined
                : {
                    selectedRowKeys: stampingIds.filter((id) => items.some((c) => c.id === id && canStamp(c))),
                    onChange: (keys) => setStampingIds(keys.map(String)),
                    getCheckboxProps: (c) => ({ disabled: !canStamp(c), 'aria-label': c.number }),
                  }
            }
            loading={loading}
            pagination={false}
            scroll={{ x: 1200 }}
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
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t(filter.kind || filter.status || filter.q ? 'contracts.emptyFiltered' : 'contracts.empty')} /> }}
            data-testid="contract-table"
          />
          {items.length > 0 && (
            <Flex justify="center" align="center" gap={12} style={{ marginTop: 16 }}>
              {error ? <Typography.Text type="danger">{errorText(error)}</Typography.Text> : null}
              {nextCursor ? (
                <Button onClick={() => load({ ...filter, cursor: nextCursor }, true)} loading={loading} data-testid="load-more">
                  {t('contracts.loadMore')}
                </Button>
              ) : (
                <Typography.Text type="secondary">{t('contracts.loadedAll', { count: items.length })}</Typography.Text>
              )}
            </Flex>
          )}
        </>
      )}
    </>
  );
}
