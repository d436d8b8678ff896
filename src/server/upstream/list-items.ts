import { and, asc, desc, eq, gt, or } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import type { IcpFiling, Order, UnselectableReason } from '../../shared/schemas/attachment.js';
import type { Database } from '../db/client.js';
import { icpFilingNumberPattern } from '../../shared/ids.js';
import { afterKeyset, contains, containsPattern, decodeCursor, decodeTextCursor, encodeTextCursor, foldsCase, keysetPage, keysetTime } from '../db/keyset.js';
import { attachmentItems, contracts, icpFilings, orders } from '../db/schema/index.js';
import { getVerifiedIdentity } from '../verification/get-verification.js';
import { isReissue } from '../contracts/present-contract.js';
import { inUuids } from '../db/uuid-array.js';

type Coverage = { contractId: string | null; number: string | null };

function coverageOf(c: Coverage) {
  return c.contractId && c.number ? { coveredBy: { contractId: c.contractId, number: c.number } } : {};
}

function selectability(reason: UnselectableReason | undefined) {
  return reason ? { selectable: false, reason } : { selectable: true };
}

const coveringJoin = (kind: 'order' | 'icp_filing', itemId: typeof orders.id | typeof icpFilings.id) =>
  and(eq(attachmentItems.itemKind, kind), eq(attachmentItems.itemId, itemId), eq(attachmentItems.inForce, true));

/**
 * Under a scheduled successor (续签) an item can be chosen only to re-issue it: it must be in
 * an attachment of the predecessor in force now and not re-issued yet. Null when `frameworkId`
 * names the framework in force (or none): the usual coverage applies.
 */
async function reissueRule(db: Database, accountId: string, frameworkId: string | undefined) {
  if (!frameworkId) return null;
  const [framework] = await db.select().from(contracts).where(and(eq(contracts.id, frameworkId), eq(contracts.accountId, accountId)));
  if (framework?.kind !== 'framework') throw new AppError('not_found', 'No such framework agreement');
  if (!isReissue(framework)) return null;
  const predecessor = framework.renewsId!;
  return async (kind: 'order' | 'icp_filing', ids: string[]) => {
    const rows = ids.length
      ? await db
          .select({ itemId: attachmentItems.itemId, scheduled: attachmentItems.scheduled, contractId: contracts.id, number: contracts.number, frameworkId: contracts.frameworkId })
          .from(attachmentItems)
          .innerJoin(contracts, eq(contracts.id, attachmentItems.contractId))
          .where(
            and(
              eq(attachmentItems.itemKind, kind),
              inUuids(attachmentItems.itemId, ids),
              or(eq(attachmentItems.inForce, true), eq(attachmentItems.scheduled, true)),
            ),
          )
      : [];
    const reissued = new Map(rows.filter((r) => r.scheduled).map((r) => [r.itemId, r]));
    const held = new Set(rows.filter((r) => !r.scheduled && r.frameworkId === predecessor).map((r) => r.itemId));
    /** The coverage to report instead of the one in force: the re-issue already made, or none. */
    return (id: string): { coverage: Coverage; notReissuable: boolean } => {
      const r = reissued.get(id);
      if (r) return { coverage: { contractId: r.contractId, number: r.number }, notReissuable: false };
      return { coverage: { contractId: null, number: null }, notReissuable: !held.has(id) };
    };
  };
}

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
export async function listOrders(db: Database, options: { accountId: string; q?: string; limit: number; cursor?: string; frameworkId?: string }) {
  const rule = await reissueRule(db, options.accountId, options.frameworkId);
  const cursor = options.cursor ? decodeCursor(options.cursor) : undefined;
  const like = options.q ? containsPattern(options.q) : undefined;
  const ignoreCase = options.q ? foldsCase(options.q) : false;
  const rows = await db
    .select({ order: orders, id: orders.id, keysetAt: keysetTime(orders.paidAt), contractId: contracts.id, number: contracts.number })
    .from(orders)
    .leftJoin(attachmentItems, coveringJoin('order', orders.id))
    .leftJoin(contracts, eq(contracts.id, attachmentItems.contractId))
    .where(
      and(
        eq(orders.accountId, options.accountId),
        like ? or(contains(orders.orderNo, like, ignoreCase), contains(orders.product, like, ignoreCase), contains(orders.spec, like, ignoreCase)) : undefined,
        cursor ? afterKeyset(orders.paidAt, orders.id, cursor) : undefined,
      ),
    )
    .orderBy(desc(orders.paidAt), desc(orders.id))
    .limit(options.limit + 1);
  const { page, nextCursor } = keysetPage(rows, options.limit);
  const reissue = rule && (await rule('order', page.map((r) => r.id)));
  const items: Order[] = page.map(({ order: o, ...inForce }) => {
    const { coverage, notReissuable } = reissue ? reissue(o.id) : { coverage: inForce, notReissuable: false };
    return {
    id: o.id,
    orderNo: o.orderNo,
    product: o.product,
    spec: o.spec,
    quantity: o.quantity,
    amountFen: o.amountFen,
    paidAt: o.paidAt.toISOString(),
    status: o.status,
    ...selectability(orderReason(o, coverage.contractId) ?? (notReissuable ? 'not_reissuable' : undefined)),
    ...coverageOf(coverage),
    };
  });
  return { items, nextCursor };
}

/** The account's ICP filings by number, each with whether it can go into an attachment. */
export async function listIcpFilings(
  db: Database,
  options: { accountId: string; limit?: number; cursor?: string; frameworkId?: string },
): Promise<{ items: IcpFiling[]; nextCursor: string | null }> {
  const rule = await reissueRule(db, options.accountId, options.frameworkId);
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
  const reissue = rule && (await rule('icp_filing', page.map((r) => r.filing.id)));
  const items = page.map(({ filing: f, ...inForce }) => {
    const { coverage, notReissuable } = reissue ? reissue(f.id) : { coverage: inForce, notReissuable: false };
    return {
    id: f.id,
    filingNumber: f.filingNumber,
    siteName: f.siteName,
    domains: f.domains,
    entityName: f.entityName,
    status: f.status,
    approvedAt: f.approvedAt.toISOString(),
    ...selectability(filingReason(f, identity?.name ?? null, coverage.contractId) ?? (notReissuable ? 'not_reissuable' : undefined)),
    ...coverageOf(coverage),
    };
  });
  return { items, nextCursor };
}
