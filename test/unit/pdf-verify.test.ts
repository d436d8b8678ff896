import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { PDFDict, PDFName, PDFRef } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { PdfReader } from '../../src/server/pdf-structure/reader.js';
import {
  appendIncrementalUpdate,
  nextObjectNumber,
  readObjectBody,
  readPdfIndex,
  refString,
  setEntry,
  type UpdatedObject,
} from '../../src/server/pdf-structure/incremental-writer.js';
import { certificateFromPem, issueEventCertificate } from '../../src/server/pki/platform-pki.js';
import { appendDss } from '../../src/server/signing/dss.js';
import { addDocumentTimestamp, type KeySigner, keyObjectSigner, signRevision } from '../../src/server/signing/sign-pdf.js';
import type { TimestampAuthority } from '../../src/server/signing/timestamps.js';
import { type VerificationProblem, type VerificationResult, verificationProblems } from '../../src/server/validation/status.js';
import { verifyPdf } from '../../src/server/validation/verify-pdf.js';
import { makePadesContract, makePki, materialFor, type PadesFixture, platformTsa } from '../fixtures/pades-contract.js';

let fx: PadesFixture;
let verify: (pdf: Buffer) => VerificationResult;
const asserted = new Set<string>();

beforeAll(async () => {
  fx = await makePadesContract();
  verify = (pdf) => verifyPdf(pdf, { trustedRoots: [fx.pki.root.cert] });
});

type Range = [number, number, number, number];

/** Locations of the ByteRange arrays (with the padding after them), in file order. */
function byteRanges(pdf: Buffer) {
  const text = pdf.toString('latin1');
  return [...text.matchAll(/\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\] */g)].map((m) => ({
    at: m.index ?? 0,
    length: m[0].length,
    range: m.slice(1, 5).map(Number) as Range,
  }));
}

/** Rewrites signature i's ByteRange in place (default: the last), keeping the file length. */
function withRange(pdf: Buffer, edit: (r: Range) => Range, i = -1): Buffer {
  const target = byteRanges(pdf).at(i)!;
  const text = `/ByteRange [${edit([...target.range]).join(' ')}]`.padEnd(target.length, ' ');
  expect(text.length).toBe(target.length);
  const out = Buffer.from(pdf);
  out.write(text, target.at, 'latin1');
  return out;
}

function expectRejected(result: VerificationResult, problem: VerificationProblem) {
  asserted.add(problem);
  expect(result.authentic).toBe(false);
  expect(result.problems).toContain(problem);
}

/** An incremental update built from the file's own objects (classic xref, as we write). */
function update(pdf: Buffer, build: (o: { reader: PdfReader; next: () => number; body: (num: number) => string }) => UpdatedObject[]): Buffer {
  const index = readPdfIndex(pdf);
  let next = nextObjectNumber(index);
  const reader = PdfReader.open(pdf);
  const objects = build({ reader, next: () => next++, body: (num) => readObjectBody(pdf, index, { num, gen: 0 }) });
  return appendIncrementalUpdate(pdf, index, objects, next).bytes;
}

function lastPage(reader: PdfReader): PDFRef {
  return reader.pages().at(-1)!;
}

/** A FreeText annotation ("作废", void) added to the last page. */
function withAnnotation(pdf: Buffer): Buffer {
  return update(pdf, ({ reader, next, body }) => {
    const page = lastPage(reader);
    const annot = { num: next(), gen: 0 };
    const pageBody = body(page.objectNumber);
    const annots = reader.get(reader.lookup(page, PDFDict), 'Annots');
    const list = annots ? annots.toString().replace(/\]$/, ` ${refString(annot)}]`) : `[${refString(annot)}]`;
    return [
      { ref: annot, dict: '<< /Type /Annot /Subtype /FreeText /Rect [100 100 300 200] /Contents <FEFF4F5C5E9F> /DA (/Helv 24 Tf 1 0 0 rg) >>' },
      { ref: { num: page.objectNumber, gen: 0 }, dict: setEntry(pageBody, 'Annots', list) },
    ];
  });
}

