import { and, count, desc, eq, ilike, or, sql } from 'drizzle-orm';
import type { StampingStatus } from '../../shared/schemas/stamping.js';
import type { Database } from '../db/client.js';
import { containsPattern } from '../db/keyset.js';
import { contracts, stampingRequestContracts, stampingRequests } from '../db/schema/index.js';

/**
 * Requests newest first with counts per state. Operators see every account and search by
 * request number, tracking number (either way), contract number or company name.
 */
export async function listStampingRequests(
  db: Database,
  options: { viewer: { role: string; accountId: string | null }; status?: StampingStatus; q?: string; limit?: number },
) {
  const scope = options.viewer.role === 'operator' ? undefined : eq(stampingRequests.accountId, options.viewer.accountId ?? '');
  const like = options.q ? containsPattern(options.q) : undefined;
  const search = like
    ? or(
        ilike(stampingRequests.number, like),
        ilike(stampingRequests.trackingNumber, like),
        ilike(stampingRequests.returnTrackingNumber, like),
        sql`exists (select 1 from ${stampingRequestContracts} src join ${contracts} c on c.id = src.contract_id
                    where src.request_id = ${stampingRequests.id}
                      and (c.number ilike ${like} or c.party_a->>'name' ilike ${like}))`,
      )
    : undefined;
  const [rows, counts] = await Promise.all([
    db
      .select()
      .from(stampingRequests)
      .where(and(scope, search, options.status ? eq(stampingRequests.status, options.status) : undefined))
      .orderBy(desc(stampingRequests.createdAt))
      .limit(options.limit ?? 200),
    db.select({ status: stampingRequests.status, n: count() }).from(stampingRequests).where(and(scope, search)).groupBy(stampingRequests.status),
  ]);
  return { rows, counts: Object.fromEntries(counts.map((c) => [c.status, Number(c.n)])) };
}

/** Each contract's latest stamping status, for 合同管理. */
export async function stampingStatusByContract(db: Database, contractIds: string[]): Promise<Map<string, StampingStatus>> {
  if (!contractIds.length) return new Map();
  const rows = await db
    .selectDistinctOn([stampingRequestContracts.contractId], { contractId: stampingRequestContracts.contractId, status: stampingRequests.status })
    .from(stampingRequestContracts)
    .innerJoin(stampingRequests, eq(stampingRequests.id, stampingRequestContracts.requestId))
    .where(sql`${stampingRequestContracts.contractId} in ${contractIds}`)
    .orderBy(stampingRequestContracts.contractId, desc(stampingRequests.createdAt));
  return new Map(rows.map((r) => [r.contractId, r.status]));
}
