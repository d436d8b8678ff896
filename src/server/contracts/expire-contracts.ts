import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { attachmentItems, contracts } from '../db/schema/index.js';

/** Writes 'expired' on contracts past their term, for one account or for all. */
export async function expireContracts(db: Database, options: { accountId?: string } = {}) {
  const expired = await db
    .update(contracts)
    .set({ status: 'expired', statusChangedAt: sql`now()` })
    .where(
      and(
        eq(contracts.status, 'effective'),
        lte(contracts.expiresAt, sql`now()`),
        options.accountId ? eq(contracts.accountId, options.accountId) : undefined,
      ),
    )
    .returning({ id: contracts.id });
  if (expired.length)
    await db
      .update(attachmentItems)
      .set({ inForce: false })
      .where(inArray(attachmentItems.contractId, expired.map((c) => c.id)));
  return expired.length;
}
