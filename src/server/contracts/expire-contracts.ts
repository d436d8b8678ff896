import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { appendEvents } from '../audit/append-event.js';
import { systemActor } from '../audit/events.js';
import type { Database } from '../db/client.js';
import { attachmentItems, contracts } from '../db/schema/index.js';

const batchSize = 1000;

/**
 * Writes 'expired' on contracts past their term, for one account or for all, a batch per
 * transaction. The due rows are read in expiry order through the partial index of contracts
 * still marked in force (`contracts_effective_expiry_idx`), so a sweep over a million
 * contracts reads only the few it changes; the literal status lets the planner match it.
 */
export async function expireContracts(db: Database, options: { accountId?: string } = {}) {
  const isDue = and(
    sql`${contracts.status} = 'effective'`,
    sql`${contracts.expiresAt} <= now()`,
    options.accountId ? eq(contracts.accountId, options.accountId) : undefined,
  );
  // Almost always nothing is due: one read of the index says so, without a transaction.
  if (!(await db.select({ one: sql`1` }).from(contracts).where(isDue).limit(1)).length) return 0;
  let total = 0;
  for (;;) {
    const changed = await db.transaction(async (tx) => {
      const due = await tx
        .select({ id: contracts.id, accountId: contracts.accountId, number: contracts.number, expiresAt: contracts.expiresAt })
        .from(contracts)
        .where(isDue)
        .orderBy(asc(contracts.expiresAt))
        .limit(batchSize)
        // Instances sweeping at once share the work; an account's own check waits instead,
        // since it must see its framework expired before deciding.
        .for('update', options.accountId ? {} : { skipLocked: true });
      if (!due.length) return 0;
      const ids = due.map((c) => c.id);
      await tx.update(contracts).set({ status: 'expired', statusChangedAt: sql`now()` }).where(inArray(contracts.id, ids));
      await tx.update(attachmentItems).set({ inForce: false }).where(inArray(attachmentItems.contractId, ids));
      await appendEvents(
        tx,
        due.map((c) => ({
          accountId: c.accountId,
          actor: systemActor,
          action: 'contract.expired' as const,
          subject: { type: 'contract' as const, id: c.id },
          data: { number: c.number, expiresAt: c.expiresAt.toISOString() },
        })),
      );
      return ids.length;
    });
    total += changed;
    if (changed < batchSize) return total;
  }
}

/**
 * Makes scheduled renewals effective once their start has passed, with the attachments
 * re-issued under them: the predecessors are expired first (the one-in-force indexes admit one
 * effective framework per account and one attachment in force per item), then one
 * state-guarded UPDATE, so instances running it at once activate each contract once; the
 * re-issued items pass from scheduled to in force and each activation is audited, in the same
 * transaction.
 */
export async function activateScheduled(db: Database) {
  await expireContracts(db);
  return db.transaction(async (tx) => {
    const activated = await tx
      .update(contracts)
      .set({ status: 'effective', statusChangedAt: sql`now()` })
      .where(and(sql`${contracts.status} = 'scheduled'`, sql`${contracts.effectiveAt} <= now()`))
      .returning({ id: contracts.id, accountId: contracts.accountId, number: contracts.number, renewsId: contracts.renewsId });
    if (activated.length)
      await tx
        .update(attachmentItems)
        .set({ inForce: true, scheduled: false })
        .where(and(inArray(attachmentItems.contractId, activated.map((c) => c.id)), eq(attachmentItems.scheduled, true)));
    await appendEvents(
      tx,
      activated.map((c) => ({
        accountId: c.accountId,
        actor: systemActor,
        action: 'contract.activated' as const,
        subject: { type: 'contract' as const, id: c.id },
        data: { number: c.number, ...(c.renewsId ? { renews: c.renewsId } : {}) },
      })),
    );
    return activated.length;
  });
}
