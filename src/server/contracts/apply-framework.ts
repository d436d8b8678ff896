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
import type { SignedContract } from './sign-contract-document.js';
import type { RenderedContract } from '../pdf/render-framework-agreement.js';
import { completeLinkedSigning, linkData, type SigningLink } from '../signings/link-signing.js';

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

export async function frameworkInForce(db: Database, accountId: string) {
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
  /** The confirmed signing (意愿认证) this contract completes. */
  signing?: SigningLink;
  /** The number the signing took with the document Party A confirmed. */
  number?: string;
  /**
   * That document itself, rendered when the signing started: signed as it is, never drawn
   * again, and its period is the one it states.
   */
  document?: RenderedContract & { renderedAt: Date };
};

/** What the direct path and a signing both refuse: a framework in force, or a renewal no longer open. */
export async function checkFrameworkAllowed(ctx: AppContext, o: { accountId: string; renews?: { id: string } }) {
  await expireContracts(ctx.db, { accountId: o.accountId });
  if (o.renews) {
    const [current] = await ctx.db.select().from(contracts).where(eq(contracts.id, o.renews.id));
    if (current?.status !== 'effective' || current.expiresAt.getTime() <= Date.now()) throw new AppError('not_renewable');
    const [successor] = await ctx.db.select({ id: contracts.id }).from(contracts).where(eq(contracts.renewsId, o.renews.id));
    if (successor) throw new AppError('renewal_exists');
    return;
  }
  const existing = await frameworkInForce(ctx.db, o.accountId);
  if (existing) throw new AppError('framework_exists', `Framework agreement ${existing.number} is ${existing.status === 'scheduled' ? 'scheduled' : 'in force'}`);
}

/** A framework agreement signed by both parties, ready to be stored. */
export type SignedFramework = {
  accountId: string;
  number: string;
  terms: Pick<ApplyFrameworkBody, 'termYears' | 'copies'>;
  renews?: { id: string; expiresAt: Date };
  effectiveAt: Date;
  expiresAt: Date;
  partyA: Awaited<ReturnType<typeof readyPartyA>>['partyA'];
  signed: SignedContract;
  actor: Actor;
  signing?: SigningLink;
};

/**
 * Inserts a signed framework agreement with its document, its audit event and its e-mail, in
 * the caller's transaction; the one place both the platform-held and the signer-held paths store one.
 */
export async function insertFramework(ctx: AppContext, tx: Database, f: SignedFramework) {
  await assertDailyLimit(tx, f.accountId, ctx.config.dailyContractLimit);
  const [row] = await tx
    .insert(contracts)
    .values({
      accountId: f.accountId,
      number: f.number,
      kind: 'framework',
      status: f.renews ? 'scheduled' : 'effective',
      renewsId: f.renews?.id ?? null,
      copies: f.terms.copies,
      termYears: f.terms.termYears,
      effectiveAt: f.effectiveAt,
      expiresAt: f.expiresAt,
      partyA: f.partyA,
      partyB: partyBSnapshot(ctx.config.partyB),
      templateVersion: frameworkTemplateVersion,
      sha256: f.signed.sha256,
      signatures: f.signed.signatures,
    })
    .returning();
  await storeDocument(tx, { contractId: row!.id, sha256: f.signed.sha256, bytes: f.signed.bytes });
  await appendEvent(tx, {
    accountId: f.accountId,
    actor: f.actor,
    action: 'contract.generated',
    subject: { type: 'contract', id: row!.id },
    data: {
      number: f.number,
      kind: 'framework',
      sha256: f.signed.sha256,
      copies: f.terms.copies,
      termYears: f.terms.termYears,
      ...(f.renews ? { renews: f.renews.id, effectiveAt: f.effectiveAt.toISOString() } : {}),
      ...linkData(f.signing),
    },
  });
  if (f.signing) await completeLinkedSigning(tx, { link: f.signing, accountId: f.accountId, contractId: row!.id, number: f.number, actor: f.actor });
  await notifyContract(tx, ctx.config, row!, 'generated');
  return row!;
}

/** Of simultaneous applications the partial unique index lets one insert; the others answer this. */
export function frameworkConflict(error: unknown, renews: unknown): AppError | null {
  if (isUniqueViolation(error, 'contracts_one_effective_framework')) return new AppError(renews ? 'renewal_exists' : 'framework_exists');
  if (isUniqueViolation(error, 'contracts_renews_unique')) return new AppError('renewal_exists');
  return null;
}

/**
 * Generates, signs and stores the account's framework agreement, effective at once. The PDF is
 * rendered and signed (in a worker thread) before the transaction, which then only inserts: a
 * transaction held during rendering would stall every other request on PGlite's single
 * connection. The check for a framework in force runs while the worker renders, and Party A's
 * event certificate is only issued once it passed; a request it refuses, or that loses a race,
 * leaves its number unused, which the numbering allows.
 * The shared path of a first framework agreement and of a renewal (see renew-framework.ts),
 * after a confirmed signing with a platform-held key (see confirm-signing.ts).
 */
/** The next number of the framework agreements' sequence, in the year (China time) of `at`; gaps are allowed. */
export async function nextFrameworkNumber(db: Database, at: Date): Promise<string> {
  const [next] = await queryRows<{ seq: number }>(db, sql`select nextval('framework_number_seq')::int as seq`);
  return frameworkNumber(beijingDate(at).year, next!.seq);
}

export async function issueFramework(ctx: AppContext, options: FrameworkIssue) {
  const { accountId, terms, renews, document } = options;
  const { identity, partyA } = await readyPartyA(ctx, accountId);
  await assertDailyLimit(ctx.db, accountId, ctx.config.dailyContractLimit);
  const effectiveAt = renews ? renews.expiresAt : (document?.renderedAt ?? new Date());
  const expiresAt = addYears(effectiveAt, terms.termYears);
  const number = options.number ?? (await nextFrameworkNumber(ctx.db, new Date()));
  // Refused before Party A's certificate is issued; the worker renders meanwhile.
  const checked = checkFrameworkAllowed(ctx, { accountId, renews });
  const signatories = { identity, partyBName: ctx.config.partyB.name };
  const render = () => ({
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
  });
  const signed = document
    ? await ctx.renderer.signedDocument(document, signatories, { checked })
    : await ctx.renderer.signedFramework(render(), signatories, { checked });
  try {
    return await ctx.db.transaction((tx) =>
      insertFramework(ctx, tx, { accountId, number, terms, renews, effectiveAt, expiresAt, partyA, signed, actor: options.actor, signing: options.signing }),
    );
  } catch (error) {
    throw frameworkConflict(error, renews) ?? error;
  }
}
