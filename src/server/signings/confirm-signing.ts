import { createHash, createPublicKey, type KeyObject, type X509Certificate } from 'node:crypto';
import { and, eq, lt, } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import type { ConfirmSigningBody } from '../../shared/schemas/signing.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { attachmentNumber, } from '../contracts/contract-dates.js';
import { lastAttachmentSeq } from '../contracts/create-attachment.js';
import { currentStatus, isReissue } from '../contracts/present-contract.js';
import type { SignerIdentity } from '../contracts/sign-contract-document.js';
import type { Database, } from '../db/client.js';
import { contracts, signings } from '../db/schema/index.js';
import { certificateFromPem, type EventSubject, issueEventCertificateFor } from '../pki/platform-pki.js';
import { recordCertificate } from '../pki/registry.js';
import { isCodeRight, maxWrongTries, preparedLifetimeMs } from './code.js';
import { issueFramework, nextFrameworkNumber } from '../contracts/apply-framework.js';
import { renewFramework } from '../contracts/renew-framework.js';
import { requestAttachment } from '../contract-jobs/request-attachment.js';
import { insertSigningJob, startContractJob } from '../contract-jobs/start-signing-job.js';
import { preparedColumns } from './prepare-signing.js';
import { loadSigning, loadSigningDocument, type SigningRow, type SigningViewer, signingFields, throwIfOver } from './load-signing.js';
import { isBackgroundSubject, loadSubject, renderFinal } from './signing-document.js';

export function eventSubjectOf(identity: SignerIdentity): EventSubject {
  return identity.subjectType === 'enterprise'
    ? { subjectType: 'enterprise', name: identity.name, creditCode: identity.creditCode! }
    : { subjectType: 'personal', name: identity.name, idNumberHash: createHash('sha256').update(identity.idNumber!).digest('hex') };
}

function publicKeyFrom(jwk: Extract<ConfirmSigningBody, { publicKey: unknown }>['publicKey']): KeyObject {
  try {
    return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' });
  } catch {
    throw new AppError('validation_failed', 'The public key is not a P-256 point', { errors: [{ path: 'publicKey', message: 'not a point on P-256' }] });
  }
}

/** The draft whose hash the code was bound to: from this instance's memory, else the database. */
async function confirmedDraft(ctx: AppContext, row: SigningRow, viewer: SigningViewer) {
  return ctx.signingDrafts.get(row.id, row.draftSha256) ?? (await loadSigningDocument(ctx.db, row.id, viewer, 'draft'));
}

/** Checks the code; a wrong one counts, and the fifth ends the signing. Committed on its own. */
async function checkCode(ctx: AppContext, o: { signingId: string; viewer: SigningViewer; code: string; actor: Actor }): Promise<SigningRow> {
  const outcome = await ctx.db.transaction(async (tx) => {
    const row = await loadSigning(tx, o.signingId, o.viewer, { forUpdate: true });
    throwIfOver(row);
    if (row.status !== 'awaiting_code') throw new AppError('invalid_state', 'The code was confirmed already');
    const binding = { signingId: row.id, accountId: row.accountId, userId: row.userId, draftSha256: row.draftSha256, terms: row.terms };
    if (isCodeRight(ctx.config.key, binding, o.code, row.codeHash)) return { row, triesLeft: 0 };
    const wrongTries = row.wrongTries + 1;
    const ended = wrongTries >= maxWrongTries;
    await tx.update(signings).set({ wrongTries, ...(ended ? { status: 'ended' as const } : {}) }).where(eq(signings.id, row.id));
    if (ended)
      await appendEvent(tx, { accountId: row.accountId, actor: o.actor, action: 'signing.ended', subject: { type: 'signing', id: row.id }, data: { reason: 'wrong_codes' } });
    return { row: null, triesLeft: maxWrongTries - wrongTries };
  });
  if (outcome.row) return outcome.row;
  throw new AppError('invalid_code', `The code is wrong; ${outcome.triesLeft} tries left`, {
    errors: [{ path: 'code', message: `${outcome.triesLeft} tries left` }],
  });
}

/**
 * Takes the number the document will carry. A framework agreement's comes from its sequence
 * (gaps allowed). An attachment's is the framework's next, held by this signing until it
 * completes or expires: one held at a time per framework, so that numbers stay consecutive and
 * a signing never completed leaves none unused.
 */
