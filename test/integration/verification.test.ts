import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifications } from '../../src/server/db/schema/index.js';
import { consent, createTestApp, type TestApp, tinyPng, uniqueCreditCode, uniqueIdNumber } from '../helpers/app.js';
import { testDatabaseKind } from '../helpers/database.js';

const enterprise = { subjectType: 'enterprise', name: '福州示例云计算有限公司', creditCode: '91350100M000100Y43', legalRepresentative: '林晓明', consent };
const person = { subjectType: 'personal', name: '张三', idNumber: '11010519491231002x', consent };

describe('real-name verification, auto mode', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ verifierMode: 'auto' });
  });
  afterAll(() => t?.close());

  it('verifies a well-formed enterprise at once and cannot be changed afterwards', async () => {
    const c = await t.register();
    const res = await t.request(c, 'POST', '/api/v1/verification', enterprise);
    expect(res.statusCode).toBe(201);
    expect(res.json().verification).toMatchObject({ subjectType: 'enterprise', name: enterprise.name, status: 'verified', creditCode: enterprise.creditCode });
    expect((await t.request(c, 'GET', '/api/v1/me')).json().account.verificationStatus).toBe('verified');
    // Another company (another credit code) cannot replace it; the same code under a new name
    // is a rename (rename-supplement.test.ts).
    const again = await t.request(c, 'POST', '/api/v1/verification', { ...enterprise, name: '另一家公司', creditCode: uniqueCreditCode() });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('already_verified');
    const person = await t.request(c, 'POST', '/api/v1/verification', { subjectType: 'personal', name: '张三', idNumber: uniqueIdNumber(), consent });
    expect(person.json().code).toBe('already_verified');
    expect((await t.request(c, 'GET', '/api/v1/verification')).json().verification.name).toBe(enterprise.name);
  });

  it('shows the owner the full ID number, upper-cased', async () => {
    const c = await t.register();
    const res = await t.request(c, 'POST', '/api/v1/verification', person);
    expect(res.json().verification.idNumber).toBe('11010519491231002X');
    expect((await t.request(c, 'GET', '/api/v1/verification')).json().verification.idNumber).toBe('11010519491231002X');
    // Party A shows it masked.
    expect((await t.request(c, 'GET', '/api/v1/party-a')).json().idCode).toBe('1101**********002X');
  });

  it('refuses wrong check characters with their own codes and stores nothing', async () => {
    const c = await t.register();
    const id = await t.request(c, 'POST', '/api/v1/verification', { ...person, idNumber: '110105194912310021' });
    expect(id.statusCode).toBe(422);
    expect(id.json().code).toBe('invalid_id_number');
    const code = await t.request(c, 'POST', '/api/v1/verification', { ...enterprise, creditCode: '91350100M000100Y44' });
    expect(code.statusCode).toBe(422);
    expect(code.json().code).toBe('invalid_credit_code');
    expect((await t.request(c, 'GET', '/api/v1/verification')).json().verification).toBeNull();
  });

  it('refuses names with bidirectional overrides or zero-width characters, and NFKC-normalises', async () => {
    const c = await t.register();
    const bidi = await t.request(c, 'POST', '/api/v1/verification', { ...person, name: '张\u202e三' });
    expect(bidi.statusCode).toBe(400);
    expect(bidi.json().errors[0].path).toBe('name');
    const zw = await t.request(c, 'POST', '/api/v1/verification', { ...person, name: '张\u200b三' });
    expect(zw.statusCode).toBe(400);
    const ok = await t.request(c, 'POST', '/api/v1/verification', { ...enterprise, creditCode: uniqueCreditCode(), name: '  ＡＢＣ科技有限公司 ' });
    expect(ok.json().verification.name).toBe('ABC科技有限公司');
  });

  it('lets only one of many simultaneous submissions through', async () => {
    const c = await t.register();
    const creditCode = uniqueCreditCode();
    const results = await Promise.all(Array.from({ length: 8 }, () => t.request(c, 'POST', '/api/v1/verification', { ...enterprise, creditCode })));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(results.filter((r) => r.statusCode === 409)).toHaveLength(7);
    const rows = await t.app.ctx.db.execute(sql`select count(*)::int as n from ${verifications} where account_id = ${c.accountId}`);
    expect((rows as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(1);
  });
});

