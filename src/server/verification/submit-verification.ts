import { AppError } from '../../shared/errors.js';
import { checkCreditCode, checkResidentIdNumber } from '../../shared/ids.js';
import type { VerificationBody } from '../../shared/schemas/verification.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { isUniqueViolation } from '../db/client.js';
import { verifications } from '../db/schema/index.js';
import { getLatestVerification } from './get-verification.js';

export async function submitVerification(ctx: AppContext, options: { accountId: string; body: VerificationBody; actor: Actor }) {
  const { body, accountId } = options;
  if (body.subjectType === 'personal') {
    const check = checkResidentIdNumber(body.idNumber);
    if (!check.valid) throw new AppError('invalid_id_number', `The ID number is not valid (${check.reason})`);
  } else {
    const check = checkCreditCode(body.creditCode);
    if (!check.valid) throw new AppError('invalid_credit_code', `The credit code is not valid (${check.reason})`);
  }

  const latest = await getLatestVerification(ctx.db, accountId);
  if (latest?.status === 'verified') throw new AppError('already_verified');
  if (latest?.status === 'pending') throw new AppError('verification_pending');

  const decision = await ctx.verifier.decide(body);
  const decided = decision.status !== 'pending';
  try {
    return await ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(verifications)
        .values({
          accountId,
          subjectType: body.subjectType,
          name: body.name,
          idNumber: body.subjectType === 'personal' ? body.idNumber : null,
          creditCode: body.subjectType === 'enterprise' ? body.creditCode : null,
          legalRepresentative: body.subjectType === 'enterprise' ? body.legalRepresentative : null,
          status: decision.status,
          rejectReason: decision.status === 'rejected' ? decision.reason : null,
          decidedAt: decided ? new Date() : null,
        })
        .returning();
      await appendEvent(tx, {
        accountId,
        actor: options.actor,
        action: 'verification.submitted',
        subject: { type: 'verification', id: row!.id },
        data: { subjectType: body.subjectType, verifier: ctx.verifier.name, status: decision.status },
      });
      return row!;
    });
  } catch (error) {
    // Two submissions raced: the partial unique index let only one through.
    if (isUniqueViolation(error, 'verifications_one_open_per_account')) {
      const now = await getLatestVerification(ctx.db, accountId);
      throw new AppError(now?.status === 'verified' ? 'already_verified' : 'verification_pending');
    }
    throw error;
  }
}
