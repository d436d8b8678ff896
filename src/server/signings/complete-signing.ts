import { verify } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { storeDocument } from '../contracts/contract-document.js';
import { coveredItems, lastAttachmentSeq, throwIfCovered, snapshotOf } from '../contracts/create-attachment.js';
import { currentStatus } from '../contracts/present-contract.js';
import { record, transferableSigningKeys } from '../contracts/sign-contract-document.js';
import { attachmentTemplateVersion } from '../contracts/templates/attachment-v1.js';
import { frameworkTemplateVersion } from '../contracts/templates/framework-agreement-v1.js';
import { partyBSnapshot } from '../contracts/party-snapshots.js';
import { isUniqueViolation } from '../db/client.js';
import { attachmentItems, contracts, signings } from '../db/schema/index.js';
import { certificateFromPem } from '../pki/platform-pki.js';
import { embedPartyASignature, finishContractPdf } from '../signing/sign-contract.js';
import { signingKeysFrom } from '../signing/signing-keys.js';
import { TimestampUnavailable } from '../signing/timestamps.js';
import { createHash } from 'node:crypto';
import { loadSigning, type SigningViewer, throwIfOver } from './load-signing.js';
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
 * `signature` is P1363 from Party A; `derSignature` the platform's own for a key it holds.
 */
