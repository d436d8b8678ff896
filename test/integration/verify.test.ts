import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePadesContract } from '../fixtures/pades-contract.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const verify = (bytes: Buffer) =>
  t.app.inject({ method: 'POST', url: '/api/v1/verify', headers: { 'content-type': 'application/pdf' }, payload: bytes });

describe('POST /api/v1/verify', () => {
  it('answers a file that is not a PDF with not_a_pdf', async () => {
    const res = await verify(Buffer.from('certainly not a pdf'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ authentic: false, known: false, level: null, signatures: [], revisions: [], problems: ['not_a_pdf'] });
  });

  it('answers 20 MB adversarial uploads with a problem code (timing: bench/verify.ts)', async () => {
    const size = 20 * 1024 * 1024 - 4096;
    const sigSpam = Buffer.from('%PDF-1.7\n1 0 obj /Type /Sig\n'.repeat(Math.floor(size / 28)), 'latin1');
    const spam = (await verify(sigSpam)).json();
    expect(spam.authentic).toBe(false);
    expect(spam.problems).toContain('malformed_pdf');
    const parts: string[] = ['%PDF-1.7\n'];
    let at = parts[0]!.length;
    let prev = -1;
    while (at < size - 200) {
      const s = `xref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size 1${prev >= 0 ? ` /Prev ${prev}` : ''} >>\n`;
      parts.push(s);
      prev = at;
      at += s.length;
    }
    parts.push(`startxref\n${prev}\n%%EOF\n`);
    const chains = await verify(Buffer.from(parts.join(''), 'latin1'));
    expect(chains.statusCode).toBe(200);
    expect(chains.json()).toMatchObject({ authentic: false, problems: ['file_too_complex'] });
  });

  it('reports a file the platform keys signed but the service did not issue as not_issued_here', async () => {
    const fx = await makePadesContract({ pki: t.app.ctx.pki });
    const body = (await verify(fx.signed)).json();
    expect(body).toMatchObject({ authentic: false, known: false, contract: null, level: 'PAdES-B-LTA' });
    expect(body.problems).toEqual(['not_issued_here']);
    expect(body.signatures.map((s: { role: string }) => s.role)).toEqual(['party_a', 'party_b', 'document_timestamp']);
    const [a] = body.signatures;
    expect(a).toMatchObject({ valid: true, keyCustody: 'platform', level: 'PAdES-B-LTA', problems: [] });
    expect(a.timestamp.time).toBe(a.signedAt);
    // Names are masked in the public answer.
    expect(a.signer).not.toBe('杭州星河数据科技有限公司');
    expect(body.revisions).toHaveLength(5);
  });

  it('reports an issued contract as authentic and known', async () => {
    const customer = await t.verifiedCustomer();
    const created = await t.signFramework(customer, { termYears: 1, copies: 2 });
    expect(created.statusCode).toBe(201);
    const id = created.json().contract.id;
    const pdf = await t.request(customer, 'GET', `/api/v1/contracts/${id}/pdf`);
    const body = (await verify(pdf.rawPayload)).json();
    expect(body).toMatchObject({ authentic: true, known: true, level: 'PAdES-B-LTA', problems: [] });
  });
});
