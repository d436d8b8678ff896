import { AppError } from '../../shared/errors.js';
import type { AppContext } from '../context.js';
import { effectiveFramework, previewFramework, readyPartyA, verifyUrlFor } from '../contracts/apply-framework.js';
import { addYears, beijingDate } from '../contracts/contract-dates.js';
import {
  coveredItems,
  loadEffectiveFramework,
  loadSelection,
  renderInput,
  type Selection,
  throwIfCovered,
} from '../contracts/create-attachment.js';
import { expireContracts } from '../contracts/expire-contracts.js';
import type { SignerIdentity } from '../contracts/sign-contract-document.js';
import { frameworkTemplateVersion } from '../contracts/templates/framework-agreement-v1.js';
import type { SigningTerms } from '../db/schema/index.js';
import type { RenderedContract } from '../pdf/render-framework-agreement.js';
import { getVerifiedIdentity } from '../verification/get-verification.js';
import { printablePartyA } from '../contracts/party-snapshots.js';

/** Everything the refusals of the direct routes check, loaded for a signing's terms. */
export type SigningSubject =
  | { kind: 'framework'; terms: Extract<SigningTerms, { kind: 'framework' }>; identity: SignerIdentity; partyA: Awaited<ReturnType<typeof readyPartyA>>['partyA']; contactEmail: string; contactPhone: string | null }
  | {
      kind: 'icp_attachment' | 'order_attachment';
      terms: Extract<SigningTerms, { kind: 'icp_attachment' | 'order_attachment' }>;
      identity: SignerIdentity;
      framework: Awaited<ReturnType<typeof loadEffectiveFramework>>;
      selection: Selection;
      contactEmail: string;
      contactPhone: string | null;
    };

/** Checks what the direct routes checked (verification, Party A complete, framework rules, items). */
export async function loadSubject(ctx: AppContext, accountId: string, terms: SigningTerms): Promise<SigningSubject> {
  const { identity, partyA } = await readyPartyA(ctx, accountId);
  const contactEmail = partyA.contactEmail!;
  const contactPhone = partyA.contactPhone;
  if (terms.kind === 'framework') {
    await expireContracts(ctx.db, { accountId });
    const existing = await effectiveFramework(ctx.db, accountId);
    if (existing) throw new AppError('framework_exists', `Framework agreement ${existing.number} is in force`);
    return { kind: 'framework', terms, identity, partyA, contactEmail, contactPhone };
  }
  const framework = await loadEffectiveFramework(ctx, terms.frameworkId, accountId);
  const selection = await loadSelection(ctx, accountId, terms);
  throwIfCovered(await coveredItems(ctx.db, selection.itemKind, selection.items.map((i) => i.id)));
  const verified = await getVerifiedIdentity(ctx.db, accountId);
  if (!verified) throw new AppError('verification_required');
  return { kind: terms.kind, terms, identity: verified, framework, selection, contactEmail, contactPhone };
}

/** The draft Party A confirms: the full text, watermarked, without number or seals. */
export async function renderDraft(ctx: AppContext, accountId: string, s: SigningSubject): Promise<Buffer> {
  if (s.kind === 'framework') return previewFramework(ctx, { accountId, terms: s.terms });
  const rendered = await ctx.renderer.attachment(renderInput(ctx, s.framework, s.selection, `${s.framework.number}-A——`, true, new Date()));
  return rendered.pdf;
}

/** The document to sign: the same text, with its number and date, unwatermarked. */
export async function renderFinal(ctx: AppContext, s: SigningSubject, number: string, at: Date): Promise<RenderedContract> {
  if (s.kind === 'framework') {
    return ctx.renderer.framework({
      number,
      templateVersion: frameworkTemplateVersion,
      partyA: printablePartyA(s.partyA),
      partyB: ctx.config.partyB,
      copies: s.terms.copies,
      termYears: s.terms.termYears,
      effectiveAt: at,
      expiresAt: addYears(at, s.terms.termYears),
      verifyUrl: verifyUrlFor(ctx.config.publicUrl, number),
      draft: false,
    });
  }
  return ctx.renderer.attachment(renderInput(ctx, s.framework, s.selection, number, false, at));
}

export const frameworkYear = (at: Date) => beijingDate(at).year;