/** The shadow attack: a new revision replaces the last page's content stream. */
function withSwappedContent(pdf: Buffer): Buffer {
  return update(pdf, ({ reader }) => {
    const page = reader.lookup(lastPage(reader), PDFDict)!;
    const contents = page.get(PDFName.of('Contents'));
    const ref = contents instanceof PDFRef ? contents : (reader.lookup(contents) as unknown as { get(i: number): PDFRef }).get(0);
    const stream = Buffer.from('BT /F1 24 Tf 72 400 Td (Amount: 1 000 000 000) Tj ET', 'latin1');
    return [{ ref: { num: ref.objectNumber, gen: 0 }, dict: `<< /Length ${stream.length} >>`, stream }];
  });
}

/** Party A certifies, `between` modifies the file, then Party B, the DSS and a document timestamp follow. */
async function signedAround(between: (pdf: Buffer) => Buffer): Promise<Buffer> {
  const tsa = platformTsa(fx.pki);
  const claimedTime = new Date();
  const a = await signRevision(fx.unsigned, {
    signer: fx.partyA,
    tsa,
    field: { create: { name: 'PartyA', pageIndex: -1, rect: fx.widgets.partyA } },
    laterFields: [{ name: 'PartyB', pageIndex: -1, rect: fx.widgets.partyB }],
    dictionary: { kind: 'certification', subFilter: 'ETSI.CAdES.detached', signerName: 'A', reason: 'A', claimedTime },
  });
  const modified = between(a.bytes);
  const b = await signRevision(modified, {
    signer: fx.partyB,
    tsa,
    field: { fill: 'PartyB' },
    dictionary: { kind: 'approval', subFilter: 'ETSI.CAdES.detached', signerName: 'B', reason: 'B', claimedTime },
  });
  const withDss = appendDss(b.bytes, [
    { contents: a.contents, material: materialFor(fx.pki, fx.partyA.cert) },
    { contents: b.contents, material: materialFor(fx.pki, fx.partyB.cert) },
  ]);
  return (await addDocumentTimestamp(withDss, { tsa })).bytes;
}

/** One more approval signature over the finished file. */
async function addSignature(pdf: Buffer, signer: KeySigner, tsa: TimestampAuthority = platformTsa(fx.pki)): Promise<Buffer> {
  const r = await signRevision(pdf, {
    signer,
    tsa,
    field: { create: { name: `Extra${randomBytes(3).toString('hex')}`, pageIndex: 0 } },
    dictionary: { kind: 'approval', subFilter: 'ETSI.CAdES.detached', signerName: 'X', reason: 'X', claimedTime: new Date() },
  });
  return r.bytes;
}

/** Replaces hex inside signature i's /Contents (default Party B's, the second). */
function patchContents(pdf: Buffer, find: string, replace: string, i = 1): Buffer {
  const range = byteRanges(pdf)[i]!.range;
  const start = range[1] + 1;
  const end = range[2] - 1;
  const hex = pdf.toString('latin1', start, end);
  expect(hex.toLowerCase()).toContain(find.toLowerCase());
  const out = Buffer.from(pdf);
  out.write(hex.toLowerCase().split(find.toLowerCase()).join(replace.toLowerCase()), start, 'latin1');
  return out;
}

