import { sql } from 'drizzle-orm';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { createTestApp, type Caller, type TestApp, testConfig } from '../helpers/app.js';
import { startTestServer } from '../helpers/server.js';

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
    ['malformed JSON', '{"address": ', 'invalid_json'],
    ['a __proto__ key', '{"__proto__": {"isAdmin": true}, "address": "x"}', 'invalid_json'],
    ['a constructor.prototype key', '{"constructor": {"prototype": {"isAdmin": true}}}', 'invalid_json'],
    ['a NUL byte', JSON.stringify({ ...contact, contactName: 'a\u0000b' }), 'validation_failed'],
    ['a lone surrogate', `{"address":"\\ud800","contactName":"陈静","contactPhone":"13800138000","contactEmail":"a@b.cn"}`, 'validation_failed'],
    ['a 10,000-character string', JSON.stringify({ ...contact, address: 'x'.repeat(10_000) }), 'validation_failed'],
    ['wrong types', JSON.stringify({ ...contact, contactPhone: 13800138000 }), 'validation_failed'],
    ['an array body', '[1,2,3]', 'validation_failed'],
    ['an unknown field', JSON.stringify({ ...contact, isAdmin: true }), 'validation_failed'],
  ])('%s → 4xx problem with its code', async (_name, payload, code) => {
    const res = await raw(payload);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    // The expected code, not any 4xx: a call refused for its session or CSRF token proves nothing.
    expect(res.json().code).toBe(code);
  });

  it('pollutes no prototype with a __proto__ or constructor key', async () => {
    await raw('{"__proto__": {"polluted": true}}');
    await raw('{"constructor": {"prototype": {"polluted": true}}}');
    // A __proto__ nested in a valid-looking body, through a route that stores JSON as given.
    await raw(JSON.stringify({ ...contact, nested: JSON.parse('{"__proto__": {"polluted": true}}') }));
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('answers 413 over 1 MiB and 415 for another media type', async () => {
    const big = await raw(JSON.stringify({ ...contact, address: 'x'.repeat(1024 * 1024 + 10) }));
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('payload_too_large');
    const xml = await raw('<x/>', { 'content-type': 'application/xml' });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().code).toBe('unsupported_media_type');
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
    const wrongMethod = await t.request(c, 'DELETE', '/api/v1/party-a');
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.json().code).toBe('method_not_allowed');
    expect(wrongMethod.headers.allow).toBe('GET, HEAD, PUT');
    expect((await t.request(c, 'PATCH', `/api/v1/contracts/${c.accountId}/pdf`)).json().code).toBe('method_not_allowed');
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

describe('values the database cannot hold', () => {
  const order = (paidAt: string) => ({ product: '云服务器', spec: '4 vCPU', quantity: 1, amountFen: 100, paidAt, status: 'paid' });
  it.each([
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59-23:59',
    '1969-12-31T23:59:59Z',
    '+275760-09-13T00:00:00Z',
  ])('refuses the integration date %s with 400 validation_failed', async (paidAt) => {
    const res = await t.push(`${c.accountId}/orders/DATE-${paidAt.length}`, order(paidAt));
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('validation_failed');
    const filing = await t.push(`${c.accountId}/icp-filings/${encodeURIComponent('闽ICP备12345678号-1')}`, {
      siteName: '示例',
      domains: ['example.cn'],
      entityName: '福州示例云计算有限公司',
      status: 'active',
      approvedAt: paidAt,
    });
    expect(filing.json().code).toBe('validation_failed');
  });

  it('takes the edges of the range', async () => {
    expect((await t.push(`${c.accountId}/orders/EDGE-1`, order('1970-01-01T00:00:00Z'))).statusCode).toBe(201);
    expect((await t.push(`${c.accountId}/orders/EDGE-2`, order('9999-12-31T23:59:59Z'))).statusCode).toBe(201);
  });
});

describe('errors the code did not expect', () => {
  it('answers 500 internal_error without its details', async () => {
    const app = await buildApp(testConfig({ dataDir: 'memory://', databaseUrl: undefined }));
    app.get('/api/v1/test-only/boom', async () => {
      throw new Error('secret detail of a bug');
    });
    try {
      const res = await app.inject({ method: 'GET', url: '/api/v1/test-only/boom' });
      expect(res.statusCode).toBe(500);
      expect(res.json().code).toBe('internal_error');
      expect(res.body).not.toContain('secret detail');
    } finally {
      await app.close();
    }
  });
});

describe('requests the HTTP parser refuses', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  /** What the server answers to `request` written to its socket as it is, until it closes. */
  const exchange = (request: Buffer) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(server.url).port), '127.0.0.1', () => socket.write(request));
      let answer = '';
      socket.on('data', (d) => (answer += d));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
    });

  it.each([
    ['raw UTF-8 in the URL', Buffer.from('GET /api/v1/contracts?q=İ HTTP/1.1\r\nHost: qiyue\r\n\r\n'), 400, 'validation_failed'],
    ['headers over 16 KB', Buffer.from(`GET /api/v1/health HTTP/1.1\r\nHost: qiyue\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`), 431, 'headers_too_large'],
  ])('%s: problem+json with its code, then the connection closes', async (_name, request, status, code) => {
    const [head, body] = (await exchange(request)).split('\r\n\r\n');
    expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
    expect(head).toMatch(/\r\ncontent-type: application\/problem\+json\r\n/i);
    expect(JSON.parse(body!)).toMatchObject({ type: `urn:qiyue:problem:${code}`, status, code });
  });
});
