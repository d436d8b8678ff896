import { and, eq, sql } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import type { ApplyFrameworkBody } from '../../shared/schemas/contract.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { type Database, isUniqueViolation, queryRows } from '../db/client.js';
import { contracts } from '../db/schema/index.js';
import { getPartyA } from '../party-a/get-party-a.js';
import { frameworkTemplateVersion } from './templates/framework-agreement-v1.js';
import { addYears, beijingDate, frameworkNumber } from './contract-dates.js';
import { expireContracts } from './expire-contracts.js';
import { partyBSnapshot, printablePartyA } from './party-snapshots.js';
import { storeDocument } from './contract-document.js';
import { completeLinkedSigning, type SigningLink } from '../signings/link-signing.js';

export const linkData = (s?: SigningLink) => (s ? { signingId: s.id, keyCustody: 'platform' } : {});

export const verifyUrlFor = (publicUrl: string, number: string) => `${publicUrl}/verify?number=${encodeURIComponent(number)}`;

/** Loads Party A and checks the preconditions every framework application shares. */
export async function readyPartyA(ctx: AppContext, accountId: string) {
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

export async function effectiveFramework(db: Database, accountId: string) {
  const [existing] = await db
    .select({ number: contracts.number })
    .from(contracts)
    .where(and(eq(contracts.accountId, accountId), eq(contracts.kind, 'framework'), eq(contracts.status, 'effective')));
  return existing;
}

/**
 * Generates, signs and stores the account's framework agreement, effective at once. The PDF is
 * rendered and signed (in a worker thread) before the transaction, which then only inserts: a
 * transaction held during rendering would stall every other request on PGlite's single
 * connection. The check for a framework in force runs while the worker renders, and Party A's
 * event certificate is only issued once it passed; a request it refuses, or that loses a race,
 * leaves its number unused, which the numbering allows.
 */
export async function applyFramework(ctx: AppContext, options: { accountId: string; body: ApplyFrameworkBody; actor: Actor; signing?: SigningLink }) {
  const { accountId, body } = options;
  if (!body.accept) throw new AppError('acceptance_required');
  const { identity, partyA } = await readyPartyA(ctx, accountId);
  const [next] = await queryRows<{ seq: number }>(ctx.db, sql`select nextval('framework_number_seq')::int as seq`);
  const effectiveAt = new Date();
  const expiresAt = addYears(effectiveAt, body.termYears);
  const number = frameworkNumber(beijingDate(effectiveAt).year, next!.seq);
  const partyB = partyBSnapshot(ctx.config.partyB);
  // Refused before Party A's certificate is issued; the worker renders meanwhile.
  const checked = (async () => {
    await expireContracts(ctx.db, { accountId });
    const existing = await effectiveFramework(ctx.db, accountId);
    if (existing) throw new AppError('framework_exists', `Framework agreement ${existing.number} is in force`);
  })();
  const signed = await ctx.renderer.signedFramework(
    {
      number,
      templateVersion: frameworkTemplateVersion,
      partyA: printablePartyA(partyA),
      partyB: ctx.config.partyB,
      copies: body.copies,
      termYears: body.termYears,
      effectiveAt,
      expiresAt,
      verifyUrl: verifyUrlFor(ctx.config.publicUrl, number),
      draft: false,
    },
    { identity, partyBName: partyB.name, accountId },
    { checked },
  );

  try {
    // Of simultaneous applications the partial unique index lets one insert; the others wait
    // for its commit and fail on the index, which answers framework_exists.
    return await ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(contracts)
        .values({
          accountId,
          number,
          kind: 'framework',
          status: 'effective',
          copies: body.copies,
          termYears: body.termYears,
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
        data: { number, kind: 'framework', sha256: signed.sha256, copies: body.copies, termYears: body.termYears, ...linkData(options.signing) },
      });
      if (options.signing) await completeLinkedSigning(tx, { link: options.signing, accountId, contractId: row!.id, number, actor: options.actor });
      return row!;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'contracts_one_effective_framework')) throw new AppError('framework_exists');
    throw error;
  }
}
