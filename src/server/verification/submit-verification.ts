import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { checkCreditCode, checkResidentIdNumber } from '../../shared/ids.js';
import { consentVersion, type VerificationBody } from '../../shared/schemas/verification.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { type Database, isUniqueViolation } from '../db/client.js';
import { verificationDocuments, verifications } from '../db/schema/index.js';
import { issueRenameSupplements } from '../contracts/issue-supplement.js';
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
  if (latest?.status === 'verified') {
    // The same company under a new registered name (same credit code) re-verifies that name.
    const isRename =
      body.subjectType === 'enterprise' && latest.subjectType === 'enterprise' && latest.creditCode === body.creditCode && latest.name !== body.name;
    if (!isRename || isAppeal) throw new AppError('already_verified');
    return submitRename(ctx, { accountId, body, actor: options.actor, documentIds, replaces: latest });
  }
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

/**
 * A verified company's new name under the same credit code: verified at once or reviewed like
 * any verification (the configured verifier decides, manual mode wants the new licence). Once
 * verified it replaces the verified row in one transaction (old first, so that the credit code
 * is never claimed twice), Party A shows the new name from then on, and each framework
 * agreement in force gets its supplement (issue-supplement.ts).
 */
async function submitRename(
  ctx: AppContext,
  options: { accountId: string; body: VerificationBody & { subjectType: 'enterprise' }; actor: Actor; documentIds: string[]; replaces: { id: string } },
) {
  const { accountId, body, documentIds } = options;
  const decision = await ctx.verifier.decide(body);
  let row: typeof verifications.$inferSelect;
  try {
    row = await ctx.db.transaction(async (tx) => {
      if (decision.status === 'verified') {
        const [replaced] = await tx
          .update(verifications)
          .set({ status: 'superseded' })
          .where(and(eq(verifications.id, options.replaces.id), eq(verifications.status, 'verified')))
          .returning({ id: verifications.id });
        if (!replaced) throw new AppError('verification_pending', 'The verification changed meanwhile; reload and try again');
      }
      const [inserted] = await tx
        .insert(verifications)
        .values({
          accountId,
          subjectType: 'enterprise',
          name: body.name,
          creditCode: body.creditCode,
          legalRepresentative: body.legalRepresentative,
          status: decision.status,
          rejectReason: decision.status === 'rejected' ? decision.reason : null,
          decidedAt: decision.status === 'pending' ? null : new Date(),
          renamesId: options.replaces.id,
          consentVersion,
          consentedAt: sql`now()`,
        })
        .returning();
      if (documentIds.length) {
        await tx.update(verificationDocuments).set({ verificationId: inserted!.id }).where(inArray(verificationDocuments.id, documentIds));
      }
      await appendEvent(tx, {
        accountId,
        actor: options.actor,
        action: 'verification.submitted',
        subject: { type: 'verification', id: inserted!.id },
        data: {
          subjectType: 'enterprise',
          verifier: ctx.verifier.name,
          status: decision.status,
          rename: { replaces: options.replaces.id },
          consent: { version: inserted!.consentVersion, at: inserted!.consentedAt?.toISOString() },
          documents: documentIds.length,
        },
      });
      return inserted!;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'verifications_one_pending_rename')) throw new AppError('verification_pending');
    throw error;
  }
  if (row.status === 'verified') await issueSupplementsAfterCommit(ctx, row.id, options.actor);
  return row;
}

/**
 * The rename is committed whatever happens here: a supplement that fails now (the TSA did not
 * answer, the instance stopped) is issued by the periodic task (jobs.ts), so the request that
 * verified the name does not fail for it.
 */
export async function issueSupplementsAfterCommit(ctx: AppContext, verificationId: string, actor: Actor) {
  try {
    await issueRenameSupplements(ctx, { verificationId, actor });
  } catch {
    // Retried by 'issue-rename-supplements' in jobs.ts, which logs a lasting failure.
  }
}
