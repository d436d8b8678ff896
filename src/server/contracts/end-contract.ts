import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/client.js';
import { attachmentItems, contracts } from '../db/schema/index.js';
import { notifyContract } from '../notifications/notify-contract.js';
import { loadContract } from './load-contract.js';
import { currentStatus } from './present-contract.js';

export type EndingRule = {
  /** Refuses when the contract must not end this way (open stamping request, completed paper copy). */
  assertMayEnd?: (tx: Database, contractIds: string[]) => Promise<void>;
};

/**
 * Ends a contract in force, as 'voided' (the customer) or 'terminated' (an operator); the
 * attachments of a framework agreement end with it, in the same transaction.
 */
export async function endContract(
  ctx: AppContext,
  options: {
    contractId: string;
    to: 'voided' | 'terminated';
    reason: string;
    actor: Actor;
    viewer: { role: 'customer' | 'operator'; accountId: string | null };
    rule?: EndingRule;
  },
) {
  const row = await loadContract(ctx.db, options.contractId, options.viewer);
  // A scheduled renewal may be voided before it starts, like one in force.
  if (currentStatus(row) !== 'effective' && row.status !== 'scheduled') throw new AppError('invalid_state', `The contract is ${currentStatus(row)}`);

  return ctx.db.transaction(async (tx) => {
    const ended = await tx
      .update(contracts)
      .set({ status: options.to, statusReason: options.reason, statusChangedAt: new Date(), statusChangedBy: options.actor.userId })
      .where(
        and(
          inArray(contracts.status, ['effective', 'scheduled']),
          sql`${contracts.expiresAt} > now()`,
          or(eq(contracts.id, row.id), row.kind === 'framework' ? eq(contracts.frameworkId, row.id) : sql`false`),
        ),
      )
      .returning();
    const main = ended.find((c) => c.id === row.id);
    // Another request ended it meanwhile: the guard above made this one a no-op.
    if (!main) throw new AppError('invalid_state', 'The contract was ended meanwhile');
    await options.rule?.assertMayEnd?.(tx, ended.map((c) => c.id));
    // The orders and filings of an ended attachment (or of a re-issue that will not start) may be chosen again.
    await tx
      .update(attachmentItems)
      .set({ inForce: false, scheduled: false })
      .where(inArray(attachmentItems.contractId, ended.map((c) => c.id)));
    for (const c of ended) {
      await appendEvent(tx, {
        accountId: c.accountId,
        actor: options.actor,
        action: options.to === 'voided' ? 'contract.voided' : 'contract.terminated',
        subject: { type: 'contract', id: c.id },
        data: { number: c.number, reason: options.reason, ...(c.id !== row.id ? { with: row.number } : {}) },
      });
    }
    await notifyContract(tx, ctx.config, main, options.to, { reason: options.reason });
    return main;
  });
}
