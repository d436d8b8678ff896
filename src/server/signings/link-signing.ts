import { and, eq, gt, isNotNull } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { Database } from '../db/client.js';
import { signings } from '../db/schema/index.js';

/**
 * The confirmed signing a contract completes. With a platform-held key the confirmation and
 * the contract are one step, so its confirmation is recorded with the contract; a signer-held
 * signing recorded its own at confirmation.
 */
export type SigningLink =
  | { id: string; keyCustody: 'platform'; confirmation: Record<string, unknown> }
  | { id: string; keyCustody: 'signer'; number: string };

/** What the contract's `contract.generated` event says about the signing it completes. */
export const linkData = (s?: SigningLink) => (s ? { signingId: s.id, keyCustody: s.keyCustody } : {});

/**
 * In the contract's transaction: the signing becomes completed, once only — a second request
 * with the same code, or a second completion, finds it completed and changes nothing.
 */
export async function completeLinkedSigning(tx: Database, o: { link: SigningLink; accountId: string; contractId: string; number: string; actor: Actor }) {
  const [row] = await tx.select({ status: signings.status, number: signings.number, expiresAt: signings.expiresAt }).from(signings).where(eq(signings.id, o.link.id)).for('update');
  const expected = o.link.keyCustody === 'platform' ? 'awaiting_code' : 'awaiting_signature';
  if (row?.status !== expected) throw new AppError('invalid_state', 'This signing was completed or ended meanwhile');
  if (o.link.keyCustody === 'signer') {
    if (row.number !== o.link.number) throw new AppError('invalid_state', 'This signing was completed or ended meanwhile');
    if (row.expiresAt <= new Date()) throw new AppError('signing_expired');
  }
  await tx
    .update(signings)
    // The prepared revision is of no use any more; the certificate stays for the record.
    .set({ status: 'completed', keyCustody: o.link.keyCustody, number: o.number, contractId: o.contractId, prepared: null, toBeSigned: null })
    .where(eq(signings.id, o.link.id));
  if (o.link.keyCustody === 'platform')
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
    .where(and(eq(signings.frameworkId, frameworkId), isNotNull(signings.attachmentSeq), eq(signings.status, 'awaiting_signature'), gt(signings.expiresAt, now)))
    .limit(1);
  return Boolean(held);
}
