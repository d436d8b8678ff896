import { and, eq, gt } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { Database } from '../db/client.js';
import { signings } from '../db/schema/index.js';

/** The confirmed signing a platform-signed contract is generated for. */
export type SigningLink = { id: string; confirmation: Record<string, unknown> };

/**
 * In the contract's transaction: the signing becomes completed and its confirmation is
 * recorded, once only — a second request with the same code finds it completed.
 */
export async function completeLinkedSigning(tx: Database, o: { link: SigningLink; accountId: string; contractId: string; number: string; actor: Actor }) {
  const [row] = await tx.select({ status: signings.status }).from(signings).where(eq(signings.id, o.link.id)).for('update');
  if (row?.status !== 'awaiting_code') throw new AppError('invalid_state', 'This signing was completed or ended meanwhile');
  await tx
    .update(signings)
    .set({ status: 'completed', keyCustody: 'platform', number: o.number, contractId: o.contractId })
    .where(eq(signings.id, o.link.id));
  await appendEvent(tx, {
    accountId: o.accountId,
    actor: o.actor,
    action: 'signing.confirmed',
    subject: { type: 'signing', id: o.link.id },
    data: { ...o.link.confirmation, number: o.number, keyCustody: 'platform' },
  });
}

/** Whether a signer-held signing holds the framework's next attachment number. */
export async function hasHeldNumber(tx: Database, frameworkId: string, now: Date = new Date()): Promise<boolean> {
  const [held] = await tx
    .select({ id: signings.id })
    .from(signings)
    .where(and(eq(signings.frameworkId, frameworkId), eq(signings.status, 'awaiting_signature'), gt(signings.expiresAt, now)))
    .limit(1);
  return Boolean(held);
}