describe('verifyPdf: genuine contracts', () => {
  it('accepts the untouched contract as PAdES B-LTA, with proven times', () => {
    const r = verify(fx.signed);
    expect(r).toMatchObject({ authentic: true, level: 'B-LTA', problems: [] });
    expect(r.signatures.map((s) => s.role)).toEqual(['party_a', 'party_b', 'document_timestamp']);
    const [a, b, ts] = r.signatures;
    expect(a).toMatchObject({ valid: true, keyCustody: 'platform', level: 'B-LTA', coversWholeDocument: false });
    expect(b).toMatchObject({ valid: true, keyCustody: null, level: 'B-LTA' });
    expect(ts).toMatchObject({ valid: true, coversWholeDocument: true });
    for (const s of [a!, b!]) {
      expect(s.timestamp?.tsa).toContain('时间戳');
      expect(s.signedAt).toBe(s.timestamp?.time);
    }
    expect(r.revisions.map((rev) => rev.allowed)).toEqual([true, true, true, true, true]);
    expect(r.revisions[3]!.changes).toEqual(['dss']);
    expect(r.revisions[4]!.changes).toContain('document_timestamp');
  });

  it('judges the signatures at the proven time: five years on it still validates', () => {
    const later = new Date(Date.now() + 5 * 365 * 24 * 3600 * 1000);
    const r = verifyPdf(fx.signed, { trustedRoots: [fx.pki.root.cert], now: later });
    expect(r).toMatchObject({ authentic: true, level: 'B-LTA' });
  });

  it('accepts a file that is only signed by Party A (the first revision) when asked for Party A only', () => {
    const first = byteRanges(fx.signed)[0]!.range;
    const alone = fx.signed.subarray(0, first[2] + first[3]);
    const r = verify(alone);
    expectRejected(r, 'party_b_signature_missing');
    expect(r.signatures).toHaveLength(1);
    expect(r.signatures[0]).toMatchObject({ role: 'party_a', valid: true, coversWholeDocument: true, level: 'B-T' });
    expect(verifyPdf(alone, { trustedRoots: [fx.pki.root.cert], requiredRoles: ['party_a'] })).toMatchObject({ authentic: true, level: 'B-T' });
  });
});

