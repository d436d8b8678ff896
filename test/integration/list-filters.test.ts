import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, createTestApp, type TestApp } from '../helpers/app.js';
import { testDatabaseKind } from '../helpers/database.js';

let t: TestApp;
let log: string[] | null = null;
let customer: Caller;
let operator: Caller;

// Both sides of China's midnight (UTC+8) at each end of November 2026.
const rows = [
  { number: 'FA2026RANGE1', at: '2026-10-31T15:59:59.999Z' }, // 10-31 23:59:59 in Beijing
  { number: 'FA2026RANGE2', at: '2026-10-31T16:00:00.000Z' }, // 11-01 00:00:00
  { number: 'FA2026RANGE3', at: '2026-11-15T04:00:00.000Z' },
  { number: 'FA2026RANGE4', at: '2026-11-30T15:59:59.999Z' }, // 11-30 23:59:59
  { number: 'FA2026RANGE5', at: '2026-11-30T16:00:00.000Z' }, // 12-01 00:00:00
];

type Page = { items: { number: string }[]; nextCursor: string | null; total?: { count: number; atLeast: boolean } };

describe(`contract lists by signing day, with their total (${testDatabaseKind})`, () => {
  beforeAll(async () => {
    t = await createTestApp({}, { logQuery: (query) => log?.push(query) });
    customer = await t.register();
    operator = await t.operator();
    for (const r of rows) {
      await t.app.ctx.db.execute(sql`insert into contracts (account_id, number, kind, status, copies, term_years, effective_at, expires_at,
          party_a, party_b, template_version, sha256, signatures, created_at)
        values (${customer.accountId}, ${r.number}, 'framework', 'expired', 2, 1, ${r.at}::timestamptz, ${r.at}::timestamptz + interval '1 year',
          '{"name":"福州示例云计算有限公司"}'::jsonb, '{"name":"乙方"}'::jsonb, 'framework-agreement-v1', repeat('a', 64), '[]'::jsonb, ${r.at}::timestamptz)`);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The statements the app sent while `run` ran, into `into`. */
  const withStatements = async <T>(into: string[], run: () => Promise<T>): Promise<T> => {
    log = into;
    try {
      return await run();
    } finally {
      log = null;
    }
  };

  const list = async (caller: Caller, query: string) => {
    const res = await t.request(caller, 'GET', `/api/v1/contracts?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Page;
  };

  it('a range of days is whole days in China time, at both ends', async () => {
    const november = await list(customer, 'from=2026-11-01&to=2026-11-30');
    expect(november.items.map((i) => i.number)).toEqual(['FA2026RANGE4', 'FA2026RANGE3', 'FA2026RANGE2']);
    expect(november.total).toEqual({ count: 3, atLeast: false });
    expect((await list(customer, 'from=2026-12-01')).items.map((i) => i.number)).toEqual(['FA2026RANGE5']);
    expect((await list(customer, 'to=2026-10-31')).items.map((i) => i.number)).toEqual(['FA2026RANGE1']);
    expect((await list(customer, 'from=2026-11-15&to=2026-11-15')).items.map((i) => i.number)).toEqual(['FA2026RANGE3']);
  });

  it('the first page says how many match; later pages leave it out', async () => {
    const first = await list(customer, 'limit=2');
    expect(first.total).toEqual({ count: 5, atLeast: false });
    expect(first.items).toHaveLength(2);
    const second = await list(customer, `limit=2&cursor=${first.nextCursor}`);
    expect(second.total).toBeUndefined();
    expect((await list(customer, 'limit=2&q=RANGE4')).total).toEqual({ count: 1, atLeast: false });
    expect((await list(customer, 'from=2027-01-01')).total).toEqual({ count: 0, atLeast: false });
  });

  it('a search ignores case where the text has any, and finds Chinese and digits as typed', async () => {
    const numbers = async (caller: Caller, q: string) => (await list(caller, `q=${encodeURIComponent(q)}`)).items.map((i) => i.number);
    for (const caller of [customer, operator]) {
      expect(await numbers(caller, 'range4')).toEqual(['FA2026RANGE4']);
      expect(await numbers(caller, 'fa2026Range')).toHaveLength(5);
      expect(await numbers(caller, '示例云')).toHaveLength(5);
      expect(await numbers(caller, '2026')).toHaveLength(5);
      expect(await numbers(caller, '示例云x')).toEqual([]);
    }
  });

  it('refuses days that are not days, and a range that ends before it starts', async () => {
    for (const query of ['from=2026-02-30', 'to=2026-13-01', 'from=20261101', 'from=2026-11-02&to=2026-11-01', 'from=0000-01-01']) {
      const res = await t.request(customer, 'GET', `/api/v1/contracts?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().code).toBe('validation_failed');
    }
  });

  it('counts a desk list of more than 10,000 as "more than 10,000" without counting them all', async () => {
    await t.app.ctx.db.execute(sql`insert into contracts (account_id, number, kind, status, copies, term_years, effective_at, expires_at,
        party_a, party_b, template_version, sha256, signatures, created_at)
      select ${customer.accountId}, 'FA2025BULK' || lpad(n::text, 5, '0'), 'framework', 'expired', 2, 1, now() - interval '2 years', now() - interval '1 year',
        '{"name":"福州示例云计算有限公司"}'::jsonb, '{"name":"乙方"}'::jsonb, 'framework-agreement-v1', repeat('a', 64), '[]'::jsonb, timestamptz '2025-03-01T00:00:00Z' + n * interval '1 second'
      from generate_series(1, 10001) n`);
    const first = await list(operator, 'limit=20');
    expect(first.total).toEqual({ count: 10_000, atLeast: true });
    // Asked again within the minute, it is not counted again (the statement has no count), and
    // the page is the same newest twenty.
    const statements: string[] = [];
    const again = await withStatements(statements, () => list(operator, 'limit=20'));
    expect(again.total).toEqual({ count: 10_000, atLeast: true });
    expect(again.items.map((c) => c.number)).toEqual(first.items.map((c) => c.number));
    expect(statements.filter((q) => /from "contracts"/.test(q))).toHaveLength(1);
    expect(statements.some((q) => /count\(\*\)/.test(q))).toBe(false);
    // A range narrows it back to an exact count.
    expect((await list(operator, 'from=2026-11-01')).total).toEqual({ count: 4, atLeast: false });
  });
});
