import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, verifications } from '../../src/server/db/schema/index.js';
import { type Caller, consent, createTestApp, type TestApp, tinyPng, uniqueCreditCode, uniqueIdNumber } from '../helpers/app.js';
import { testDatabaseKind } from '../helpers/database.js';

const company = (creditCode: string, name = '厦门海风科技有限公司') => ({ subjectType: 'enterprise', name, creditCode, legalRepresentative: '郑国强', consent });

const upload = (c: Caller, bytes: Buffer, type: string) => t.request(c, 'POST', '/api/v1/verification/documents', bytes, { 'content-type': type });

// A minimal PDF: header, one object, the end-of-file marker.
const tinyPdf = Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');
// A baseline JPEG's first segments: SOI, APP0 (JFIF), SOF0 of 16×8, EOI.
const tinyJpeg = Buffer.from(
  'ffd8ffe000104a46494600010100000100010000ffc0000b080008001001011100ffd9',
  'hex',
);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ verifierMode: 'auto' });
});
afterAll(() => t?.close());

describe('one identity, one account', () => {
  it("refuses another account's credit code with identity_in_use, and takes an appeal with evidence to the reviewer", async () => {
    const code = uniqueCreditCode();
    const owner = await t.register();
    expect((await t.request(owner, 'POST', '/api/v1/verification', company(code))).json().verification.status).toBe('verified');

    const other = await t.register();
    const taken = await t.request(other, 'POST', '/api/v1/verification', company(code, '另一家冒名公司'));
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('identity_in_use');
    expect((await t.request(other, 'GET', '/api/v1/verification')).json().verification).toBeNull();
    // Lower case or padding is the same identity.
    expect((await t.request(other, 'POST', '/api/v1/verification', company(` ${code.toLowerCase()} `))).json().code).toBe('identity_in_use');

    const noEvidence = await t.request(other, 'POST', '/api/v1/verification', { ...company(code), appeal: true });
    expect(noEvidence.json().code).toBe('licence_required');
    const licence = (await upload(other, tinyPng(), 'image/png')).json().document;
    const appeal = await t.request(other, 'POST', '/api/v1/verification', { ...company(code), appeal: true, documents: [licence.id] });
    expect(appeal.statusCode).toBe(201);
    expect(appeal.json().verification).toMatchObject({ status: 'pending', isAppeal: true });

    const op = await t.operator();
    const view = await t.request(op, 'GET', `/api/v1/admin/verifications/${appeal.json().verification.id}`);
    expect(view.statusCode).toBe(200);
    expect(view.json().verification).toMatchObject({ creditCode: code, isAppeal: true, consent: { version: consent.version }, documents: [{ id: licence.id, type: 'image/png' }] });
    const file = await t.request(op, 'GET', `/api/v1/admin/verifications/${appeal.json().verification.id}/documents/${licence.id}`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(createHash('sha256').update(file.rawPayload).digest('hex')).toBe(licence.sha256);
    const viewed = await t.app.ctx.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chainKey, other.accountId!), eq(auditEvents.action, 'verification.viewed')));
    expect(viewed).toHaveLength(2);
    expect(viewed.every((e) => e.actorRole === 'operator')).toBe(true);

    // While the first account holds the code, approving the appeal would give it twice.
    const approve = await t.request(op, 'POST', `/api/v1/admin/verifications/${appeal.json().verification.id}/approve`);
    expect(approve.statusCode).toBe(409);
    expect(approve.json().code).toBe('identity_in_use');
  });

  it('refuses an ID number another account holds', async () => {
    const idNumber = uniqueIdNumber();
    const first = await t.register();
    const second = await t.register();
    expect((await t.request(first, 'POST', '/api/v1/verification', { subjectType: 'personal', name: '王五', idNumber, consent })).statusCode).toBe(201);
    const res = await t.request(second, 'POST', '/api/v1/verification', { subjectType: 'personal', name: '王五', idNumber, consent });
    expect(res.json().code).toBe('identity_in_use');
  });

  it.runIf(testDatabaseKind === 'postgres')('lets one of 20 accounts submitting the same credit code at once win; the rest get identity_in_use', async () => {
    const code = uniqueCreditCode();
    const callers = await Promise.all(Array.from({ length: 20 }, () => t.register()));
    const results = await Promise.all(callers.map((c, i) => t.request(c, 'POST', '/api/v1/verification', company(code, `并发公司${i}有限公司`))));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    const refused = results.filter((r) => r.statusCode !== 201);
    expect(refused).toHaveLength(19);
    expect(refused.every((r) => r.statusCode === 409 && r.json().code === 'identity_in_use')).toBe(true);
    const rows = await t.app.ctx.db.select().from(verifications).where(eq(verifications.creditCode, code));
    expect(rows).toHaveLength(1);
  });
});

describe('evidence uploads', () => {
  it('takes a real PNG, JPEG and PDF, once each by SHA-256', async () => {
    const c = await t.register();
    const png = tinyPng('licence');
    const first = await upload(c, png, 'image/png');
    expect(first.statusCode).toBe(201);
    expect(first.json().document).toMatchObject({ type: 'image/png', sha256: createHash('sha256').update(png).digest('hex') });
    expect((await upload(c, png, 'image/png')).json().document.id).toBe(first.json().document.id);
    expect((await upload(c, tinyJpeg, 'image/jpeg')).json().document.type).toBe('image/jpeg');
    expect((await upload(c, tinyPdf, 'application/pdf')).json().document.type).toBe('application/pdf');
  });

  it('refuses a file that only claims to be a PNG, one of another type, an oversize one and a foreign document', async () => {
    const c = await t.register();
    const claims = [
      Buffer.from('this is not an image at all, just text'),
      // The eight signature bytes, then nothing a decoder would take.
      Buffer.concat([tinyPng().subarray(0, 8), Buffer.alloc(64, 0x41)]),
      // A real header whose checksum was altered.
      (() => {
        const b = Buffer.from(tinyPng());
        b[20] = 0x7f;
        return b;
      })(),
      tinyPdf,
    ];
    for (const bytes of claims) {
      const res = await upload(c, bytes, 'image/png');
      expect(res.statusCode).toBe(422);
      expect(res.json().code).toBe('invalid_document');
    }
    expect((await upload(c, tinyPng(), 'image/jpeg')).json().code).toBe('invalid_document');
    expect((await upload(c, tinyPng(), 'image/gif')).statusCode).toBe(415);
    const big = Buffer.concat([tinyPdf, Buffer.alloc(10 * 1024 * 1024)]);
    expect((await upload(c, big, 'application/pdf')).statusCode).toBe(413);

    const stranger = await t.register();
    const theirs = (await upload(stranger, tinyPng(), 'image/png')).json().document.id;
    const res = await t.request(c, 'POST', '/api/v1/verification', { ...company(uniqueCreditCode()), documents: [theirs] });
    expect(res.json().code).toBe('invalid_document');
  });
});
