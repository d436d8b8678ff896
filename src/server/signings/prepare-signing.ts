import type { X509Certificate } from 'node:crypto';
import { and, eq, gt } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/client.js';
import { signings } from '../db/schema/index.js';
import type { RenderedContract } from '../pdf/render-framework-agreement.js';
import { certificateFromPem } from '../pki/platform-pki.js';
import { preparePartyARevision } from '../signing/sign-contract.js';
import { preparedLifetimeMs } from './code.js';
import { signingFields, throwIfOver } from './load-signing.js';
import { loadSubject, periodOf, renderFinal, type SigningSubject } from './signing-document.js';

/**
 * Party A's revision of the rendered document for its event certificate, as the signing row
 * keeps it; `periodAt` is when the document's dates were printed for (the start of the signing
 * when the document Party A confirmed is the one signed).
 */
export function preparedColumns(subject: SigningSubject, rendered: RenderedContract, cert: X509Certificate, at: Date, periodAt: Date = at) {
  const period = periodOf(subject, periodAt);
  const { prepared, attributes } = preparePartyARevision(rendered.pdf, { cert, widgets: rendered.signatureRects, claimedTime: at });
  return {
    prepared: prepared.bytes,
    preparedMeta: {
      contentsStart: prepared.contentsStart,
      contentsEnd: prepared.contentsEnd,
      effectiveAt: period.effectiveAt.toISOString(),
      claimedTime: at.toISOString(),
      expiresAt: period.expiresAt.toISOString(),
      partyBWidget: rendered.signatureRects.partyB,
    },
    toBeSigned: attributes.toBeSigned,
  };
}

/**
 * A contract job's work for a signing with Party A's own key (an attachment above 200 items):
 * the confirmation already held the number and issued the certificate; the final document is
 * rendered for them as of the confirmation (`at`, so that an instance taking the job over
 * renders the same one), and its revision and signed attributes are stored. Party A then has
 * the prepared signature's full lifetime to sign, counted from now. `beforeCommit` runs in the
 * transaction that stores them (the job moves on there, or throws to roll it back).
 */
export async function prepareSigningInBackground(
  ctx: AppContext,
  o: { signingId: string; number: string; at: Date; onProgress: (fraction: number) => void; beforeCommit: (tx: Database) => Promise<void> },
) {
  const [row] = await ctx.db.select(signingFields).from(signings).where(eq(signings.id, o.signingId));
  if (row?.status !== 'awaiting_signature' || row.number !== o.number || !row.certificatePem)
    throw new AppError('signing_expired', 'The signing ended before its document was prepared; start again');
  throwIfOver(row);
  const subject = await loadSubject(ctx, row.accountId, row.terms);
  const rendered = await renderFinal(ctx, subject, o.number, o.at, o.onProgress);
  const columns = preparedColumns(subject, rendered, certificateFromPem(row.certificatePem), o.at);
  await ctx.db.transaction(async (tx) => {
    const now = new Date();
    const stored = await tx
      .update(signings)
      .set({ ...columns, expiresAt: new Date(now.getTime() + preparedLifetimeMs) })
      .where(and(eq(signings.id, row.id), eq(signings.status, 'awaiting_signature'), eq(signings.number, o.number), gt(signings.expiresAt, now)))
      .returning({ id: signings.id });
    if (!stored.length) throw new AppError('signing_expired', 'The signing ended before its document was prepared; start again');
    await o.beforeCommit(tx);
  });
}
