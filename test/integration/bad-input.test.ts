import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Caller, type TestApp } from '../helpers/app.js';

let t: TestApp;
let c: Caller;
beforeAll(async () => {
  t = await createTestApp();
  c = await t.verifiedCustomer();
});
afterAll(() => t?.close());

const raw = (payload: string, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'PUT',
    url: '/api/v1/party-a',
    headers: { cookie: c.cookie, 'x-csrf-token': c.csrfToken, 'content-type': 'application/json', ...headers },
    payload,
  });

const contact = { address: '福建省福州市鼓楼区示例路 88 号', contactName: '陈静', contactPhone: '13800138000', contactEmail: 'finance@example.com' };

describe('bad input never produces a 500 nor a half-written change', () => {
  it.each([
    ['malformed JSON', '{"address": '],
    ['a __proto__ key', '{"__proto__": {"isAdmin": true}, "address": "x"}'],
    ['a constructor.prototype key', '{"constructor": {"prototype": {"x": 1}}}'],
    ['a NUL byte', JSON.stringify({ ...contact, contactName: 'a\u0000b' })],
    ['a lone surrogate', `{"address":"\\ud800","contactName":"陈静","contactPhone":"13800138000","contactEmail":"a@b.cn"}`],
    ['a 10,000-character string', JSON.stringify({ ...contact, address: 'x'.repeat(10_000) })],
    ['wrong types', JSON.stringify({ ...contact, contactPhone: 13800138000 })],
    ['an array body', '[1,2,3]'],
    ['an unknown field', JSON.stringify({ ...contact, isAdmin: true })],
  ])('%s → 4xx problem', async (_name, payload) => {
    const res = await raw(payload);
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json().code).toEqual(expect.any(String));
  });

  it('answers 413 over 1 MiB and 415 for another media type', async () => {
    const big = await raw(JSON.stringify({ ...contact, address: 'x'.repeat(1024 * 1024 + 10) }));
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('payload_too_large');
    const xml = await raw('<x/>', { 'content-type': 'application/xml' });
    expect(xml.statusCode).toBe(415);
  });

  it('leaves Party A untouched after all of them', async () => {
    const party = (await t.request(c, 'GET', '/api/v1/party-a')).json();
    expect(party.address).toBe('福建省福州市鼓楼区示例路 88 号');
    const rows = await t.app.ctx.db.execute(sql`select count(*)::int as n from audit_events where action = 'party_a.updated' and chain_key = ${c.accountId}`);
    expect((rows as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(1);
  });

  it('answers 404 problem for unknown API routes and the OpenAPI document from the route schemas', async () => {
    const missing = await t.request(null, 'GET', '/api/v1/nothing-here');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('not_found');
    const doc = await t.request(null, 'GET', '/api/v1/openapi.json');
    expect(doc.statusCode).toBe(200);
    const openapi = doc.json();
    expect(openapi.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/register', '/api/v1/verification', '/api/v1/party-a', '/api/v1/admin/verifications']));
    expect(openapi.paths['/api/v1/auth/register'].post.requestBody.content['application/json'].schema.properties.password.minLength).toBe(10);
    const docs = await t.request(null, 'GET', '/api/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toMatch(/scalar/i);
  });
});
