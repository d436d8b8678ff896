import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, createTestApp, type TestApp, uniqueCreditCode } from '../helpers/app.js';
import { testDatabaseKind } from '../helpers/database.js';

let t: TestApp;
let customer: Caller;
let operator: Caller;

// Ten rows within one millisecond, two of them at the very same microsecond: a cursor that
// kept milliseconds, or compared time and id separately, skips or repeats some of them.
const times = ['001', '002', '003', '004', '005', '005', '006', '007', '008', '009'].map((us) => `2026-06-01T10:00:00.123${us}Z`);
const ids = times.map((_, i) => `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`);
/** (time, id) newest first, as the lists order them. */
const newestFirst = ids.map((id, i) => ({ id, at: times[i]! })).sort((a, b) => (a.at === b.at ? b.id.localeCompare(a.id) : b.at.localeCompare(a.at)));

async function pageThrough(caller: Caller, path: string): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const res = await t.request(caller, 'GET', `${path}${path.includes('?') ? '&' : '?'}limit=1${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { items: { id: string }[]; nextCursor: string | null };
    seen.push(...body.items.map((i) => i.id));
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return seen;
}

describe(`keyset pages are exact within one millisecond (${testDatabaseKind})`, () => {
  beforeAll(async () => {
    t = await createTestApp();
    customer = await t.register();
    operator = await t.operator();
    const account = customer.accountId!;
    await t.app.ctx.db.transaction(async (tx) => {
      for (const [i, id] of ids.entries()) {
        const at = times[i]!;
        await tx.execute(sql`insert into contracts (id, account_id, number, kind, status, copies, term_years, effective_at, expires_at,
            party_a, party_b, template_version, sha256, signatures, created_at)
          values (${id}, ${account}, ${`FA2026PAGE${i}`}, 'framework', 'expired', 2, 1, ${at}::timestamptz, ${at}::timestamptz + interval '1 year',
            ${JSON.stringify({ name: '福州示例云计算有限公司' })}::jsonb, '{"name":"乙方"}'::jsonb, 'framework-agreement-v1', repeat('a', 64), '[]'::jsonb,
            ${at}::timestamptz)`);
        await tx.execute(sql`insert into orders (id, account_id, order_no, product, spec, quantity, amount_fen, paid_at, status)
          values (${id}, ${account}, ${`ORD-PAGE-${i}`}, '云服务器 ECS', '2 核 8 GiB', 1, 100, ${at}::timestamptz, 'paid')`);
        await tx.execute(sql`insert into stamping_requests (id, number, account_id, status, carrier, tracking_number, created_at, updated_at)
          values (${id}, ${`ST2026PAGE${i}`}, ${account}, 'submitted', 'SF', ${`SF00000000000${i}`}, ${at}::timestamptz, ${at}::timestamptz)`);
        await tx.execute(sql`insert into stamping_return_addresses (request_id, recipient, phone, province, city, district, street, postal_code)
          values (${id}, '陈静', '13800138000', '福建省', '福州市', '鼓楼区', '示例路 1 号', '350001')`);
        // The operators' queue: one pending verification per account, each of its own company.
        await tx.execute(sql`insert into accounts (id) values (${id})`);
        await tx.execute(sql`insert into users (email, password_hash, role, account_id) values (${`page${i}@example.com`}, 'x', 'customer', ${id})`);
        await tx.execute(sql`insert into verifications (id, account_id, subject_type, name, credit_code, legal_representative, status, created_at)
          values (${id}, ${id}, 'enterprise', '福州示例云计算有限公司', ${uniqueCreditCode()}, '林晓明', 'pending', ${at}::timestamptz)`);
      }
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('contracts, orders and stamping requests, newest first, each exactly once', async () => {
    const expected = newestFirst.map((r) => r.id);
    expect(await pageThrough(customer, '/api/v1/contracts')).toEqual(expected);
    expect(await pageThrough(customer, '/api/v1/contracts?kind=framework&status=expired')).toEqual(expected);
    expect(await pageThrough(customer, '/api/v1/contracts?q=PAGE')).toEqual(expected);
    expect(await pageThrough(operator, '/api/v1/contracts')).toEqual(expected);
    expect(await pageThrough(customer, '/api/v1/orders')).toEqual(expected);
    expect(await pageThrough(customer, '/api/v1/stamping-requests')).toEqual(expected);
    expect(await pageThrough(operator, '/api/v1/admin/stamping-requests?q=PAGE')).toEqual(expected);
  });

  it("an account's ICP filings by number, each exactly once", async () => {
    const numbers = ['闽ICP备10000003号-2', '闽ICP备10000003号-1', '京ICP备20000001号', '闽ICP备10000001号', '沪ICP备30000001号-1'];
    for (const number of numbers) {
      const body = { siteName: '示例站点', domains: ['example.cn'], entityName: '福州示例云计算有限公司', status: 'active', approvedAt: '2025-01-02T00:00:00Z' };
      expect((await t.push(`${customer.accountId}/icp-filings/${encodeURIComponent(number)}`, body)).statusCode).toBe(201);
    }
    const all = (await t.request(customer, 'GET', '/api/v1/icp-filings')).json();
    expect(all.nextCursor).toBeNull();
    expect(all.items).toHaveLength(numbers.length);
    // The database's collation orders the numbers; pages of one must follow the full list.
    expect(await pageThrough(customer, '/api/v1/icp-filings')).toEqual(all.items.map((f: { id: string }) => f.id));
  });

  it("the operators' pending queue, oldest first, each exactly once", async () => {
    expect(await pageThrough(operator, '/api/v1/admin/verifications?status=pending')).toEqual([...newestFirst].reverse().map((r) => r.id));
  });

  it('answers a crafted cursor with 400 invalid_cursor on every list', async () => {
    const crafted = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const uuid = ids[0]!;
    const cursors = [
      'not-a-cursor',
      '%%%',
      crafted(['0000-01-01T00:00:00Z', '00000000-0000-0000-0000-000000000000']),
      crafted(['-271821-04-20T00:00:00.000Z', uuid]),
      crafted(['+275760-09-13T00:00:00.000Z', uuid]),
      crafted(['2026-01-01T00:00:00Z', 'x']),
      crafted({}),
    ];
    cursors.push(Buffer.from(JSON.stringify(['k', "闽ICP备1号' or 1=1"])).toString('base64url'));
    for (const path of ['/api/v1/contracts', '/api/v1/orders', '/api/v1/stamping-requests', '/api/v1/icp-filings']) {
      for (const cursor of cursors) {
        const res = await t.request(customer, 'GET', `${path}?cursor=${encodeURIComponent(cursor)}`);
        expect([path, cursor, res.statusCode, res.json().code]).toEqual([path, cursor, 400, 'invalid_cursor']);
      }
    }
    for (const path of ['/api/v1/contracts', '/api/v1/admin/stamping-requests', '/api/v1/admin/verifications']) {
      const res = await t.request(operator, 'GET', `${path}?cursor=${crafted(['-271821-04-20T00:00:00.000Z', uuid])}`);
      expect([path, res.statusCode, res.json().code]).toEqual([path, 400, 'invalid_cursor']);
    }
    // The extremes a cursor may name are answered, not refused.
    const latest = await t.request(customer, 'GET', `/api/v1/contracts?cursor=${crafted(['9999-12-31T23:59:59.999999Z', uuid])}`);
    expect(latest.statusCode).toBe(200);
    expect(latest.json().items).toHaveLength(ids.length);
    const earliest = await t.request(customer, 'GET', `/api/v1/contracts?cursor=${crafted(['0001-01-01T00:00:00Z', uuid])}`);
    expect(earliest.json().items).toEqual([]);
  });
});