describe('verifyPdf: the attack corpus', () => {
  it('rejects a flipped byte anywhere in the signed content', () => {
    for (const at of [100, Math.floor(fx.signed.length / 3), Math.floor(fx.signed.length / 2)]) {
      const pdf = Buffer.from(fx.signed);
      // Stay clear of the /Contents hex, which no ByteRange covers.
      const inContents = byteRanges(pdf).some((b) => at >= b.range[1] && at < b.range[2]);
      if (inContents) continue;
      pdf[at] = pdf[at]! ^ 0x01;
      expectRejected(verify(pdf), 'digest_mismatch');
    }
    // A flipped digit of the final startxref leaves the last revision unreadable.
    const tail = Buffer.from(fx.signed);
    const sx = tail.lastIndexOf('startxref') + 'startxref\n'.length;
    tail[sx] = tail[sx]! === 0x31 ? 0x32 : 0x31;
    expectRejected(verify(tail), 'modified_after_signing');
  });

  it('rejects an unreadable update appended after the last signature', () => {
    const junk = Buffer.from(
      '\n99 0 obj\n<< /Type /Annot /Subtype /FreeText /Contents (void) >>\nendobj\nxref\n99 1\n0000000000 00000 n\r\ntrailer\n<< /Size 100 >>\nstartxref\n0\n%%EOF\n',
      'latin1',
    );
    const r = verify(Buffer.concat([fx.signed, junk]));
    expectRejected(r, 'modified_after_signing');
    expect(r.signatures.every((s) => !s.coversWholeDocument)).toBe(true);
  });

  it('rejects an annotation appended after signing, and names the change', () => {
    const r = verify(withAnnotation(fx.signed));
    expectRejected(r, 'modified_after_signing');
    expect(r.revisions.at(-1)).toMatchObject({ changes: ['annotation_added'], allowed: false });
    expectRejected(r, 'modification_not_permitted');
  });

  it('rejects an annotation (overlay) inserted between the certification and the next signature', async () => {
    const r = verify(await signedAround(withAnnotation));
    // Party B's signature and the timestamp cover it, but DocMDP P=2 does not allow it.
    expect(r.signatures.every((s) => s.valid)).toBe(true);
    expectRejected(r, 'modification_not_permitted');
    expect(r.revisions[2]).toMatchObject({ changes: ['annotation_added'], allowed: false });
  });

  it('rejects a shadow-style content swap, after signing or between signatures', async () => {
    const after = verify(withSwappedContent(fx.signed));
    expectRejected(after, 'modified_after_signing');
    expect(after.revisions.at(-1)).toMatchObject({ changes: ['content_modified'], allowed: false });
    const between = verify(await signedAround(withSwappedContent));
    expectRejected(between, 'modification_not_permitted');
    expect(between.revisions[2]).toMatchObject({ changes: ['content_modified'], allowed: false });
  });

  it('rejects a signature dictionary moved to a new revision, its ByteRange gap no longer its /Contents', () => {
    // Signature wrapping: Party B's dictionary is written again in an update; its ByteRange
    // still points at the old bytes, so the gap is not this dictionary's /Contents.
    const moved = update(fx.signed, ({ reader }) => {
      const acro = reader.get(reader.catalog(), 'AcroForm', PDFDict)!;
      const fields = reader.get(acro, 'Fields')!.toString();
      const fieldRefs = [...fields.matchAll(/(\d+) 0 R/g)].map((m) => Number(m[1]));
      const partyBField = fieldRefs.find((n) => reader.lookup(reader.resolve(n), PDFDict)?.get(PDFName.of('T'))?.toString().includes('PartyB'))!;
      const v = reader.lookup(reader.resolve(partyBField), PDFDict)!.get(PDFName.of('V')) as PDFRef;
      const sig = reader.lookup(v, PDFDict)!;
      return [{ ref: { num: v.objectNumber, gen: 0 }, dict: sig.toString() }];
    });
    const r = verify(moved);
    expectRejected(r, 'byte_range_gap');
    expect(r.signatures.find((s) => s.role === 'party_b' || s.problems.includes('byte_range_gap'))?.valid).toBe(false);
  });

  it('rejects a truncated file', () => {
    const r = verify(fx.signed.subarray(0, fx.signed.length - 200));
    expectRejected(r, 'truncated_file');
    expect(r.problems).toContain('modified_after_signing');
  });

  it('rejects byte ranges that do not start at 0, overlap, leave another gap, or run past the end', () => {
    expectRejected(verify(withRange(fx.signed, ([a, b, c, d]) => [a + 1, b - 1, c, d])), 'byte_range_not_at_start');
    expectRejected(verify(withRange(fx.signed, ([a, , c, d]) => [a, c + 10, c, d])), 'byte_range_overlap');
    expectRejected(verify(withRange(fx.signed, ([a, b, c, d]) => [a, b - 50, c, d])), 'byte_range_gap');
    expectRejected(verify(withRange(fx.signed, ([a, b, c, d]) => [a, b, c + 20, d - 20])), 'byte_range_gap');
    expectRejected(verify(withRange(fx.signed, ([a, b, c, d]) => [a, b, c, d + 1000])), 'byte_range_beyond_eof');
  });

  it('rejects a byte range that stops short of the end of its revision', () => {
    const r = verify(withRange(fx.signed, ([a, b, c, d]) => [a, b, c, d - 30]));
    expectRejected(r, 'modified_after_signing');
    expectRejected(r, 'signature_not_at_revision_end');
  });

  it('rejects a signature dictionary without its ByteRange', () => {
    const pdf = Buffer.from(fx.signed);
    pdf.write('/ByteRangX', byteRanges(pdf)[1]!.at, 'latin1');
    const r = verify(pdf);
    expectRejected(r, 'malformed_signature');
    expectRejected(r, 'party_b_signature_missing');
  });

  it('rejects a malformed CMS in /Contents', () => {
    const last = byteRanges(fx.signed)[1]!;
    const pdf = Buffer.from(fx.signed);
    pdf.write('ffff', last.range[1] + 1, 'latin1');
    expectRejected(verify(pdf), 'malformed_signature');
    const notHex = Buffer.from(fx.signed);
    notHex.write('zz', last.range[1] + 1, 'latin1');
    expectRejected(verify(notHex), 'malformed_signature');
  });

  it('rejects a signature that does not verify over its attributes', async () => {
    const liar: KeySigner = { ...fx.partyB, sign: (tbs) => fx.partyB.sign(Buffer.concat([tbs, Buffer.from('x')])) };
    const r = verify(await addSignature(fx.signed, liar));
    expectRejected(r, 'signature_invalid');
    expect(r.problems).not.toContain('digest_mismatch');
  });

  it('rejects a digest algorithm it does not accept', () => {
    // SHA-256 → SHA-224 in the SignedData's and SignerInfo's digestAlgorithm.
    const r = verify(patchContents(fx.signed, '0609608648016503040201', '0609608648016503040204'));
    expectRejected(r, 'unsupported_algorithm');
  });

  it('rejects an ESS signing-certificate-v2 that names another certificate', () => {
    const certHash = createHash('sha256').update(fx.partyB.cert.raw).digest('hex');
    const r = verify(patchContents(fx.signed, certHash, `${certHash.slice(0, -2)}00`));
    expectRejected(r, 'signing_certificate_mismatch');
  });

  it('rejects certificates from a look-alike CA with the same names', async () => {
    const fake = makePki();
    expect(fake.root.cert.subject).toBe(fx.pki.root.cert.subject);
    const forged = await makePadesContract({ pki: fake });
    const r = verify(forged.signed);
    expectRejected(r, 'untrusted_certificate');
    expectRejected(r, 'timestamp_untrusted');
    expectRejected(r, 'party_a_signature_missing');
    expect(r.signatures.every((s) => (s.role === 'unknown' || s.role === 'document_timestamp') && !s.valid)).toBe(true);
    expect(r.level).toBeNull();
  });

  it('rejects a genuine contract re-signed by an outsider after the fact', async () => {
    const fake = makePki();
    const ev = issueEventCertificate(fake, { subjectType: 'enterprise', name: '示例云计算有限公司', creditCode: '91110108MA01C2XK3P' });
    const outsider = keyObjectSigner(certificateFromPem(ev.certPem), ev.key, [fake.issuing.cert, fake.root.cert]);
    expectRejected(verify(await addSignature(fx.signed, outsider, platformTsa(fake))), 'untrusted_certificate');
  });

  it('rejects an expired event certificate with a backdated claimed time', async () => {
    const threeDaysAgo = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    const old = await makePadesContract({ pki: fx.pki, eventIssuedAt: threeDaysAgo, claimedTime: new Date(threeDaysAgo.getTime() + 3600_000) });
    const r = verify(old.signed);
    expectRejected(r, 'certificate_not_valid_at_signing_time');
    // The timestamp proves today, not the claim.
    expect(r.signatures[0]!.signedAt).not.toBe(new Date(threeDaysAgo.getTime() + 3600_000).toISOString());
  });

  it('rejects a timestamp from an unknown TSA', async () => {
    const stranger = makePki({ name: '某时间戳机构' });
    const r = verify(await makePadesContract({ pki: fx.pki, tsa: platformTsa(stranger) }).then((f) => f.signed));
    expectRejected(r, 'timestamp_untrusted');
    expect(r.signatures.every((s) => s.timestamp === null)).toBe(true);
  });

  it('rejects a timestamp whose imprint is not the signature value', async () => {
    const real = platformTsa(fx.pki);
    const wrong: TimestampAuthority = { timestamp: () => real.timestamp(createHash('sha256').update('else').digest()) };
    const r = verify(await makePadesContract({ pki: fx.pki, tsa: wrong }).then((f) => f.signed));
    expectRejected(r, 'timestamp_invalid');
  });

  it('rejects a certificate revoked before the proven signing time', async () => {
    const r = verify((await makePadesContract({ pki: fx.pki, partyARevokedAt: new Date(Date.now() - 3600_000) })).signed);
    expectRejected(r, 'certificate_revoked');
    expect(r.signatures[0]).toMatchObject({ valid: false });
  });

  it('keeps a signature valid when its certificate was revoked only after the proven time', async () => {
    const r = verify((await makePadesContract({ pki: fx.pki, partyARevokedAt: new Date(Date.now() + 3600_000) })).signed);
    expect(r).toMatchObject({ authentic: true, level: 'B-LTA' });
  });

  it('does not count an OCSP response from a responder the issuer did not delegate to', async () => {
    const stranger = makePki();
    const r = verify((await makePadesContract({ pki: fx.pki, partyAOcspResponder: { cert: stranger.ocsp.cert, key: stranger.ocsp.key } })).signed);
    // Still valid, but without usable revocation data Party A's signature is not B-LT.
    expect(r.authentic).toBe(true);
    expect(r.signatures[0]!.level).toBe('B-T');
    expect(r.level).toBe('B-T');
  });

  it('does not count a CRL the issuer did not sign (a look-alike root’s, with the same names)', async () => {
    const lookAlike = makePki();
    const r = verify((await makePadesContract({ pki: fx.pki, crls: [lookAlike.rootCrl] })).signed);
    expect(r.authentic).toBe(true);
    expect(r.level).toBe('B-T');
  });

  it('rejects a timestamp signed by a certificate that is not a time-stamping one', async () => {
    const tsa = platformTsa(fx.pki, { as: { cert: fx.pki.ocsp.cert, key: fx.pki.ocsp.key } });
    expectRejected(verify((await makePadesContract({ pki: fx.pki, tsa })).signed), 'timestamp_invalid');
  });

  it('rejects a certificate whose key usage does not allow signing', async () => {
    const ca = keyObjectSigner(fx.pki.issuing.cert, fx.pki.issuing.key, [fx.pki.root.cert]);
    expectRejected(verify(await addSignature(fx.signed, ca)), 'certificate_not_for_signing');
  });

  it('rejects an unsigned PDF', () => {
    expectRejected(verify(fx.unsigned), 'no_signature');
  });

  it('answers not_a_pdf, malformed_pdf and file_too_complex for files it cannot read', () => {
    expectRejected(verify(Buffer.from('hello, this is not a pdf at all')), 'not_a_pdf');
    expectRejected(verify(Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(2048), Buffer.from('\n%%EOF\n')])), 'malformed_pdf');
    // 20 MB of chained xref/trailer fragments: refused by the revision cap, not scanned.
    const parts: string[] = ['%PDF-1.7\n'];
    let at = parts[0]!.length;
    let prev = -1;
    while (at < 20 * 1024 * 1024) {
      const s = `xref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size 1${prev >= 0 ? ` /Prev ${prev}` : ''} >>\n`;
      parts.push(s);
      prev = at;
      at += s.length;
    }
    parts.push(`startxref\n${prev}\n%%EOF\n`);
    expectRejected(verify(Buffer.from(parts.join(''), 'latin1')), 'file_too_complex');
    // 20 MB of `%PDF-1.7` and `1 0 obj /Type /Sig`: no structure at all.
    const unit = '%PDF-1.7\n1 0 obj /Type /Sig\n';
    expectRejected(verify(Buffer.from(unit.repeat(Math.ceil((20 * 1024 * 1024) / unit.length)), 'latin1')), 'malformed_pdf');
  });

  it('refuses a file with more signature fields than any contract has, before hashing each', () => {
    // Twenty fields whose values are all Party B's signature: twenty hashes of the file.
    const many = update(fx.signed, ({ reader, next, body }) => {
      const acroRef = reader.catalog().get(PDFName.of('AcroForm')) as PDFRef;
      const acro = reader.lookup(acroRef, PDFDict)!;
      const sigRefs = reader.get(acro, 'Fields')!.toString();
      const v = [...sigRefs.matchAll(/(\d+) 0 R/g)]
        .map((m) => reader.lookup(reader.resolve(Number(m[1])), PDFDict)?.get(PDFName.of('V')))
        .find((x): x is PDFRef => x instanceof PDFRef)!;
      const fields = Array.from({ length: 20 }, (_, i) => ({
        ref: { num: next(), gen: 0 },
        dict: `<< /FT /Sig /T (Copy${i}) /V ${v.toString()} >>`,
      }));
      const list = sigRefs.replace(/\]$/, ` ${fields.map((f) => refString(f.ref)).join(' ')}]`);
      return [...fields, { ref: { num: acroRef.objectNumber, gen: 0 }, dict: setEntry(body(acroRef.objectNumber), 'Fields', list) }];
    });
    expectRejected(verify(many), 'file_too_complex');
  });

  it('answers unsupported_pdf for an encrypted file', () => {
    const index = readPdfIndex(fx.unsigned);
    const trailer = `\nxref\n0 0\ntrailer\n<< /Size ${index.size} /Root ${refString(index.root)} /Prev ${index.startxref} /Encrypt << /Filter /Standard /V 2 >> >>\n`;
    const at = fx.unsigned.length + 1;
    const encrypted = Buffer.concat([fx.unsigned, Buffer.from(`${trailer}startxref\n${at}\n%%EOF\n`, 'latin1')]);
    expectRejected(verify(encrypted), 'unsupported_pdf');
  });

  it('never throws on garbage', () => {
    const inputs = [
      Buffer.alloc(0),
      randomBytes(1),
      randomBytes(4096),
      Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(2048)]),
      Buffer.from('%PDF-1.7\n1 0 obj << /Type /Sig /ByteRange [0 10 20 30] /Contents <3082> >> endobj\n%%EOF'),
      Buffer.from('%PDF-1.7\n1 0 obj << /ByteRange [0 99999999999 1 1] /Contents <> >> endobj %%EOF'),
      fx.signed.subarray(0, 1000),
      fx.signed.subarray(fx.signed.length / 2),
    ];
    for (const input of inputs) {
      const r = verify(input);
      expect(r.authentic).toBe(false);
      expect(r.problems.length).toBeGreaterThan(0);
    }
    expect(verify('not a buffer' as unknown as Buffer)).toMatchObject({ authentic: false, problems: ['not_a_pdf'] });
  });
});

