import { Alert, App, Button, Empty, Flex, Input, Space, type TableColumnsType, Tag, Tooltip, Typography } from 'antd';
import { type Key, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { maxAttachmentItems } from '../../shared/schemas/attachment';
import { formatYuan } from '../../shared/money';
import {
  type AttachmentKind,
  fetchIcpFilings,
  fetchOrders,
  type IcpFiling,
  type Order,
  type SelectableItem,
  type UnselectableReason,
} from '../api/attachments';
import { ScrollTable, wrapCell } from './scroll-table';
import { useT } from '../i18n';
import { formatDate, formatDateTime, monospace } from './format';
import { LoadError } from './load-error';
import { useErrorText } from './use-error-text';

const orderPageSize = 50;
/** Above this many rows the table renders only those in view. */
const virtualFrom = 100;

export const isOrder = (item: SelectableItem): item is Order => 'orderNo' in item;

/** What the user ticked, by id; it outlives paging, searching and the step back from 确认. */
export type Selection = ReadonlyMap<string, SelectableItem>;

/** The label that names an item to a person: the order number or the filing number. */
export const itemLabel = (item: SelectableItem) => (isOrder(item) ? item.orderNo : item.filingNumber);

export const selectionTotalFen = (selection: Selection) =>
  [...selection.values()].reduce((sum, item) => sum + (isOrder(item) ? item.amountFen : 0), 0);

export type SelectableList = ReturnType<typeof useSelectableItems>;

const matchesFiling = (f: IcpFiling, q: string) =>
  [f.filingNumber, f.siteName, f.entityName, ...f.domains].some((text) => text.toLowerCase().includes(q.toLowerCase()));

/**
 * The orders (searched by the server, keyset pages appended by 加载更多) or the ICP filings (all
 * at once, searched here: an account has a handful). Kept by the page so that going back from
 * 确认 finds the list as it was left.
 */
export function useSelectableItems(kind: AttachmentKind, frameworkId?: string) {
  const [q, setQ] = useState('');
  const [items, setItems] = useState<SelectableItem[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const controller = useRef<AbortController | null>(null);
  const serverQ = kind === 'order_attachment' ? q.trim() : '';

  const load = useCallback(
    async (cursor?: string) => {
      controller.current?.abort();
      const current = new AbortController();
      controller.current = current;
      setLoading(true);
      setError(null);
      try {
        if (kind === 'order_attachment') {
          const page = await fetchOrders({ q: serverQ || undefined, limit: orderPageSize, cursor, frameworkId }, current.signal);
          if (current.signal.aborted) return;
          setItems((previous) => (cursor ? [...previous, ...page.items.filter((o) => !previous.some((p) => p.id === o.id))] : page.items));
          setNextCursor(page.nextCursor);
        } else {
          const answer = await fetchIcpFilings(current.signal, frameworkId);
          if (current.signal.aborted) return;
          setItems(answer.items);
          setNextCursor(null);
        }
      } catch (err) {
        if (!current.signal.aborted) setError(err);
      } finally {
        if (!current.signal.aborted) setLoading(false);
      }
    },
    [kind, serverQ, frameworkId],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: generation only triggers a reload.
  useEffect(() => {
    load();
    return () => controller.current?.abort();
  }, [load, generation]);

  const visible = useMemo(
    () => (kind === 'icp_attachment' && q.trim() ? items.filter((item) => !isOrder(item) && matchesFiling(item, q.trim())) : items),
    [kind, items, q],
  );

  return {
    kind,
    q,
    search: setQ,
    /** Every item loaded, also those a client-side search hides. */
    loaded: items,
    items: visible,
    hasMore: nextCursor !== null,
    loadMore: () => (nextCursor ? load(nextCursor) : undefined),
    loading,
    error,
    reload: useCallback(() => setGeneration((g) => g + 1), []),
  };
}

const reasonColors: Record<UnselectableReason, string> = {
  refunded: 'default',
  cancelled: 'default',
  entity_mismatch: 'warning',
  already_covered: 'processing',
  not_reissuable: 'default',
};

/** Why a row can't be ticked: 已退款, 备案已注销, 备案主体与甲方不一致, 已在附件 FA…-A01 中 (a link). */
export function UnselectableReasonTag({ item }: { item: SelectableItem }) {
  const t = useT();
  if (item.selectable || !item.reason) return null;
  if (item.reason === 'already_covered' && item.coveredBy) {
    return (
      <Tag color={reasonColors.already_covered} style={{ whiteSpace: 'normal' }} data-testid="unselectable-reason">
        {t('attachment.reason.coveredBy.before')}
        <Link to={`/contracts/${item.coveredBy.contractId}`}>
          {item.coveredBy.number}
        </Link>
        {t('attachment.reason.coveredBy.after')}
      </Tag>
    );
  }
  const tag = (
    <Tag color={reasonColors[item.reason]} data-testid="unselectable-reason">
      {t(`attachment.reason.${item.reason}`)}
    </Tag>
  );
  return item.reason === 'entity_mismatch' && !isOrder(item) ? (
    <Tooltip title={t('attachment.reason.entityMismatchHint', { entity: item.entityName })}>{tag}</Tooltip>
  ) : (
    tag
  );
}

function useColumns(kind: AttachmentKind): TableColumnsType<SelectableItem> {
  const t = useT();
  const state: TableColumnsType<SelectableItem>[number] = {
    key: 'state',
    title: t('attachment.column.state'),
    width: 240,
    render: (_, item) =>
      item.selectable ? <Typography.Text type="secondary">{t('attachment.selectable')}</Typography.Text> : <UnselectableReasonTag item={item} />,
  };
  if (kind === 'order_attachment') {
    const order = (item: SelectableItem) => item as Order;
    return [
      { key: 'orderNo', title: t('attachment.order.orderNo'), width: 170, render: (_, item) => <span style={monospace}>{order(item).orderNo}</span> },
      { key: 'product', title: t('attachment.order.product'), width: 130, render: (_, item) => order(item).product },
      { key: 'spec', title: t('attachment.order.spec'), onCell: wrapCell(180), render: (_, item) => order(item).spec },
      { key: 'quantity', title: t('attachment.order.quantity'), width: 70, align: 'right', render: (_, item) => order(item).quantity },
      {
        key: 'amount',
        title: t('attachment.order.amount'),
        width: 130,
        align: 'right',
        render: (_, item) => <span style={{ fontVariantNumeric: 'tabular-nums' }}>{formatYuan(order(item).amountFen)}</span>,
      },
      { key: 'paidAt', title: t('attachment.order.paidAt'), width: 140, render: (_, item) => formatDateTime(order(item).paidAt) },
      state,
    ];
  }
  const filing = (item: SelectableItem) => item as IcpFiling;
  return [
    { key: 'filingNumber', title: t('attachment.filing.filingNumber'), width: 190, render: (_, item) => filing(item).filingNumber },
    { key: 'siteName', title: t('attachment.filing.siteName'), width: 150, render: (_, item) => filing(item).siteName },
    {
      key: 'domains',
      title: t('attachment.filing.domains'),
      render: (_, item) => (
        <Flex wrap gap={4}>
          {filing(item).domains.map((d) => (
            <Tag key={d} style={{ marginInlineEnd: 0 }}>
              {d}
            </Tag>
          ))}
        </Flex>
      ),
    },
    { key: 'entityName', title: t('attachment.filing.entityName'), width: 200, render: (_, item) => filing(item).entityName },
    { key: 'approvedAt', title: t('attachment.filing.approvedAt'), width: 110, render: (_, item) => formatDate(filing(item).approvedAt) },
    state,
  ];
}

type Props = {
  list: SelectableList;
  selection: Selection;
  onChange: (selection: Selection) => void;
  /** What can be chosen, when not the usual rule (a re-issue under a renewal). */
  hint?: string;
};

/** 选择: the orders or filings with checkboxes; rows that can't be chosen are disabled with the reason. */
export function ItemSelectionTable({ list, selection, onChange, hint }: Props) {
  const t = useT();
  const errorText = useErrorText();
  const { message } = App.useApp();
  const columns = useColumns(list.kind);
  const isOrders = list.kind === 'order_attachment';
  const isLong = list.items.length > virtualFrom;

  const onSelectionChange = (keys: Key[]) => {
    if (keys.length > maxAttachmentItems) {
      message.warning(t('attachment.select.tooMany', { max: maxAttachmentItems, count: keys.length }));
      return;
    }
    const byId = new Map(list.loaded.map((item) => [item.id, item]));
    const next = new Map<string, SelectableItem>();
    for (const key of keys) {
      const item = selection.get(String(key)) ?? byId.get(String(key));
      if (item) next.set(item.id, item);
    }
    onChange(next);
  };

  if (list.error && list.loaded.length === 0) return <LoadError error={list.error} onRetry={list.reload} />;

  return (
    <>
      <Flex justify="space-between" align="center" gap={12} wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder={t(isOrders ? 'attachment.search.orders' : 'attachment.search.filings')}
          defaultValue={list.q}
          onSearch={list.search}
          onChange={isOrders ? undefined : (e) => list.search(e.target.value)}
          maxLength={100}
          style={{ width: 300 }}
          data-testid="item-search"
        />
        <Typography.Text type="secondary">{hint ?? t(isOrders ? 'attachment.select.hintOrders' : 'attachment.select.hintFilings')}</Typography.Text>
      </Flex>
      {selection.size >= maxAttachmentItems && (
        <Alert type="warning" showIcon title={t('attachment.select.atLimit', { max: maxAttachmentItems })} style={{ marginBottom: 12 }} />
      )}
      <ScrollTable<SelectableItem>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.items}
        loading={list.loading}
        // Thousands of loaded orders (an attachment takes up to 5,000): only the rows in view are
        // laid out, or every page added and every tick would lay out all of them again.
        virtual={isLong}
        scroll={isLong ? { x: 1060, y: 560 } : { x: 1060 }}
        pagination={isOrders ? false : { pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
        rowSelection={{
          selectedRowKeys: [...selection.keys()],
          preserveSelectedRowKeys: true,
          onChange: onSelectionChange,
          getCheckboxProps: (item) => ({ disabled: !item.selectable, name: itemLabel(item) }),
        }}
        onRow={(item) => ({ style: item.selectable ? undefined : { color: 'rgba(0,0,0,0.62)', background: '#fafafa' } })}
        locale={{
          emptyText: (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={t(list.q.trim() ? 'attachment.select.emptySearch' : isOrders ? 'attachment.select.emptyOrders' : 'attachment.select.emptyFilings')}
            />
          ),
        }}
        data-testid="item-table"
      />
      {isOrders && list.items.length > 0 && (
        <Flex justify="center" align="center" gap={12} style={{ marginTop: 16 }}>
          {list.error ? <Typography.Text type="danger">{errorText(list.error)}</Typography.Text> : null}
          {list.hasMore ? (
            <Button onClick={list.loadMore} loading={list.loading} data-testid="load-more-items">
              {t('contracts.loadMore')}
            </Button>
          ) : (
            <Typography.Text type="secondary">{t('attachment.select.loadedAll', { count: list.items.length })}</Typography.Text>
          )}
        </Flex>
      )}
    </>
  );
}

/** 已选 N 项 and, for orders, the running total. */
export function SelectionSummary({ kind, selection, onClear }: { kind: AttachmentKind; selection: Selection; onClear?: () => void }) {
  const t = useT();
  return (
    <Space size={16} wrap data-testid="selection-summary">
      <span>
        {t('attachment.select.count.before')}
        <Typography.Text strong style={{ fontSize: 16, color: '#1668dc' }} data-testid="selection-count">
          {' '}
          {selection.size}{' '}
        </Typography.Text>
        {t('attachment.select.count.after', { max: maxAttachmentItems })}
      </span>
      {kind === 'order_attachment' && (
        <span>
          {t('attachment.select.total')}
          <Typography.Text strong style={{ fontSize: 16, fontVariantNumeric: 'tabular-nums' }} data-testid="selection-total">
            {formatYuan(selectionTotalFen(selection))}
          </Typography.Text>
        </span>
      )}
      {onClear && selection.size > 0 && (
        <Typography.Link onClick={onClear} data-testid="clear-selection">
          {t('attachment.select.clear')}
        </Typography.Link>
      )}
    </Space>
  );
}
