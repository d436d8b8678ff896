import { and, eq, lte, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { contracts } from '../db/schema/index.js';

/** Writes 'expired' on contracts past their term, for one account or for all. */
export async function expireContracts(db: Database, options: { accountId?: string } = {}) {
  await db
    .update(contracts)
    .set({ status: 'expired', statusChangedAt: sql`now()` })
    .where(
      and(
        eq(contracts.status, 'effective'),
        lte(contracts.expiresAt, sql`now()`),
        options.accountId ? eq(contracts.accountId, options.accountId) : undefined,
      ),
    );
}
