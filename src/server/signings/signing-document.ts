import { AppError } from '../../shared/errors.js';
import { backgroundAttachmentItems } from '../../shared/schemas/attachment.js';
import type { AppContext } from '../context.js';
import { checkFrameworkAllowed, nextFrameworkNumber, readyPartyA, verifyUrlFor } from '../contracts/apply-framework.js';
import { addYears, } from '../contracts/contract-dates.js';
import { assertItemsFree, loadAttachableFramework, loadSelection, renderInput, type Selection } from '../contracts/create-attachment.js';
import { assertDailyLimit } from '../contracts/daily-limit.js';
import { smsNumberOf } from './code.js';
import { hasHeldNumber } from './link-signing.js';
import { printablePartyA } from '../contracts/party-snapshots.js';
import { isReissue } from '../contracts/present-contract.js';
import { loadRenewable } from '../contracts/renew-framework.js';
import type { SignerIdentity } from '../contracts/sign-contract-document.js';
import { frameworkTemplateVersion } from '../contracts/templates/framework-agreement-v2.js';
import type { SigningLayout, SigningTerms } from '../db/schema/index.js';
import type { RenderedContract } from '../pdf/render-framework-agreement.js';
import { getVerifiedIdentity } from '../verification/get-verification.js';

type PartyA = Awaited<ReturnType<typeof readyPartyA>>['partyA'];
/** `contactPhone`: Party A's mobile, when its contact phone is one (codes go there by SMS). */
type Contact = { identity: SignerIdentity; contactEmail: string; contactPhone: string | null };

/** Everything the refusals of the direct routes check, loaded for a signing's terms. */
export type SigningSubject =
  | ({ kind: 'framework'; terms: Extract<SigningTerms, { kind: 'framework' }>; partyA: PartyA } & Contact)
  | ({ kind: 'renewal'; terms: Extract<SigningTerms, { kind: 'renewal' }>; partyA: PartyA; renews: { id: string; expiresAt: Date } } & Contact)
  | ({
      kind: 'icp_attachment' | 'order_attachment';
      terms: Extract<SigningTerms, { kind: 'icp_attachment' | 'order_attachment' }>;
      framework: Awaited<ReturnType<typeof loadAttachableFramework>>;
      selection: Selection;
    } & Contact);

/**
 * Checks what the direct routes checked (verification, Party A complete, the daily limit,
 * framework and renewal rules, items), at the start of a signing and again at each step. The
 * last step may leave the daily limit to the transaction that stores the contract, which
 * checks it anyway; the confirmation of a framework agreement, whose document exists already,
 * leaves the limit and the one-in-force rule to the last step.
 */
export async function loadSubject(
  ctx: AppContext,
  accountId: string,
  terms: SigningTerms,
  o: { dailyLimit?: boolean; frameworkRules?: boolean } = {},
): Promise<SigningSubject> {
  const { identity, partyA } = await readyPartyA(ctx, accountId);
  if (o.dailyLimit !== false) await assertDailyLimit(ctx.db, accountId, ctx.config.dailyContractLimit);
  const contact = { identity, contactEmail: partyA.contactEmail!, contactPhone: smsNumberOf(partyA.contactPhone) };
  if (terms.kind === 'framework') {
    if (o.frameworkRules !== false) await checkFrameworkAllowed(ctx, { accountId });
    return { kind: 'framework', terms, partyA, ...contact };
  }
  if (terms.kind === 'renewal') {
    const current = await loadRenewable(ctx, accountId, terms.frameworkId);
    const renews = { id: current.id, expiresAt: current.expiresAt };
    if (o.frameworkRules !== false) await checkFrameworkAllowed(ctx, { accountId, renews });
    return { kind: 'renewal', terms, partyA, renews, ...contact };
  }
  const framework = await loadAttachableFramework(ctx, terms.frameworkId, accountId);
  const selection = await loadSelection(ctx, accountId, terms);
  await assertItemsFree(ctx.db, framework, selection);
  const verified = await getVerifiedIdentity(ctx.db, accountId);
  if (!verified) throw new AppError('verification_required');
  return { kind: terms.kind, terms, framework, selection, ...contact, identity: verified };
}

/** Whether another signing holds the next number of the subject's framework agreement. */
export async function throwIfNumberHeld(ctx: AppContext, s: SigningSubject) {
  if (s.kind !== 'framework' && s.kind !== 'renewal' && (await hasHeldNumber(ctx.db, s.framework.id))) throw new AppError('signing_in_progress');
}

/** When the contract takes effect and ends, signed at `at`. */
export function periodOf(s: SigningSubject, at: Date): { effectiveAt: Date; expiresAt: Date } {
  if (s.kind === 'framework') return { effectiveAt: at, expiresAt: addYears(at, s.terms.termYears) };
  if (s.kind === 'renewal') return { effectiveAt: s.renews.expiresAt, expiresAt: addYears(s.renews.expiresAt, s.terms.termYears) };
  // A re-issue under a scheduled successor starts with it.
  return { effectiveAt: isReissue(s.framework, at) ? s.framework.effectiveAt : at, expiresAt: s.framework.expiresAt };
}

function frameworkInput(ctx: AppContext, s: Extract<SigningSubject, { kind: 'framework' | 'renewal' }>, number: string, at: Date, draft: boolean) {
  return {
    number,
    templateVersion: frameworkTemplateVersion,
    partyA: printablePartyA(s.partyA),
    partyB: ctx.config.partyB,
    copies: s.terms.copies,
    termYears: s.terms.termYears,
    ...periodOf(s, at),
    verifyUrl: draft ? `${ctx.config.publicUrl}/verify` : verifyUrlFor(ctx.config.publicUrl, number),
    draft,
  };
}

/**
 * The document Party A confirms. A framework agreement's number comes from a sequence that may
 * leave gaps, so it is taken now and the document is the very one to sign: the same bytes are
 * signed at confirmation, without a second rendering. An attachment's number is its framework's
 * next, held only from confirmation (consecutive numbers, one hold at a time), so its draft is
 * the full text, watermarked, without number or seals, and the final one is rendered then.
 */
export async function renderDocumentToConfirm(
  ctx: AppContext,
  s: SigningSubject,
  at: Date,
): Promise<{ pdf: Buffer; number?: string; layout?: SigningLayout }> {
  if (s.kind === 'framework' || s.kind === 'renewal') {
    const number = await nextFrameworkNumber(ctx.db, at);
    const { pdf, signatureRects } = await ctx.renderer.framework(frameworkInput(ctx, s, number, at, false));
    return { pdf, number, layout: { signatureRects, renderedAt: at.toISOString() } };
  }
  return { pdf: (await ctx.renderer.attachment(renderInput(ctx, s.framework, s.selection, `${s.framework.number}-A——`, true, at))).pdf };
}

/** The document to sign: the same text, with its number and date, unwatermarked. */
export async function renderFinal(ctx: AppContext, s: SigningSubject, number: string, at: Date, onProgress?: (fraction: number) => void): Promise<RenderedContract> {
  if (s.kind === 'framework' || s.kind === 'renewal') return ctx.renderer.framework(frameworkInput(ctx, s, number, at, false));
  return ctx.renderer.attachment(renderInput(ctx, s.framework, s.selection, number, false, at), onProgress ? { onProgress } : {});
}

/** Whether Party A's own key signs this subject through a contract job: an attachment above 200 items. */
export const isBackgroundSubject = (s: SigningSubject) => (s.kind === 'icp_attachment' || s.kind === 'order_attachment') && s.selection.items.length > backgroundAttachmentItems;
