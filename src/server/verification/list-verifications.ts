import { asc, desc, eq, and } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { afterKeyset, decodeCursor, keysetPage, keysetTime } from '../db/keyset.js';
import { users, verifications } from '../db/schema/index.js';

/** The operator's review queue: oldest first for pending, newest first otherwise; keyset pages. */
export async function listVerifications(
  db: Database,
  options: { status: 'pending' | 'verified' | 'rejected'; limit?: number; cursor?: string },
) {
  const limit = options.limit ?? 200;
  const cursor = options.cursor ? decodeCursor(options.cursor) : undefined;
  const direction = options.status === 'pending' ? 'asc' : 'desc';
  const order = direction === 'asc' ? asc : desc;
  const rows = await db
    .select({ verification: verifications, email: users.email, id: verifications.id, keysetAt: keysetTime(verifications.createdAt) })
    .from(verifications)
    .innerJoin(users, eq(users.accountId, verifications.accountId))
    .where(
      and(
        eq(verifications.status, options.status),
        cursor ? afterKeyset(verifications.createdAt, verifications.id, cursor, direction) : undefined,
      ),
    )
    .orderBy(order(verifications.createdAt), order(verifications.id))
    .limit(limit + 1);
  const { page, nextCursor } = keysetPage(rows, limit);
  return { rows: page, nextCursor };
}
