import { and, eq } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { isUniqueViolation } from '../db/client.js';
import { verifications } from '../db/schema/index.js';
import { enqueueEmail } from '../notifications/enqueue-email.js';
import { verificationEmail } from '../notifications/messages.js';
import { issueSupplementsAfterCommit } from './submit-verification.js';

export type VerificationDecision = { approve: true } | { approve: false; reason: string };

/** An operator approves or rejects a verification waiting for review. */
export async function decideVerification(
  ctx: AppContext,
  options: { verificationId: string; decision: VerificationDecision; actor: Actor },
) {
  const [existing] = await ctx.db.select().from(verifications).where(eq(verifications.id, options.verificationId));
  if (!existing) throw new AppError('not_found');
  if (existing.status !== 'pending') throw new AppError('invalid_state', `The verification is ${existing.status}`);

  try {
    const row = await decideInTransaction(ctx, existing, options);
    if (row.status === 'verified' && row.renamesId) await issueSupplementsAfterCommit(ctx, row.id, options.actor);
    return row;
  } catch (error) {
    // An approved appeal becomes a claim; while the other account still holds the identity it cannot.
    if (isUniqueViolation(error, 'verifications_credit_code_claimed') || isUniqueViolation(error, 'verifications_id_number_claimed')) {
      throw new AppError('identity_in_use', 'Another account still holds this identity; end its verification before approving the appeal');
    }
    throw error;
  }
}

function decideInTransaction(
  ctx: AppContext,
  existing: typeof verifications.$inferSelect,
  options: { decision: VerificationDecision; actor: Actor },
) {
  const { decision } = options;
  return ctx.db.transaction(async (tx) => {
    // An approved rename replaces the verified row first: the credit code is never claimed twice.
    if (decision.approve && existing.renamesId) {
      await tx
        .update(verifications)
        .set({ status: 'superseded' })
        .where(and(eq(verifications.id, existing.renamesId), eq(verifications.status, 'verified')));
    }
    const [row] = await tx
      .update(verifications)
      .set({
        status: decision.approve ? 'verified' : 'rejected',
        rejectReason: decision.approve ? null : decision.reason,
        decidedBy: options.actor.userId,
        decidedAt: new Date(),
        isAppeal: decision.approve ? false : existing.isAppeal,
      })
      // The state guard makes a concurrent second decision a no-op instead of an overwrite.
      .where(and(eq(verifications.id, existing.id), eq(verifications.status, 'pending')))
      .returning();
    if (!row) throw new AppError('invalid_state', 'The verification was decided meanwhile');
    await appendEvent(tx, {
      accountId: row.accountId,
      actor: options.actor,
      action: decision.approve ? 'verification.approved' : 'verification.rejected',
      subject: { type: 'verification', id: row.id },
      data: decision.approve ? {} : { reason: decision.reason },
    });
    await enqueueEmail(tx, {
      accountId: row.accountId,
      event: `verification.decided:${row.id}`,
      ...verificationEmail({ approved: decision.approve, reason: decision.approve ? undefined : decision.reason, url: `${ctx.config.publicUrl}/verification` }),
    });
    return row;
  });
}
