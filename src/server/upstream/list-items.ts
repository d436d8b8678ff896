import { and, asc, desc, eq, gt, ilike, or } from 'drizzle-orm';
import type { IcpFiling, Order, UnselectableReason } from '../../shared/schemas/attachment.js';
import type { Database } from '../db/client.js';
import { icpFilingNumberPattern } from '../../shared/ids.js';
import { afterKeyset, containsPattern, decodeCursor, decodeTextCursor, encodeTextCursor, keysetPage, keysetTime } from '../db/keyset.js';
import { attachmentItems, contracts, icpFilings, orders } from '../db/schema/index.js';
import { getVerifiedIdentity } from '../verification/get-verification.js';

type Coverage = { contractId: string | null; number: string | null };

function coverageOf(c: Coverage) {
  return c.contractId && c.number ? { coveredBy: { contractId: c.contractId, number: c.number } } : {};
}

function selectability(reason: UnselectableReason | undefined) {
  return reason ? { selectable: false, reason } : { selectable: true };
}

const coveringJoin = (kind: 'order' | 'icp_filing', itemId: typeof orders.id | typeof icpFilings.id) =>
  and(eq(attachmentItems.itemKind, kind), eq(attachmentItems.itemId, itemId), eq(attachmentItems.inForce, true));

export function orderReason(o: { status: string }, coveredBy: string | null): UnselectableReason | undefined {
  if (o.status === 'refunded') return 'refunded';
  if (coveredBy) return 'already_covered';
  return undefined;
}

export function filingReason(f: { status: string; entityName: string }, partyAName: string | null, coveredBy: string | null): UnselectableReason | undefined {
  if (f.status === 'cancelled') return 'cancelled';
  if (f.entityName !== partyAName) return 'entity_mismatch';
  if (coveredBy) return 'already_covered';
  return undefined;
}

/** The account's orders, newest payment first, each with whether it can go into an attachment. */
export async function listOrders(db: Database, options: { accountId: string; q?: string; limit: number; cursor?: string }) {
  const cursor = options.cursor ? decodeCursor(options.cursor) : undefined;
  const like = options.q ? containsPattern(options.q) : undefined;
  const rows = await db
    .select({ order: orders, id: orders.id, keysetAt: keysetTime(orders.paidAt), contractId: contracts.id, number: contracts.number })
    .from(orders)
    .leftJoin(attachmentItems, coveringJoin('order', orders.id))
    .leftJoin(contracts, eq(contracts.id, attachmentItems.contractId))
    .where(
      and(
        eq(orders.accountId, options.accountId),
        like ? or(ilike(orders.orderNo, like), ilike(orders.product, like), ilike(orders.spec, like)) : undefined,
        cursor ? afterKeyset(orders.paidAt, orders.id, cursor) : undefined,
      ),
    )
    .orderBy(desc(orders.paidAt), desc(orders.id))
    .limit(options.limit + 1);
  const { page, nextCursor } = keysetPage(rows, options.limit);
  const items: Order[] = page.map(({ order: o, contractId, number }) => ({
    id: o.id,
    orderNo: o.orderNo,
    product: o.product,
    spec: o.spec,
    quantity: o.quantity,
    amountFen: o.amountFen,
    paidAt: o.paidAt.toISOString(),
    status: o.status,
    ...selectability(orderReason(o, contractId)),
    ...coverageOf({ contractId, number }),
  }));
  return { items, nextCursor };
}

/** The account's ICP filings by number, each with whether it can go into an attachment. */
export async function listIcpFilings(
  db: Database,
  options: { accountId: string; limit?: number; cursor?: string },
): Promise<{ items: IcpFiling[]; nextCursor: string | null }> {
  const limit = options.limit ?? 1000;
  const after = options.cursor ? decodeTextCursor(options.cursor, icpFilingNumberPattern) : undefined;
  const identity = await getVerifiedIdentity(db, options.accountId);
  const rows = await db
    .select({ filing: icpFilings, contractId: contracts.id, number: contracts.number })
    .from(icpFilings)
    .leftJoin(attachmentItems, coveringJoin('icp_filing', icpFilings.id))
    .leftJoin(contracts, eq(contracts.id, attachmentItems.contractId))
    // The number is unique in the account: (account, number) positions the page in its index.
    .where(and(eq(icpFilings.accountId, options.accountId), after ? gt(icpFilings.filingNumber, after) : undefined))
    .orderBy(asc(icpFilings.filingNumber))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > limit && last ? encodeTextCursor(last.filing.filingNumber) : null;
  const items = page.map(({ filing: f, contractId, number }) => ({
    id: f.id,
    filingNumber: f.filingNumber,
    siteName: f.siteName,
    domains: f.domains,
    entityName: f.entityName,
    status: f.status,
    approvedAt: f.approvedAt.toISOString(),
    ...selectability(filingReason(f, identity?.name ?? null, contractId)),
    ...coverageOf({ contractId, number }),
  }));
  return { items, nextCursor };
}
