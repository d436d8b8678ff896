import type { CreateAttachmentBody, IcpFiling, Order, UnselectableReason } from '../../shared/schemas/attachment';
import type { Contract, ContractListItem } from '../../shared/schemas/contract';
import { api } from './client';
import { fetchContracts } from './contracts';

export type AttachmentKind = CreateAttachmentBody['kind'];
export const attachmentKinds: readonly AttachmentKind[] = ['icp_attachment', 'order_attachment'];
export const isAttachmentKind = (value: string | null): value is AttachmentKind => attachmentKinds.includes(value as AttachmentKind);

/**
 * A renewal not yet in force: what is applied for under it re-issues (重新签发) the attachments
 * of the agreement it renews, and starts with it.
 */
export const isReissueTarget = (framework: Contract) => framework.kind === 'framework' && framework.status === 'scheduled' && Boolean(framework.renewsId);

/** What the wizard lists: an order or an ICP filing with whether it can be chosen, and why not. */
export type SelectableItem = Order | IcpFiling;
export type { IcpFiling, Order, UnselectableReason };

export type OrderPage = { items: Order[]; nextCursor: string | null };

/** `frameworkId`: whether each item can go under that framework agreement (a re-issue under a scheduled renewal). */
export type OrderQuery = { q?: string; limit?: number; cursor?: string; frameworkId?: string };

export function fetchOrders(query: OrderQuery, signal?: AbortSignal) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const qs = search.toString();
  return api.get<OrderPage>(`/orders${qs ? `?${qs}` : ''}`, signal);
}

export const fetchIcpFilings = (signal?: AbortSignal, frameworkId?: string) =>
  api.get<{ items: IcpFiling[] }>(`/icp-filings${frameworkId ? `?frameworkId=${encodeURIComponent(frameworkId)}` : ''}`, signal);

/** An item as printed in an attachment (GET /contracts/{id} answers them in `items`). */
export type AttachmentOrderItem = {
  id: string;
  kind: 'order';
  orderNo: string;
  product: string;
  spec: string;
  quantity: number;
  amountFen: number;
  paidAt: string;
};
export type AttachmentFilingItem = {
  id: string;
  kind: 'icp_filing';
  filingNumber: string;
  siteName: string;
  domains: string[];
  entityName: string;
  approvedAt: string;
};
export type AttachmentItem = AttachmentOrderItem | AttachmentFilingItem;

/** The items of an attachment, narrowed from the contract's loosely typed `items`. */
export function attachmentItemsOf(contract: Contract): AttachmentItem[] {
  return (contract.items ?? []).filter(
    (item): item is AttachmentItem =>
      typeof item === 'object' && item !== null && ['order', 'icp_filing'].includes((item as { kind?: unknown }).kind as string),
  );
}

/** `FA2026000123-A01` → `FA2026000123`: an attachment's number starts with its framework's. */
export const frameworkNumberOf = (attachmentNumber: string) => attachmentNumber.replace(/-[AS]\d+$/, '');

const attachmentsPath = (frameworkId: string) => `/contracts/${encodeURIComponent(frameworkId)}/attachments`;

export type AttachmentSelection = { kind: AttachmentKind; itemIds: string[] };

/** The unsigned, watermarked attachment as it would be generated for this selection. */
export const previewAttachment = (frameworkId: string, selection: AttachmentSelection, signal?: AbortSignal) =>
  api.postBlob(`${attachmentsPath(frameworkId)}/preview`, selection, signal);

/**
 * All attachments of a framework agreement (any status unless one is given), following the
 * cursor: a framework rarely has more than a page of them, but the list must not stop at 100.
 */
export async function fetchFrameworkAttachments(
  frameworkId: string,
  filter: { status?: Contract['status']; q?: string } = {},
  signal?: AbortSignal,
): Promise<ContractListItem[]> {
  const all: ContractListItem[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const answer = await fetchContracts({ ...filter, frameworkId, limit: 100, cursor }, signal);
    all.push(...answer.items.filter((c) => c.kind !== 'framework'));
    if (!answer.nextCursor) break;
    cursor = answer.nextCursor;
  }
  return all;
}
