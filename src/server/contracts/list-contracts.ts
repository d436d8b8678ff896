import { and, desc, eq, ilike, lt, or, sql, type SQL } from 'drizzle-orm';
import type { ContractListQuery } from '../../shared/schemas/contract.js';
import type { SessionUser } from '../auth/sessions.js';
import type { Database } from '../db/client.js';
import { containsPattern, decodeCursor, encodeCursor } from '../db/keyset.js';
import { contracts } from '../db/schema/index.js';
import type { ContractRow } from './present-contract.js';

function statusCondition(status: ContractListQuery['status']): SQL | undefined {
  if (status === 'effective') return and(eq(contracts.status, 'effective'), sql`${contracts.expiresAt} > now()`);
  if (status === 'expired') return or(eq(contracts.status, 'expired'), and(eq(contracts.status, 'effective'), sql`${contracts.expiresAt} <= now()`));
  return status ? eq(contracts.status, status) : undefined;
}

/** Newest first, keyset-paginated; customers see their own account, operators every account. */
export async function listContracts(db: Database, options: { viewer: Pick<SessionUser, 'role' | 'accountId'>; query: ContractListQuery }) {
  const { query, viewer } = options;
  const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
  const like = query.q ? containsPattern(query.q) : undefined;
  const rows: ContractRow[] = await db
    .select()
    .from(contracts)
    .where(
      and(
        viewer.role === 'operator' ? undefined : eq(contracts.accountId, viewer.accountId ?? '00000000-0000-0000-0000-000000000000'),
        query.kind ? eq(contracts.kind, query.kind) : undefined,
        query.frameworkId ? eq(contracts.frameworkId, query.frameworkId) : undefined,
        statusCondition(query.status),
        like ? or(ilike(contracts.number, like), sql`${contracts.partyA}->>'name' ilike ${like}`) : undefined,
        cursor
          ? or(
              lt(contracts.createdAt, cursor.at),
              and(eq(contracts.createdAt, cursor.at), lt(contracts.id, cursor.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(contracts.createdAt), desc(contracts.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    rows: page,
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}
