import { and, desc, eq, ilike, lt, or, sql, type SQL } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import type { ContractListQuery } from '../../shared/schemas/contract.js';
import type { SessionUser } from '../auth/sessions.js';
import type { Database } from '../db/client.js';
import { contracts } from '../db/schema/index.js';
import type { ContractRow } from './present-contract.js';

type Cursor = { createdAt: string; id: string };

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify([c.createdAt, c.id])).toString('base64url');

function decodeCursor(cursor: string): Cursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (Number.isNaN(Date.parse(createdAt)) || !/^[0-9a-f-]{36}$/.test(id)) throw new Error('bad cursor');
    return { createdAt, id };
  } catch {
    throw new AppError('validation_failed', 'The cursor is not valid', { errors: [{ path: 'cursor', message: 'not a cursor from this list' }] });
  }
}

function statusCondition(status: ContractListQuery['status']): SQL | undefined {
  if (status === 'effective') return and(eq(contracts.status, 'effective'), sql`${contracts.expiresAt} > now()`);
  if (status === 'expired') return or(eq(contracts.status, 'expired'), and(eq(contracts.status, 'effective'), sql`${contracts.expiresAt} <= now()`));
  return status ? eq(contracts.status, status) : undefined;
}

/** Newest first, keyset-paginated; customers see their own account, operators every account. */
export async function listContracts(db: Database, options: { viewer: Pick<SessionUser, 'role' | 'accountId'>; query: ContractListQuery }) {
  const { query, viewer } = options;
  const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
  const like = query.q ? `%${query.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%` : undefined;
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
              lt(contracts.createdAt, new Date(cursor.createdAt)),
              and(eq(contracts.createdAt, new Date(cursor.createdAt)), lt(contracts.id, cursor.id)),
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
    nextCursor: rows.length > query.limit && last ? encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id }) : null,
  };
}