describe('real-name verification, manual mode with the operator queue', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ verifierMode: 'manual' });
  });
  afterAll(() => t?.close());

  it('waits for review, can be rejected with a reason, resubmitted and approved', async () => {
    const c = await t.register();
    const op = await t.operator();
    const submitted = await t.request(c, 'POST', '/api/v1/verification', person);
    expect(submitted.json().verification.status).toBe('pending');
    expect((await t.request(c, 'POST', '/api/v1/verification', person)).json().code).toBe('verification_pending');
    expect((await t.request(c, 'GET', '/api/v1/party-a')).json().code).toBe('verification_required');

    const queue = await t.request(op, 'GET', '/api/v1/admin/verifications?status=pending');
    const item = queue.json().items.find((i: { accountId: string }) => i.accountId === c.accountId);
    expect(item).toMatchObject({ email: c.email, idNumber: '1101**********002X', status: 'pending' });

    const noReason = await t.request(op, 'POST', `/api/v1/admin/verifications/${item.id}/reject`, {});
    expect(noReason.statusCode).toBe(400);
    const rejected = await t.request(op, 'POST', `/api/v1/admin/verifications/${item.id}/reject`, { reason: '姓名与证件不一致' });
    expect(rejected.statusCode).toBe(200);
    const seen = (await t.request(c, 'GET', '/api/v1/verification')).json().verification;
    expect(seen).toMatchObject({ status: 'rejected', rejectReason: '姓名与证件不一致' });
    expect((await t.request(op, 'POST', `/api/v1/admin/verifications/${item.id}/approve`)).json().code).toBe('invalid_state');

    const noLicence = await t.request(c, 'POST', '/api/v1/verification', enterprise);
    expect(noLicence.json().code).toBe('licence_required');
    const licence = (await t.request(c, 'POST', '/api/v1/verification/documents', tinyPng(), { 'content-type': 'image/png' })).json().document;
    const second = await t.request(c, 'POST', '/api/v1/verification', { ...enterprise, documents: [licence.id] });
    expect(second.statusCode).toBe(201);
    const approved = await t.request(op, 'POST', `/api/v1/admin/verifications/${second.json().verification.id}/approve`);
    expect(approved.statusCode).toBe(200);
    expect((await t.request(c, 'GET', '/api/v1/me')).json().account.verificationStatus).toBe('verified');
  });

  it('keeps customers out of the admin API and operators out of customer routes', async () => {
    const c = await t.register();
    const op = await t.operator();
    expect((await t.request(c, 'GET', '/api/v1/admin/verifications')).statusCode).toBe(403);
    expect((await t.request(c, 'POST', '/api/v1/admin/verifications/00000000-0000-4000-8000-000000000000/approve')).statusCode).toBe(403);
    expect((await t.request(op, 'GET', '/api/v1/verification')).statusCode).toBe(403);
    expect((await t.request(null, 'GET', '/api/v1/admin/verifications')).statusCode).toBe(401);
    expect((await t.request(op, 'POST', '/api/v1/admin/verifications/00000000-0000-4000-8000-000000000000/approve')).statusCode).toBe(404);
  });

  it.runIf(testDatabaseKind === 'postgres')('lets only one of two simultaneous decisions win', async () => {
    const c = await t.register();
    const op = await t.operator();
    const v = (await t.request(c, 'POST', '/api/v1/verification', person)).json().verification;
    const [a, b] = await Promise.all([
      t.request(op, 'POST', `/api/v1/admin/verifications/${v.id}/approve`),
      t.request(op, 'POST', `/api/v1/admin/verifications/${v.id}/reject`, { reason: '材料不全' }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
  });
});
