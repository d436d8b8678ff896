import { createHash, verify } from 'node:crypto';
import { AppError } from '../../shared/errors.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { frameworkConflict, insertFramework } from '../contracts/apply-framework.js';
import { insertAttachment, isCoverageViolation, NumberTaken } from '../contracts/create-attachment.js';
import { record, type SignedContract } from '../contracts/sign-contract-document.js';
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { contractJobs } from '../db/schema/index.js';
import { certificateFromPem } from '../pki/platform-pki.js';
import { loadPreparedSigning, type SigningViewer, throwIfOver } from './load-signing.js';
import { loadSubject } from './signing-document.js';

/** IEEE P1363 r ‖ s (what WebCrypto returns) as the DER Ecdsa-Sig-Value CMS carries. */
export function p1363ToDer(signature: Buffer): Buffer {
  if (signature.length !== 64) throw new AppError('invalid_signature', 'An ECDSA P-256 signature is 64 bytes (r ‖ s)');
  const integer = (b: Buffer) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    let v = b.subarray(i);
    if (v[0]! & 0x80) v = Buffer.concat([Buffer.of(0), v]);
    return Buffer.concat([Buffer.of(0x02, v.length), v]);
  };
  const body = Buffer.concat([integer(signature.subarray(0, 32)), integer(signature.subarray(32))]);
  return Buffer.concat([Buffer.of(0x30, body.length), body]);
}

/**
 * Completes Party A's signature: the signature is checked against the event certificate's key
 * over the prepared signed attributes, then timestamped and embedded; Party B signs, the DSS
 * and a document timestamp follow, and the contract is stored as the direct route stored it.
 * `signature` is P1363 (r ‖ s), what WebCrypto's ECDSA gives.
 */
export async function completeSigning(
  ctx: AppContext,
  o: { signingId: string; viewer: SigningViewer; actor: Actor; signature: Buffer },
) {
  const row = await loadPreparedSigning(ctx.db, o.signingId, o.viewer, (sha256) => ctx.signingDrafts.get(o.signingId, sha256));
  throwIfOver(row);
  if (row.status !== 'awaiting_signature' || !row.toBeSigned || !row.certificatePem || !row.preparedMeta) throw new AppError('invalid_state', 'Confirm the code first');
  const cert = certificateFromPem(row.certificatePem);
  const ok = o.signature.length === 64 && verify('sha256', row.toBeSigned, { key: cert.publicKey, dsaEncoding: 'ieee-p1363' }, o.signature);
  if (!ok) throw new AppError('invalid_signature');
  const der = p1363ToDer(o.signature);
  // A big attachment's contract job prepared this signature: the contract ends it, once.
  const [job] = await ctx.db.select({ id: contractJobs.id, state: contractJobs.state }).from(contractJobs).where(sql`(${contractJobs.signing} ->> 'id') = ${row.id}`);
  if (job && job.state !== 'awaiting_signature') throw new AppError('invalid_state', 'The job preparing this signing has ended; start again');
  const meta = row.preparedMeta;
  const certificatePem = row.certificatePem;
  const finish = async () => {
    const { prepared } = row;
    if (!prepared) throw new AppError('invalid_state', 'Confirm the code first');
    const tsa = ctx.trust.tsaChain.slice(0, 1);
    const [partyA, partyB] = await Promise.all([ctx.trust.validationMaterial([cert, ...tsa]), ctx.trust.validationMaterial([ctx.pki.partyB.cert, ...tsa])]);
    // In a render worker, as the platform-held path signs: the request thread stays free.
    return ctx.renderer.finishSigned({
      prepared: { bytes: prepared, contentsStart: meta.contentsStart, contentsEnd: meta.contentsEnd },
      partyACertPem: certificatePem,
      signature: der,
      material: { partyA, partyB },
      partyBWidget: meta.partyBWidget,
      claimedTime: new Date(meta.claimedTime),
    });
  };
  // The rules are checked again while the worker signs; a refusal still stores nothing.
  const [subject, signed] = await Promise.all([loadSubject(ctx, row.accountId, row.terms, { dailyLimit: false }), finish()]);
  const sha256 = createHash('sha256').update(signed.bytes).digest('hex');
  const contract: SignedContract = {
    bytes: signed.bytes,
    sha256,
    signatures: [
      { ...record('party_a', subject.identity.name, cert, signed.provenTimes.partyA), keyCustody: 'signer' },
      record('party_b', ctx.config.partyB.name, ctx.pki.partyB.cert, signed.provenTimes.partyB),
    ],
  };
  const effectiveAt = new Date(meta.effectiveAt);
  const expiresAt = new Date(meta.expiresAt);
  const signing = { id: row.id, keyCustody: 'signer' as const, number: row.number! };
  const common = { accountId: row.accountId, actor: o.actor, signing, signed: contract, number: row.number!, effectiveAt };
  try {
    const completed = await ctx.db.transaction(async (tx) => {
      if (subject.kind === 'framework' || subject.kind === 'renewal') {
        const renews = subject.kind === 'renewal' ? subject.renews : undefined;
        return insertFramework(ctx, tx, { ...common, terms: subject.terms, renews, expiresAt, partyA: subject.partyA });
      }
      // The number was held for this signing; it is the next one unless something bypassed the hold.
      const hooks = job && {
        beforeCommit: async (t: Database, contract: { id: string }) => {
          const done = await t
            .update(contractJobs)
            .set({ state: 'done', progress: 100, contractId: contract.id, finishedAt: sql`now()`, updatedAt: sql`now()` })
            .where(and(eq(contractJobs.id, job.id), eq(contractJobs.state, 'awaiting_signature')))
            .returning({ id: contractJobs.id });
          if (!done.length) throw new AppError('invalid_state', 'The job preparing this signing has ended; start again');
        },
      };
      return insertAttachment(ctx, tx, { ...common, framework: subject.framework, selection: subject.selection, seq: row.attachmentSeq! }, hooks || {});
    });
    ctx.signingDrafts.delete(row.id);
    return completed;
  } catch (error) {
    if (error instanceof NumberTaken) throw new AppError('invalid_state', 'The attachment number was taken; start again');
    if (isCoverageViolation(error)) throw new AppError('item_already_covered');
    throw frameworkConflict(error, subject.kind === 'renewal') ?? error;
  }
}
