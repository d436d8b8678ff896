import { and, count, desc, eq, inArray, type SQLWrapper, sql } from 'drizzle-orm';
import { union } from 'drizzle-orm/pg-core';
import type { StampingStatus } from '../../shared/schemas/stamping.js';
import type { Database } from '../db/client.js';
import { afterKeyset, contains, containsPattern, decodeCursor, foldsCase, keysetPage, keysetTime } from '../db/keyset.js';
import { contracts, stampingRequestContracts, stampingRequests } from '../db/schema/index.js';

/**
 * The requests matching a search, as one list of ids: each arm runs on its own trigram index,
 * where an OR across the tables would read every request.
 */
function matchingRequestIds(db: Database, text: string) {
  const like = containsPattern(text);
  const ignoreCase = foldsCase(text);
  const matches = (value: SQLWrapper) => contains(value, like, ignoreCase);
  return union(
    db.select({ id: stampingRequests.id }).from(stampingRequests).where(matches(stampingRequests.number)),
    db.select({ id: stampingRequests.id }).from(stampingRequests).where(matches(stampingRequests.trackingNumber)),
    db.select({ id: stampingRequests.id }).from(stampingRequests).where(matches(stampingRequests.returnTrackingNumber)),
    db
      .select({ id: stampingRequestContracts.requestId })
      .from(stampingRequestContracts)
      .innerJoin(contracts, eq(contracts.id, stampingRequestContracts.contractId))
      .where(matches(contracts.number)),
    db
      .select({ id: stampingRequestContracts.requestId })
      .from(stampingRequestContracts)
      .innerJoin(contracts, eq(contracts.id, stampingRequestContracts.contractId))
      .where(matches(contracts.partyAName)),
  );
}

/**
 * Requests newest first, keyset-paginated, with counts per state. Operators see every account
 * and search by request number, tracking number (either way), contract number or company name.
 */
export async function listStampingRequests(
  db: Database,
  options: { viewer: { role: string; accountId: string | null }; status?: StampingStatus; q?: string; limit?: number; cursor?: string },
) {
  const limit = options.limit ?? 200;
  const cursor = options.cursor ? decodeCursor(options.cursor) : undefined;
  const scope = options.viewer.role === 'operator' ? undefined : eq(stampingRequests.accountId, options.viewer.accountId ?? '00000000-0000-0000-0000-000000000000');
  const search = options.q ? inArray(stampingRequests.id, matchingRequestIds(db, options.q)) : undefined;
  const [rows, counts] = await Promise.all([
    db
      .select({ request: stampingRequests, id: stampingRequests.id, keysetAt: keysetTime(stampingRequests.createdAt) })
      .from(stampingRequests)
      .where(
        and(
          scope,
          search,
          options.status ? eq(stampingRequests.status, options.status) : undefined,
          cursor ? afterKeyset(stampingRequests.createdAt, stampingRequests.id, cursor) : undefined,
        ),
      )
      .orderBy(desc(stampingRequests.createdAt), desc(stampingRequests.id))
      .limit(limit + 1),
    db.select({ status: stampingRequests.status, n: count() }).from(stampingRequests).where(and(scope, search)).groupBy(stampingRequests.status),
  ]);
  const { page, nextCursor } = keysetPage(rows, limit);
  return { rows: page.map((r) => r.request), nextCursor, counts: Object.fromEntries(counts.map((c) => [c.status, Number(c.n)])) };
}

/** Each contract's latest stamping status, for 合同管理. */
export async function stampingStatusByContract(db: Database, contractIds: string[]): Promise<Map<string, StampingStatus>> {
  if (!contractIds.length) return new Map();
  const rows = await db
    .selectDistinctOn([stampingRequestContracts.contractId], { contractId: stampingRequestContracts.contractId, status: stampingRequests.status })
    .from(stampingRequestContracts)
    .innerJoin(stampingRequests, eq(stampingRequests.id, stampingRequestContracts.requestId))
    .where(sql`${stampingRequestContracts.contractId} in ${contractIds}`)
    .orderBy(stampingRequestContracts.contractId, desc(stampingRequests.createdAt), desc(stampingRequests.id));
  return new Map(rows.map((r) => [r.contractId, r.status]));
}
