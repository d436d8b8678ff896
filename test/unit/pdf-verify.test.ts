import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { CmsSigner, signPdf } from '../../src/server/pdf/sign.js';
import { verifyPdfSignatures, type VerificationResult } from '../../src/server/pdf/verify.js';
import { chainPems, issueEventCertificate } from '../../src/server/pki/platform-pki.js';
import { makePki, makeSignedContract, type SignedFixture } from '../fixtures/signed-contract.js';

let fx: SignedFixture;
let verify: (pdf: Buffer) => VerificationResult;

beforeAll(async () => {
  fx = await makeSignedContract();
  verify = (pdf) => verifyPdfSignatures(pdf, { rootCertPem: fx.pki.root.certPem });
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

/** Rewrites the last signature's ByteRange in place, keeping the file length. */
function withLastRange(pdf: Buffer, edit: (r: Range) => Range): Buffer {
  const last = byteRanges(pdf).at(-1)!;
  const text = `/ByteRange [${edit([...last.range]).join(' ')}]`.padEnd(last.length, ' ');
  expect(text.length).toBe(last.length);
  const out = Buffer.from(pdf);
  out.write(text, last.at, 'latin1');
  return out;
}

function expectRejected(result: VerificationResult, problem: string) {
  expect(result.authentic).toBe(false);
  expect(result.problems).toContain(problem);
}

describe('verifyPdfSignatures', () => {
  it('accepts the untouched contract', () => {
    const r = verify(fx.signed);
    expect(r).toMatchObject({ authentic: true, problems: [] });
    expect(r.signatures).toHaveLength(2);
    expect(r.signatures.every((s) => s.signedAt && !Number.isNaN(Date.parse(s.signedAt)))).toBe(true);
  });

  it('rejects a flipped byte anywhere in the signed content', () => {
    for (const at of [100, Math.floor(fx.signed.length / 2), fx.signed.length - 10]) {
      const pdf = Buffer.from(fx.signed);
      // Stay clear of the /Contents hex, which no ByteRange covers.
      const inContents = byteRanges(pdf).some((b) => at >= b.range[1] && at < b.range[2]);
      if (inContents) continue;
      pdf[at] = pdf[at]! ^ 0x01;
      expectRejected(verify(pdf), 'digest_mismatch');
    }
  });

  it('rejects an incremental update appended after the last signature', () => {
    const update = Buffer.from(
      '\n99 0 obj\n<< /Type /Annot /Subtype /FreeText /Contents (作废) >>\nendobj\nxref\n99 1\n0000000000 00000 n\r\ntrailer\n<< /Size 100 >>\nstartxref\n0\n%%EOF\n',
      'latin1',
    );
    const r = verify(Buffer.concat([fx.signed, update]));
    expectRejected(r, 'modified_after_signing');
    expect(r.signatures.every((s) => !s.coversWholeDocument)).toBe(true);
  });

  it('rejects a truncated file', () => {
    const r = verify(fx.signed.subarray(0, fx.signed.length - 200));
    expectRejected(r, 'byte_range_beyond_eof');
    expect(r.problems).toContain('truncated_file');
  });

  it('rejects the first revision alone (Party B’s signature cut off)', () => {
    const first = byteRanges(fx.signed)[0]!.range;
    const r = verify(fx.signed.subarray(0, first[2] + first[3]));
    expectRejected(r, 'party_b_signature_missing');
    expect(r.signatures).toHaveLength(1);
    expect(r.signatures[0]).toMatchObject({ role: 'party_a', valid: true, coversWholeDocument: true });
  });

  it('rejects a byte range that does not start at 0', () => {
    expectRejected(verify(withLastRange(fx.signed, ([a, b, c, d]) => [a + 1, b - 1, c, d])), 'byte_range_not_at_start');
  });

  it('rejects overlapping byte ranges', () => {
    expectRejected(verify(withLastRange(fx.signed, ([a, , c, d]) => [a, c + 10, c, d])), 'byte_range_overlap');
  });

  it('rejects a gap other than the signature’s own /Contents', () => {
    expectRejected(verify(withLastRange(fx.signed, ([a, b, c, d]) => [a, b - 50, c, d])), 'byte_range_gap');
    expectRejected(verify(withLastRange(fx.signed, ([a, b, c, d]) => [a, b, c + 20, d - 20])), 'byte_range_gap');
  });

  it('rejects a byte range that stops short of the end of the file', () => {
    const r = verify(withLastRange(fx.signed, ([a, b, c, d]) => [a, b, c, d - 30]));
    expectRejected(r, 'modified_after_signing');
  });

  it('rejects a missing signature dictionary entry', () => {
    const pdf = Buffer.from(fx.signed);
    const last = byteRanges(pdf).at(-1)!;
    pdf.write('/ByteRangX', last.at, 'latin1');
    const r = verify(pdf);
    expectRejected(r, 'malformed_signature');
    expect(r.problems).toContain('party_b_signature_missing');
  });

  it('rejects a malformed CMS in /Contents', () => {
    const pdf = Buffer.from(fx.signed);
    const last = byteRanges(pdf).at(-1)!;
    pdf.write('ffff', last.range[1] + 1, 'latin1');
    expectRejected(verify(pdf), 'malformed_signature');
    const notHex = Buffer.from(fx.signed);
    notHex.write('zz', last.range[1] + 1, 'latin1');
    expectRejected(verify(notHex), 'malformed_signature');
  });

  it('rejects a CMS whose messageDigest does not match the signed bytes', async () => {
    const signer = new CmsSigner(fx.pki.partyB.certPem, fx.pki.partyB.key, chainPems(fx.pki));
    signer.digestOverride = Buffer.from('something else');
    const pdf = await signPdf(fx.signed, signer, { fieldName: 'Liar' });
    const r = verify(pdf);
    expectRejected(r, 'digest_mismatch');
    // The signature over the attributes itself is fine: only the digest gives it away.
    expect(r.problems).not.toContain('signature_invalid');
  });

  it('rejects certificates from a look-alike CA with the same names', async () => {
    const fake = makePki();
    expect(fake.root.cert.subject).toBe(fx.pki.root.cert.subject);
    const forged = await makeSignedContract(fake);
    const r = verify(forged.signed);
    expectRejected(r, 'untrusted_certificate');
    expect(r.signatures.every((s) => s.role === 'unknown' && !s.valid)).toBe(true);
  });

  it('rejects a genuine contract re-signed by an outsider after the fact', async () => {
    const fake = makePki();
    const ev = issueEventCertificate(fake, { subjectType: 'enterprise', name: '示例云计算有限公司', creditCode: '91110108MA01C2XK3P' });
    const pdf = await signPdf(fx.signed, new CmsSigner(ev.certPem, ev.key, chainPems(fake)));
    expectRejected(verify(pdf), 'untrusted_certificate');
  });

  it('rejects an unsigned PDF', () => {
    expectRejected(verify(fx.unsigned), 'no_signature');
  });

  it('never throws on garbage', () => {
    const inputs = [
      Buffer.alloc(0),
      randomBytes(1),
      randomBytes(4096),
      Buffer.from('hello, this is not a pdf'),
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
    expect(verify('not a buffer' as unknown as Buffer).authentic).toBe(false);
  });
});
