import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { checkCreditCode, checkResidentIdNumber } from '../../shared/ids.js';
import { consentVersion, type VerificationBody } from '../../shared/schemas/verification.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { type Database, isUniqueViolation } from '../db/client.js';
import { verificationDocuments, verifications } from '../db/schema/index.js';
import { getLatestVerification } from './get-verification.js';

const claimIndexes = ['verifications_credit_code_claimed', 'verifications_id_number_claimed'];

/** Whether another account waits for or holds this credit code or ID number. */
async function isClaimedElsewhere(db: Database, accountId: string, body: VerificationBody): Promise<boolean> {
  const identity = body.subjectType === 'enterprise' ? eq(verifications.creditCode, body.creditCode) : eq(verifications.idNumber, body.idNumber);
  const [row] = await db
    .select({ id: verifications.id })
    .from(verifications)
    .where(and(identity, ne(verifications.accountId, accountId), inArray(verifications.status, ['pending', 'verified']), eq(verifications.isAppeal, false)))
    .limit(1);
  return Boolean(row);
}

export async function submitVerification(ctx: AppContext, options: { accountId: string; body: VerificationBody; actor: Actor }) {
  const { body, accountId } = options;
  if (body.subjectType === 'personal') {
    const check = checkResidentIdNumber(body.idNumber);
    if (!check.valid) throw new AppError('invalid_id_number', `The ID number is not valid (${check.reason})`);
  } else {
    const check = checkCreditCode(body.creditCode);
    if (!check.valid) throw new AppError('invalid_credit_code', `The credit code is not valid (${check.reason})`);
  }
  // A separate consent to process sensitive personal information (PIPL art. 29), to the text shown.
  if (body.consent?.version !== consentVersion) throw new AppError('consent_required');

  const documentIds = [...new Set(body.documents ?? [])];
  const isAppeal = body.appeal === true;
  if (isAppeal && documentIds.length === 0) throw new AppError('licence_required', 'An appeal needs evidence: attach the business licence or the ID card');
  if (body.subjectType === 'enterprise' && ctx.verifier.name === 'manual' && documentIds.length === 0) throw new AppError('licence_required');
  if (documentIds.length) {
    const owned = await ctx.db
      .select({ id: verificationDocuments.id })
      .from(verificationDocuments)
      .where(and(eq(verificationDocuments.accountId, accountId), inArray(verificationDocuments.id, documentIds)));
    if (owned.length !== documentIds.length) throw new AppError('invalid_document', 'A document is not one this account uploaded');
  }

  const latest = await getLatestVerification(ctx.db, accountId);
  if (latest?.status === 'verified') throw new AppError('already_verified');
  if (latest?.status === 'pending') throw new AppError('verification_pending');
  if (!isAppeal && (await isClaimedElsewhere(ctx.db, accountId, body))) throw new AppError('identity_in_use');

  // An appeal is for an operator to decide, whatever the configured verifier would say.
  const decision = isAppeal ? ({ status: 'pending' } as const) : await ctx.verifier.decide(body);
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
          isAppeal,
          consentVersion,
          consentedAt: sql`now()`,
        })
        .returning();
      if (documentIds.length) {
        await tx.update(verificationDocuments).set({ verificationId: row!.id }).where(inArray(verificationDocuments.id, documentIds));
      }
      await appendEvent(tx, {
        accountId,
        actor: options.actor,
        action: 'verification.submitted',
        subject: { type: 'verification', id: row!.id },
        data: {
          subjectType: body.subjectType,
          verifier: isAppeal ? 'appeal' : ctx.verifier.name,
          status: decision.status,
          consent: { version: row!.consentVersion, at: row!.consentedAt?.toISOString() },
          documents: documentIds.length,
          ...(isAppeal ? { appeal: true } : {}),
        },
      });
      return row!;
    });
  } catch (error) {
    // Another account's submission of the same identity committed first: the index decided.
    if (claimIndexes.some((name) => isUniqueViolation(error, name))) throw new AppError('identity_in_use');
    // Two submissions of this account raced: the partial unique index let only one through.
    if (isUniqueViolation(error, 'verifications_one_open_per_account')) {
      const now = await getLatestVerification(ctx.db, accountId);
      throw new AppError(now?.status === 'verified' ? 'already_verified' : 'verification_pending');
    }
    throw error;
  }
}