describe('verifyPdf: mutations', () => {
  it('never throws, and accepts a changed file only when the change is inside a /Contents gap', () => {
    const gaps = byteRanges(fx.signed).map((b) => [b.range[1], b.range[2]] as const);
    const revisionEnds = new Set(PdfReader.open(fx.signed).revisions.flatMap((r) => [r.end, r.eofEnd]));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: fx.signed.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, xor) => {
        const pdf = Buffer.from(fx.signed);
        pdf[at] = pdf[at]! ^ xor;
        const r = verify(pdf);
        expect(Array.isArray(r.problems)).toBe(true);
        if (r.authentic) expect(gaps.some(([from, to]) => at >= from && at < to)).toBe(true);
      }),
      { numRuns: 40 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: fx.signed.length - 1 }), (length) => {
        // Cut exactly where a revision ends, a file is an earlier, genuine state of itself.
        if (revisionEnds.has(length)) return;
        expect(verify(fx.signed.subarray(0, length)).authentic).toBe(false);
      }),
      { numRuns: 20 },
    );
  });
});

describe('verifyPdf: problem codes', () => {
  it('every code the verifier can give is asserted above (verification_timeout in the pool test)', () => {
    const elsewhere = new Set(['verification_timeout']);
    const missing = verificationProblems.filter((p) => !asserted.has(p) && !elsewhere.has(p));
    expect(missing).toEqual([]);
  });
});
