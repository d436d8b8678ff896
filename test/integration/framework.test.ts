import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, contracts } from '../../src/server/db/schema/index.js';
import { consent, createTestApp, type Caller, type TestApp } from '../helpers/app.js';
import { testDatabaseKind } from '../helpers/database.js';
import { hasTool, outputOf } from '../helpers/tools.js';

const hasPoppler = hasTool('pdfsig');

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

// Through a signing (start, the code, Party A's own key, complete): the direct route answers confirmation_required.
const apply = (c: Caller, body: { termYears: number; copies: number; accept?: boolean } = { termYears: 2, copies: 3, accept: true }, headers?: Record<string, string>) =>
  t.signFramework(c, body, headers ? { idempotencyKey: headers['idempotency-key'], custody: 'platform' } : {});

describe('framework agreement', () => {
  let customer: Caller & { creditCode: string };
  let contractId: string;

  beforeAll(async () => {
    customer = await t.verifiedCustomer();
  });

  it('refuses before verification, with incomplete Party A, and without acceptance', async () => {
    const unverified = await t.register();
    expect((await apply(unverified)).json().code).toBe('verification_required');
    const incomplete = await t.register();
    await t.request(incomplete, 'POST', '/api/v1/verification', { subjectType: 'personal', name: '张三', idNumber: '11010519491231002X', consent });
    const res = await apply(incomplete);
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('party_a_incomplete');
    // Acceptance is the confirmed code now; the direct route sends the caller there.
    const direct = await t.request(customer, 'POST', '/api/v1/contracts/framework', { termYears: 1, copies: 2, accept: false });
    expect(direct.statusCode).toBe(409);
    expect(direct.json().code).toBe('confirmation_required');
    expect((await apply(customer, { termYears: 4, copies: 2, accept: true })).statusCode).toBe(400);
  });

  it('previews an unsigned draft', async () => {
    const res = await t.request(customer, 'POST', '/api/v1/contracts/framework/preview', { termYears: 1, copies: 2 });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(res.rawPayload.includes('/ByteRange')).toBe(false);
  });

  it('generates a signed, effective contract whose download is exactly the stored bytes', async () => {
    const res = await apply(customer);
    expect(res.statusCode).toBe(201);
    const contract = res.json().contract;
    contractId = contract.id;
    const year = new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date());
    expect(contract).toMatchObject({ kind: 'framework', status: 'effective', copies: 3, termYears: 2, templateVersion: 'framework-v2' });
    expect(contract.number).toMatch(new RegExp(`^FA${year}\\d{6}$`));
    expect(contract.partyA).toMatchObject({ name: '福州示例云计算有限公司', idCode: customer.creditCode });
    expect(contract.partyB.name).toBe(t.config.partyB.name);
    expect(contract.signatures.map((s: { role: string }) => s.role)).toEqual(['party_a', 'party_b']);
    expect(new Date(contract.expiresAt).getUTCFullYear() - new Date(contract.effectiveAt).getUTCFullYear()).toBe(2);

    const pdf = await t.request(customer, 'GET', `/api/v1/contracts/${contractId}/pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toContain(`filename="${contract.number}.pdf"`);
    expect(createHash('sha256').update(pdf.rawPayload).digest('hex')).toBe(contract.sha256);
    const again = await t.request(customer, 'GET', `/api/v1/contracts/${contractId}/pdf`);
    expect(again.rawPayload.equals(pdf.rawPayload)).toBe(true);
  });

  it.skipIf(!hasPoppler)('carries two signatures that pdfsig finds valid, and extractable Chinese text', async () => {
    const pdf = await t.request(customer, 'GET', `/api/v1/contracts/${contractId}/pdf`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qiyue-'));
    const file = path.join(dir, 'c.pdf');
    fs.writeFileSync(file, pdf.rawPayload);
    const out = outputOf('pdfsig', [file]);
    expect(out.match(/Signature is Valid/g)).toHaveLength(2);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('福州示例云计算有限公司');
    expect(text).toContain('一式叁份');
  });

  it('verifies the issued file as authentic and known, and a changed one as not authentic', async () => {
    const pdf = (await t.request(customer, 'GET', `/api/v1/contracts/${contractId}/pdf`)).rawPayload;
    const verify = (bytes: Buffer) =>
      t.app.inject({ method: 'POST', url: '/api/v1/verify', headers: { 'content-type': 'application/pdf' }, payload: bytes });
    const ok = (await verify(pdf)).json();
    expect(ok).toMatchObject({ authentic: true, known: true, level: 'PAdES-B-LTA', contract: { kind: 'framework', status: 'effective' }, problems: [] });
    // Party A, Party B, and the document timestamp that covers the whole file.
    expect(ok.signatures.map((s: { role: string }) => s.role)).toEqual(['party_a', 'party_b', 'document_timestamp']);
    expect(ok.signatures.every((s: { valid: boolean }) => s.valid)).toBe(true);
    expect(ok.signatures[2].coversWholeDocument).toBe(true);
    expect(ok.signatures[0].signer).toBe('福州********司');

    const flipped = Buffer.from(pdf);
    const at = Math.floor(flipped.length / 3);
    flipped[at] = flipped[at]! ^ 0x01;
    const bad = (await verify(flipped)).json();
    expect(bad.authentic).toBe(false);
    expect(bad.known).toBe(false);
    expect(bad.problems.length).toBeGreaterThan(0);

    const appended = Buffer.concat([pdf, Buffer.from('\n% appended\n')]);
    expect((await verify(appended)).json().authentic).toBe(false);
    const garbage = await verify(Buffer.from('not a pdf at all'));
    expect(garbage.statusCode).toBe(200);
    expect(garbage.json().authentic).toBe(false);
    const wrongType = await t.app.inject({ method: 'POST', url: '/api/v1/verify', headers: { 'content-type': 'text/plain' }, payload: 'x' });
    expect(wrongType.statusCode).toBe(415);
  });

  it('refuses a second framework agreement while one is in force', async () => {
    const res = await apply(customer, { termYears: 1, copies: 2, accept: true });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('framework_exists');
  });

  it('lists, filters, searches and pages contracts; other accounts see 404', async () => {
    const list = await t.request(customer, 'GET', '/api/v1/contracts?kind=framework&status=effective');
    expect(list.json().items.map((c: { id: string }) => c.id)).toEqual([contractId]);
    expect((await t.request(customer, 'GET', '/api/v1/contracts?status=voided')).json().items).toEqual([]);
    const number = list.json().items[0].number;
    expect((await t.request(customer, 'GET', `/api/v1/contracts?q=${number.slice(-4)}`)).json().items).toHaveLength(1);
    const stranger = await t.verifiedCustomer();
    expect((await t.request(stranger, 'GET', `/api/v1/contracts/${contractId}`)).statusCode).toBe(404);
    expect((await t.request(stranger, 'GET', `/api/v1/contracts/${contractId}/pdf`)).statusCode).toBe(404);
    expect((await t.request(stranger, 'GET', '/api/v1/contracts')).json().items).toEqual([]);
    const op = await t.operator();
    expect((await t.request(op, 'GET', `/api/v1/contracts/${contractId}`)).statusCode).toBe(200);
  });

  it('shows a contract past its term as expired, in the detail and in the filters', async () => {
    const c = await t.verifiedCustomer();
    const id = (await apply(c)).json().contract.id;
    await t.app.ctx.db.update(contracts).set({ effectiveAt: new Date('2020-01-01'), expiresAt: new Date('2022-01-01') }).where(eq(contracts.id, id));
    expect((await t.request(c, 'GET', `/api/v1/contracts/${id}`)).json().contract.status).toBe('expired');
    expect((await t.request(c, 'GET', '/api/v1/contracts?status=expired')).json().items.map((x: { id: string }) => x.id)).toEqual([id]);
    expect((await t.request(c, 'GET', '/api/v1/contracts?status=effective')).json().items).toEqual([]);
    // An expired agreement does not stand in the way of a new one.
    expect((await apply(c)).statusCode).toBe(201);
  });

  it('keeps an audit timeline whose chain turns invalid when history is edited', async () => {
    const audit = await t.request(customer, 'GET', `/api/v1/contracts/${contractId}/audit`);
    expect(audit.json().chainValid).toBe(true);
    expect(audit.json().events.map((e: { action: string }) => e.action)).toEqual(['contract.generated']);
    await t.app.ctx.db
      .update(auditEvents)
      .set({ data: sql`jsonb_set(data, '{copies}', '2')` })
      .where(and(eq(auditEvents.subjectId, contractId), eq(auditEvents.action, 'contract.generated')));
    expect((await t.request(customer, 'GET', `/api/v1/contracts/${contractId}/audit`)).json().chainValid).toBe(false);
  });

  it('voids with a reason, then refuses to void again; an operator terminates another', async () => {
    const noReason = await t.request(customer, 'POST', `/api/v1/contracts/${contractId}/void`, {});
    expect(noReason.statusCode).toBe(400);
    const voided = await t.request(customer, 'POST', `/api/v1/contracts/${contractId}/void`, { reason: '信息有误，重新签署' });
    expect(voided.statusCode).toBe(200);
    expect(voided.json().contract).toMatchObject({ status: 'voided', statusReason: '信息有误，重新签署' });
    expect((await t.request(customer, 'POST', `/api/v1/contracts/${contractId}/void`, { reason: '再来一次' })).json().code).toBe('invalid_state');

    const second = (await apply(customer)).json().contract;
    const op = await t.operator();
    expect((await t.request(customer, 'POST', `/api/v1/admin/contracts/${second.id}/terminate`, { reason: '客户违约' })).statusCode).toBe(403);
    const terminated = await t.request(op, 'POST', `/api/v1/admin/contracts/${second.id}/terminate`, { reason: '客户违约' });
    expect(terminated.json().contract.status).toBe('terminated');
  });

  it('answers the same Idempotency-Key with the first result and refuses it with another body', async () => {
    const c = await t.verifiedCustomer();
    const headers = { 'idempotency-key': 'apply-once-1' };
    const first = await apply(c, { termYears: 1, copies: 2, accept: true }, headers);
    const replay = await apply(c, { termYears: 1, copies: 2, accept: true }, headers);
    expect(first.statusCode).toBe(201);
    expect(replay.statusCode).toBe(201);
    expect(replay.json().contract.id).toBe(first.json().contract.id);
    const other = await apply(c, { termYears: 3, copies: 2, accept: true }, headers);
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('idempotency_key_reused');
  });

  it.runIf(testDatabaseKind === 'postgres')('makes exactly one contract of 20 simultaneous applications', async () => {
    const c = await t.verifiedCustomer();
    const results = await Promise.all(Array.from({ length: 20 }, () => apply(c, { termYears: 1, copies: 2, accept: true })));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(results.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'framework_exists')).toBe(true);
    expect(results.filter((r) => r.statusCode === 409)).toHaveLength(19);
    const rows = await t.app.ctx.db.select().from(contracts).where(eq(contracts.accountId, c.accountId!));
    expect(rows).toHaveLength(1);
  });
});