export async function completeSigning(
  ctx: AppContext,
  o: { signingId: string; viewer: SigningViewer; actor: Actor; signature?: Buffer; derSignature?: Buffer },
) {
  const row = await loadSigning(ctx.db, o.signingId, o.viewer);
  throwIfOver(row);
  if (row.status !== 'awaiting_signature' || !row.prepared || !row.toBeSigned || !row.certificatePem || !row.preparedMeta)
    throw new AppError('invalid_state', 'Confirm the code first');
  const cert = certificateFromPem(row.certificatePem);
  let der: Buffer;
  if (o.derSignature) der = o.derSignature;
  else {
    const p1363 = o.signature!;
    const ok = p1363.length === 64 && verify('sha256', row.toBeSigned, { key: cert.publicKey, dsaEncoding: 'ieee-p1363' }, p1363);
    if (!ok) throw new AppError('invalid_signature');
    der = p1363ToDer(p1363);
  }
  const subject = await loadSubject(ctx, row.accountId, row.terms);
  const keys = signingKeysFrom(transferableSigningKeys(ctx.pki, ctx.trust));
  const meta = row.preparedMeta;
  const claimedTime = new Date(meta.claimedTime);
  const tsa = ctx.trust.tsaChain.slice(0, 1);
  let signed: Awaited<ReturnType<typeof finishContractPdf>>;
  try {
    const a = await embedPartyASignature(
      { bytes: row.prepared, contentsStart: meta.contentsStart, contentsEnd: meta.contentsEnd },
      { cert, chain: keys.platformChain, signature: der, tsa: keys.tsa },
    );
    const [partyA, partyB] = await Promise.all([ctx.trust.validationMaterial([cert, ...tsa]), ctx.trust.validationMaterial([keys.partyB.cert, ...tsa])]);
    signed = await finishContractPdf(a, {
      partyB: keys.partyB,
      tsa: keys.tsa,
      material: { partyA, partyB },
      widgets: meta.partyBWidget ? { partyB: meta.partyBWidget } : undefined,
      claimedTime,
    });
  } catch (error) {
    if (TimestampUnavailable.is(error)) throw new AppError('timestamp_unavailable', undefined, { headers: { 'Retry-After': '30' } });
    throw error;
  }
  const sha256 = createHash('sha256').update(signed.bytes).digest('hex');
  const partyBName = ctx.config.partyB.name;
  const signatures = [
    { ...record('party_a', subject.identity.name, cert, signed.provenTimes.partyA), keyCustody: row.keyCustody! },
    record('party_b', partyBName, keys.partyB.cert, signed.provenTimes.partyB),
  ];
  const effectiveAt = new Date(meta.effectiveAt);
  const expiresAt = new Date(meta.expiresAt);
  try {
    return await ctx.db.transaction(async (tx) => {
      const [current] = await tx.select().from(signings).where(eq(signings.id, row.id)).for('update');
      if (current?.status !== 'awaiting_signature' || current.number !== row.number) throw new AppError('invalid_state', 'This signing was completed or ended meanwhile');
      if (current.expiresAt <= new Date()) throw new AppError('signing_expired');
      let inserted: typeof contracts.$inferSelect;
      if (subject.kind === 'framework') {
        [inserted] = (await tx
          .insert(contracts)
          .values({
            accountId: row.accountId,
            number: row.number!,
            kind: 'framework',
            status: 'effective',
            copies: subject.terms.copies,
            termYears: subject.terms.termYears,
            effectiveAt,
            expiresAt,
            partyA: subject.partyA,
            partyB: partyBSnapshot(ctx.config.partyB),
            templateVersion: frameworkTemplateVersion,
            sha256,
            signatures,
          })
          .returning()) as [typeof contracts.$inferSelect];
        await storeDocument(tx, { contractId: inserted.id, sha256, bytes: signed.bytes });
        await appendEvent(tx, {
          accountId: row.accountId,
          actor: o.actor,
          action: 'contract.generated',
          subject: { type: 'contract', id: inserted.id },
          data: { number: row.number, kind: 'framework', sha256, copies: subject.terms.copies, termYears: subject.terms.termYears, signingId: row.id, keyCustody: row.keyCustody },
        });
      } else {
        const { framework, selection } = subject;
        const [locked] = await tx.select().from(contracts).where(eq(contracts.id, framework.id)).for('update');
        if (!locked || currentStatus(locked) !== 'effective') throw new AppError('framework_not_effective');
        const ids = selection.items.map((i) => i.id);
        throwIfCovered(await coveredItems(tx, selection.itemKind, ids));
        // The number was held for this signing; consecutive unless something bypassed the hold.
        if ((await lastAttachmentSeq(tx, framework.id)) !== row.attachmentSeq! - 1) throw new AppError('invalid_state', 'The attachment number was taken; start again');
        [inserted] = (await tx
          .insert(contracts)
          .values({
            accountId: row.accountId,
            number: row.number!,
            kind: selection.kind,
            frameworkId: framework.id,
            attachmentSeq: row.attachmentSeq!,
            status: 'effective',
            copies: framework.copies,
            effectiveAt,
            expiresAt: framework.expiresAt,
            partyA: framework.partyA,
            partyB: framework.partyB,
            templateVersion: attachmentTemplateVersion,
            sha256,
            signatures,
          })
          .returning()) as [typeof contracts.$inferSelect];
        await storeDocument(tx, { contractId: inserted.id, sha256, bytes: signed.bytes });
        await tx.insert(attachmentItems).values(
          selection.items.map((item, position) => ({ contractId: inserted.id, itemKind: selection.itemKind, itemId: item.id, position, snapshot: snapshotOf(item) })),
        );
        await appendEvent(tx, {
          accountId: row.accountId,
          actor: o.actor,
          action: 'contract.generated',
          subject: { type: 'contract', id: inserted.id },
          data: { number: row.number, kind: selection.kind, sha256, framework: framework.number, items: ids.length, signingId: row.id, keyCustody: row.keyCustody },
        });
      }
      // The prepared revision is of no use any more; the certificate stays for the record.
      await tx.update(signings).set({ status: 'completed', contractId: inserted.id, prepared: null, toBeSigned: null }).where(eq(signings.id, row.id));
      return inserted;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'contracts_one_effective_framework')) throw new AppError('framework_exists');
    if (isUniqueViolation(error, 'attachment_items_one_in_force')) throw new AppError('item_already_covered');
    throw error;
  }
}