async function holdNumber(ctx: AppContext, row: SigningRow, frameworkNo: string | null, at: Date) {
  return ctx.db.transaction(async (tx) => {
    if (row.kind === 'framework' || row.kind === 'renewal') {
      // Taken when the signing started, with the document to sign (signing-document.ts).
      const number = row.number ?? (await nextFrameworkNumber(tx, at));
      await tx.update(signings).set({ status: 'awaiting_signature', number, expiresAt: new Date(at.getTime() + preparedLifetimeMs) }).where(eq(signings.id, row.id));
      return { number, seq: null };
    }
    const frameworkId = row.frameworkId!;
    const [locked] = await tx.select().from(contracts).where(eq(contracts.id, frameworkId)).for('update');
    if (!locked || (currentStatus(locked) !== 'effective' && !isReissue(locked))) throw new AppError('framework_not_effective');
    await tx
      .update(signings)
      .set({ status: 'ended' })
      .where(and(eq(signings.frameworkId, frameworkId), eq(signings.status, 'awaiting_signature'), lt(signings.expiresAt, at)));
    const [held] = await tx
      .select({ id: signings.id })
      .from(signings)
      .where(and(eq(signings.frameworkId, frameworkId), eq(signings.status, 'awaiting_signature')));
    if (held) throw new AppError('signing_in_progress');
    const seq = (await lastAttachmentSeq(tx, frameworkId)) + 1;
    const number = attachmentNumber(frameworkNo!, seq);
    await tx
      .update(signings)
      .set({ status: 'awaiting_signature', number, attachmentSeq: seq, expiresAt: new Date(at.getTime() + preparedLifetimeMs) })
      .where(eq(signings.id, row.id));
    return { number, seq };
  });
}

/** Gives the number back and lets the same code be tried again, when preparing failed. */
async function release(ctx: AppContext, row: SigningRow) {
  await ctx.db
    .update(signings)
    .set({ status: 'awaiting_code', number: null, attachmentSeq: null, expiresAt: row.expiresAt })
    .where(and(eq(signings.id, row.id), eq(signings.status, 'awaiting_signature')));
}

/**
 * Confirms the code (意愿认证) and prepares Party A's signature: the final document with its
 * number is rendered, the platform CA issues Party A's event certificate — for Party A's own
 * public key, or for a key the platform generates when Party A asks it to hold one — and the
 * revision with its signed attributes is kept until the signature arrives. An attachment above
 * 200 items is rendered and prepared by a contract job instead (the answer is the job). With a
 * platform-held key the platform signs at once and the contract (or its job) is returned.
 */
