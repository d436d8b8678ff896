import { and, eq, inArray, sql } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import type { ApplyFrameworkBody } from '../../shared/schemas/contract.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { type Database, isUniqueViolation, queryRows } from '../db/client.js';
import { contracts } from '../db/schema/index.js';
import { getPartyA } from '../party-a/get-party-a.js';
import { frameworkTemplateVersion } from './templates/framework-agreement-v2.js';
import { addYears, beijingDate, frameworkNumber } from './contract-dates.js';
import { expireContracts } from './expire-contracts.js';
import { partyBSnapshot, printablePartyA } from './party-snapshots.js';
import { storeDocument } from './contract-document.js';
import { notifyContract } from '../notifications/notify-contract.js';
import { assertDailyLimit } from './daily-limit.js';

export const verifyUrlFor = (publicUrl: string, number: string) => `${publicUrl}/verify?number=${encodeURIComponent(number)}`;

/** Loads Party A and checks the preconditions every framework application shares. */
async function readyPartyA(ctx: AppContext, accountId: string) {
  const { identity, partyA } = await getPartyA(ctx.db, accountId);
  if (!partyA.isComplete) throw new AppError('party_a_incomplete');
  const { isComplete: _, ...snapshot } = partyA;
  return { identity, partyA: snapshot };
}

/** The unsigned draft the wizard previews: the full text, watermarked, without number or seals. */
export async function previewFramework(ctx: AppContext, options: { accountId: string; terms: Pick<ApplyFrameworkBody, 'termYears' | 'copies'> }) {
  const { partyA } = await readyPartyA(ctx, options.accountId);
  const now = new Date();
  const number = `FA${beijingDate(now).year}——————`;
  const { pdf } = await ctx.renderer.framework({
    number,
    templateVersion: frameworkTemplateVersion,
    partyA: printablePartyA(partyA),
    partyB: ctx.config.partyB,
    copies: options.terms.copies,
    termYears: options.terms.termYears,
    effectiveAt: now,
    expiresAt: addYears(now, options.terms.termYears),
    verifyUrl: `${ctx.config.publicUrl}/verify`,
    draft: true,
  });
  return pdf;
}

async function frameworkInForce(db: Database, accountId: string) {
  const [existing] = await db
    .select({ number: contracts.number, status: contracts.status })
    .from(contracts)
    .where(and(eq(contracts.accountId, accountId), eq(contracts.kind, 'framework'), inArray(contracts.status, ['effective', 'scheduled'])));
  return existing;
}

/** Who signs and what: the input every framework issuance takes once the signer confirmed. */
export type FrameworkIssue = {
  accountId: string;
  terms: Pick<ApplyFrameworkBody, 'termYears' | 'copies'>;
  actor: Actor;
  /** A renewal: the successor starts when this agreement ends, as 'scheduled'. */
  renews?: { id: string; expiresAt: Date };
};

/**
 * Generates, signs and stores the account's framework agreement, effective at once. The PDF is
 * rendered and signed (in a worker thread) before the transaction, which then only inserts: a
 * transaction held during rendering would stall every other request on PGlite's single
 * connection. The check for a framework in force runs while the worker renders, and Party A's
 * event certificate is only issued once it passed; a request it refuses, or that loses a race,
 * leaves its number unused, which the numbering allows.
 */
export async function applyFramework(ctx: AppContext, options: { accountId: string; body: ApplyFrameworkBody; actor: Actor }) {
  if (!options.body.accept) throw new AppError('acceptance_required');
  const terms = { termYears: options.body.termYears, copies: options.body.copies };
  return issueFramework(ctx, { accountId: options.accountId, terms, actor: options.actor });
}

/** The shared path of a first framework agreement and of a renewal (see renew-framework.ts). */
export async function issueFramework(ctx: AppContext, options: FrameworkIssue) {
  const { accountId, terms, renews } = options;
  const { identity, partyA } = await readyPartyA(ctx, accountId);
  await assertDailyLimit(ctx.db, accountId, ctx.config.dailyContractLimit);
  const [next] = await queryRows<{ seq: number }>(ctx.db, sql`select nextval('framework_number_seq')::int as seq`);
  const effectiveAt = renews ? renews.expiresAt : new Date();
  const expiresAt = addYears(effectiveAt, terms.termYears);
  const number = frameworkNumber(beijingDate(new Date()).year, next!.seq);
  const partyB = partyBSnapshot(ctx.config.partyB);
  // Refused before Party A's certificate is issued; the worker renders meanwhile.
  const checked = (async () => {
    await expireContracts(ctx.db, { accountId });
    if (renews) {
      const [current] = await ctx.db.select().from(contracts).where(eq(contracts.id, renews.id));
      if (current?.status !== 'effective' || current.expiresAt.getTime() <= Date.now()) throw new AppError('not_renewable');
      const [successor] = await ctx.db.select({ id: contracts.id }).from(contracts).where(eq(contracts.renewsId, renews.id));
      if (successor) throw new AppError('renewal_exists');
      return;
    }
    const existing = await frameworkInForce(ctx.db, accountId);
    if (existing) throw new AppError('framework_exists', `Framework agreement ${existing.number} is ${existing.status === 'scheduled' ? 'scheduled' : 'in force'}`);
  })();
  const signed = await ctx.renderer.signedFramework(
    {
      number,
      templateVersion: frameworkTemplateVersion,
      partyA: printablePartyA(partyA),
      partyB: ctx.config.partyB,
      copies: terms.copies,
      termYears: terms.termYears,
      effectiveAt,
      expiresAt,
      verifyUrl: verifyUrlFor(ctx.config.publicUrl, number),
      draft: false,
    },
    { identity, partyBName: partyB.name },
    { checked },
  );

  try {
    // Of simultaneous applications the partial unique index lets one insert; the others wait
    // for its commit and fail on the index, which answers framework_exists (renewal_exists).
    const contract = await ctx.db.transaction(async (tx) => {
      await assertDailyLimit(tx, accountId, ctx.config.dailyContractLimit);
      const [row] = await tx
        .insert(contracts)
        .values({
          accountId,
          number,
          kind: 'framework',
          status: renews ? 'scheduled' : 'effective',
          renewsId: renews?.id ?? null,
          copies: terms.copies,
          termYears: terms.termYears,
          effectiveAt,
          expiresAt,
          partyA,
          partyB,
          templateVersion: frameworkTemplateVersion,
          sha256: signed.sha256,
          signatures: signed.signatures,
        })
        .returning();
      await storeDocument(tx, { contractId: row!.id, sha256: signed.sha256, bytes: signed.bytes });
      await appendEvent(tx, {
        accountId,
        actor: options.actor,
        action: 'contract.generated',
        subject: { type: 'contract', id: row!.id },
        data: {
          number,
          kind: 'framework',
          sha256: signed.sha256,
          copies: terms.copies,
          termYears: terms.termYears,
          ...(renews ? { renews: renews.id, effectiveAt: effectiveAt.toISOString() } : {}),
        },
      });
      await notifyContract(tx, ctx.config, row!, 'generated');
      return row!;
    });
    return contract;
  } catch (error) {
    if (isUniqueViolation(error, 'contracts_one_effective_framework')) throw new AppError(renews ? 'renewal_exists' : 'framework_exists');
    if (isUniqueViolation(error, 'contracts_renews_unique')) throw new AppError('renewal_exists');
    throw error;
  }
}