export async function confirmSigning(ctx: AppContext, o: { signingId: string; viewer: SigningViewer; body: ConfirmSigningBody; actor: Actor }) {
  const checked = await checkCode(ctx, { signingId: o.signingId, viewer: o.viewer, code: o.body.code, actor: o.actor });
  const at = new Date();
  const confirmation = {
    kind: checked.kind,
    draftSha256: checked.draftSha256,
    channel: checked.destinations.sms ? 'email+sms' : 'email',
    destinations: checked.destinations,
    confirmedAt: at.toISOString(),
  };
  if (!('publicKey' in o.body)) return signWithPlatformKey(ctx, checked, { ...o, confirmation });
  const publicKey = publicKeyFrom(o.body.publicKey);
  // A framework agreement's document was made at the start and the rules are checked again
  // where it is stored; an attachment's number is held here, so its rules hold first.
  const documentReady = checked.draftLayout !== null;
  const subject = await loadSubject(ctx, checked.accountId, checked.terms, documentReady ? { dailyLimit: false, frameworkRules: false } : {});
  const layout = checked.draftLayout;
  // An attachment takes its framework's next number now; a framework agreement's is in its
  // document, and the signing moves on in the transaction that stores the prepared signature.
  const heldHere = !(layout && checked.number);
  const number = heldHere
    ? (await holdNumber(ctx, checked, subject.kind === 'framework' || subject.kind === 'renewal' ? null : subject.framework.number, at)).number
    : checked.number!;
  // A framework agreement's document to sign was rendered when the signing started.
  const documentToSign = async () => {
    if (!layout) return renderFinal(ctx, subject, number, at);
    return { pdf: (await confirmedDraft(ctx, checked, o.viewer))!, signatureRects: layout.signatureRects };
  };
  const confirmed = (tx: Database, cert: X509Certificate) =>
    appendEvent(tx, {
      accountId: checked.accountId,
      actor: o.actor,
      action: 'signing.confirmed',
      subject: { type: 'signing', id: checked.id },
      data: { ...confirmation, number, keyCustody: 'signer', certificateSerial: cert.serialNumber },
    });
  // The certificate is issued here while a render worker draws the document, and recorded in
  // the transaction that keeps it with the signing.
  const issue = async () => {
    const certificatePem = issueEventCertificateFor(ctx.pki, eventSubjectOf(subject.identity), publicKey, 'signer', at);
    return { certificatePem, cert: certificateFromPem(certificatePem) };
  };
  const record = (tx: Database, cert: X509Certificate) => recordCertificate(tx, cert, 'event', { accountId: checked.accountId });
  try {
    // Above 200 items a contract job renders and prepares (202); the number stays held meanwhile.
    if (isBackgroundSubject(subject)) {
      const { certificatePem, cert } = await issue();
      const job = await ctx.db.transaction(async (tx) => {
        await record(tx, cert);
        await tx.update(signings).set({ keyCustody: 'signer', certificatePem }).where(eq(signings.id, checked.id));
        await confirmed(tx, cert);
        return insertSigningJob(tx, { signing: checked, number, actor: o.actor, at });
      });
      startContractJob(ctx, job.id);
      return { job };
    }
    const [rendered, { certificatePem, cert }] = await Promise.all([documentToSign(), issue()]);
    const columns = preparedColumns(subject, rendered, cert, at, layout ? new Date(layout.renderedAt) : at);
    // Party A's revision appends to the document; when that document is the stored draft, only
    // the appended part is written again (a few KB, not the whole PDF).
    const appendsToDraft = layout !== null && columns.prepared.subarray(0, rendered.pdf.length).equals(rendered.pdf);
    const stored = appendsToDraft
      ? { ...columns, prepared: columns.prepared.subarray(rendered.pdf.length), preparedMeta: { ...columns.preparedMeta, base: 'draft' as const } }
      : columns;
    const row = await ctx.db.transaction(async (tx) => {
      await record(tx, cert);
      const [updated] = await tx
        .update(signings)
        .set({
          keyCustody: 'signer',
          certificatePem,
          ...stored,
          ...(heldHere ? {} : { status: 'awaiting_signature' as const, expiresAt: new Date(at.getTime() + preparedLifetimeMs) }),
        })
        // Of two confirmations with the right code at once, one prepares the signature.
        .where(heldHere ? eq(signings.id, checked.id) : and(eq(signings.id, checked.id), eq(signings.status, 'awaiting_code')))
        .returning(signingFields);
      if (!updated) throw new AppError('invalid_state', 'The code was confirmed already');
      await confirmed(tx, cert);
      return updated;
    });
    return { signing: row };
  } catch (error) {
    // Only a number held by this request goes back; a framework agreement's stays with its document.
    if (heldHere) await release(ctx, checked);
    throw error;
  }
}

/**
 * Party A asked the platform to hold its key (托管密钥): the contract is generated as the direct
 * routes generated it — the key made, used and dropped by the platform, the certificate saying
 * so — and the signing completes in the contract's transaction.
 */
async function signWithPlatformKey(ctx: AppContext, row: SigningRow, o: { actor: Actor; viewer: SigningViewer; confirmation: Record<string, unknown> }) {
  const signing = { id: row.id, keyCustody: 'platform' as const, confirmation: o.confirmation };
  const { accountId, terms } = row;
  if (terms.kind === 'framework' || terms.kind === 'renewal') {
    // The very document Party A confirmed, with its number and dates, as the signer-held path
    // signs it: the hash the code was bound to is the hash of what gets signed.
    const { number, draftLayout: layout } = row;
    const pdf = layout && (await confirmedDraft(ctx, row, o.viewer));
    const document = layout && pdf ? { pdf, signatureRects: layout.signatureRects, renderedAt: new Date(layout.renderedAt) } : undefined;
    const issue = { accountId, terms: { termYears: terms.termYears, copies: terms.copies }, actor: o.actor, signing, number: number ?? undefined, document };
    const contract = terms.kind === 'framework' ? await issueFramework(ctx, issue) : await renewFramework(ctx, { ...issue, frameworkId: terms.frameworkId });
    return { contract };
  }
  // Above 200 items the attachment is generated by a background job (202), as SPEC says.
  return requestAttachment(ctx, {
    accountId,
    frameworkId: terms.frameworkId,
    body: { kind: terms.kind, itemIds: terms.itemIds, accept: true },
    actor: o.actor,
    signing,
  });
}
