import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireContracts } from '../../src/server/contracts/expire-contracts.js';
import { completeReturnedRequests } from '../../src/server/stamping/advance-request.js';
import { companyName, scaleSeedStatements, seedEmail } from '../fixtures/scale-seed.js';
import { type Caller, createTestApp, type TestApp } from '../helpers/app.js';
import { testDatabaseKind } from '../helpers/database.js';

// Enough rows that a sequential scan of these tables is a planner's choice, not a shortcut:
// 22,000 contracts, 10,000 stamping requests and links, 3,000 orders, 1,000 verifications.
const seed = { accounts: 1000, frameworks: 2, attachmentsPerFramework: 10, requests: 10, contractsPerRequest: 1, orders: 3 };
const largeTables = new Set(['contracts', 'stamping_requests', 'stamping_request_contracts', 'stamping_return_addresses', 'orders', 'verifications', 'users']);

type Statement = { query: string; params: unknown[] };
type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Parent Relationship'?: string; Plans?: PlanNode[] };
type RawClient = { query(text: string, params: unknown[]): Promise<{ rows: Record<string, unknown>[] }> };

let t: TestApp;
let log: Statement[] | null = null;
let customer: Caller;
let operator: Caller;

/** The statements the app sent while `run` ran. */
async function statementsOf(run: () => Promise<unknown>): Promise<Statement[]> {
  log = [];
  try {
    await run();
    return log;
  } finally {
    log = null;
  }
}

/** `skipInitPlans`: leave out the first page's count, a subquery PostgreSQL runs once (an InitPlan). */
function seqScans(node: PlanNode, o: { skipInitPlans?: boolean } = {}, found: string[] = []): string[] {
  if (o.skipInitPlans && node['Parent Relationship'] === 'InitPlan') return found;
  if (node['Node Type'] === 'Seq Scan' && node['Relation Name'] && largeTables.has(node['Relation Name'])) found.push(node['Relation Name']);
  for (const child of node.Plans ?? []) seqScans(child, o, found);
  return found;
}

/** Every read or write of `statements` explained as the app sent it, with its parameters. */
async function scansOf(statements: Statement[], o: { skipInitPlans?: boolean } = {}) {
  const client = (t.app.ctx.db as unknown as { $client: RawClient }).$client;
  const explained: { query: string; seqScans: string[] }[] = [];
  for (const s of statements) {
    if (!/^\s*(select|update|delete|with)\b/i.test(s.query)) continue;
    const { rows } = await client.query(`explain (format json) ${s.query}`, s.params);
    const plan = rows[0]!['QUERY PLAN'];
    const root = (typeof plan === 'string' ? JSON.parse(plan) : plan) as { Plan: PlanNode }[];
    explained.push({ query: s.query, seqScans: seqScans(root[0]!.Plan, o) });
  }
  return explained;
}

/** `allowed`: statements that read a whole table by nature (an operator's tally of every request). */
async function expectIndexedOnly(run: () => Promise<unknown>, options: { statements?: number; allowed?: RegExp; countMayScan?: boolean } = {}) {
  const explained = await scansOf(await statementsOf(run), { skipInitPlans: options.countMayScan });
  expect(explained.length).toBeGreaterThanOrEqual(options.statements ?? 1);
  expect(explained.filter((e) => e.seqScans.length > 0 && !options.allowed?.test(e.query))).toEqual([]);
}

const operatorTally = /^select "status", count\(\*\) from "stamping_requests" group by/;

async function getOk(caller: Caller, url: string) {
  const res = await t.request(caller, 'GET', url);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe(`list, search and sweep queries at scale use indexes (${testDatabaseKind})`, () => {
  beforeAll(async () => {
    t = await createTestApp({}, { logQuery: (query, params) => log?.push({ query, params }) });
    await t.app.ctx.db.transaction(async (tx) => {
      for (const statement of scaleSeedStatements(seed)) await tx.execute(sql.raw(statement));
    });
    // A seeded customer who can sign in: every list of theirs runs on the seeded rows.
    const hash = await t.app.ctx.passwords.hash('correct-horse-battery');
    await t.app.ctx.db.execute(sql`update users set password_hash = ${hash} where email = ${seedEmail(7)}`);
    await t.app.ctx.db.execute(sql.raw('vacuum analyze'));
    customer = await t.login(seedEmail(7), 'correct-horse-battery');
    operator = await t.operator();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("a customer's pages, filters and searches", async () => {
    const first = await getOk(customer, '/api/v1/contracts?limit=5');
    expect(first.items).toHaveLength(5);
    // The latest stamping request of each contract, joined into the page.
    const all: { stampingStatus?: string }[] = (await getOk(customer, '/api/v1/contracts?limit=100')).items;
    expect(all).toHaveLength(seed.frameworks * (1 + seed.attachmentsPerFramework));
    expect(all.map((c) => c.stampingStatus).filter(Boolean).sort()).toEqual([...Array(seed.requests - 1).fill('completed'), 'returned']);
    await expectIndexedOnly(() => getOk(customer, '/api/v1/contracts?limit=5'));
    await expectIndexedOnly(() => getOk(customer, `/api/v1/contracts?limit=5&cursor=${first.nextCursor}`));
    await expectIndexedOnly(() => getOk(customer, '/api/v1/contracts?status=effective&kind=framework'));
    await expectIndexedOnly(() => getOk(customer, '/api/v1/contracts?q=A03'));
    // Hidden contracts are a filter on the same index range; including them drops the filter.
    await expectIndexedOnly(() => getOk(customer, '/api/v1/contracts?hidden=include&limit=5'));
    await expectIndexedOnly(() => getOk(customer, '/api/v1/contracts?hidden=include&status=voided'));
    const framework = first.items.find((c: { frameworkId?: string }) => c.frameworkId)?.frameworkId;
    await expectIndexedOnly(() => getOk(customer, `/api/v1/contracts?frameworkId=${framework}&limit=100`));
    const orders = await getOk(customer, '/api/v1/orders?limit=2');
    await expectIndexedOnly(() => getOk(customer, `/api/v1/orders?limit=2&cursor=${orders.nextCursor}`));
    await expectIndexedOnly(() => getOk(customer, '/api/v1/stamping-requests'));
  });

  // PostgreSQL keeps a named statement's generic plan only while the plans for its values cost
  // no less; a customer's later pages must not look cheaper for their cursor or limit, or every
  // page is planned anew (0.4 ms of the database's CPU a request at a million contracts).
  it.skipIf(testDatabaseKind !== 'postgres')("costs a customer's later page the same whatever its cursor and limit", async () => {
    const first = await getOk(customer, '/api/v1/contracts?limit=20');
    const [page] = (await statementsOf(() => getOk(customer, `/api/v1/contracts?limit=20&cursor=${first.nextCursor}`))).filter((s) =>
      /^\s*select\b/i.test(s.query) && s.query.includes('"contracts"'),
    );
    expect(page?.params).toContain(21);
    const client = new pg.Client({ connectionString: t.config.databaseUrl });
    await client.connect();
    const cost = async (mode: 'generic' | 'custom', limit: number) => {
      await client.query(`set plan_cache_mode = force_${mode}_plan`);
      const values = page!.params.map((p) => (p === 21 ? String(limit) : client.escapeLiteral(String(p))));
      const { rows } = await client.query(`explain (format json) execute later_page(${values.join(', ')})`);
      return (rows[0]!['QUERY PLAN'] as { Plan: { 'Total Cost': number } }[])[0]!.Plan['Total Cost'];
    };
    try {
      await client.query(`prepare later_page as ${page!.query}`);
      const generic = await cost('generic', 21);
      // The last two contracts, with the limits the console and API callers ask for.
      for (const limit of [3, 21, 101]) expect(await cost('custom', limit)).toBe(generic);
    } finally {
      await client.end();
    }
  });

  it("an operator's pages, rare filters and searches by part of a company name", async () => {
    const first = await getOk(operator, '/api/v1/contracts?limit=20');
    // The desk's unfiltered total may read the table in order: it stops at the 10,001st row.
    // The page itself still comes from the index.
    await expectIndexedOnly(() => getOk(operator, '/api/v1/contracts?limit=20'), { countMayScan: true });
    await expectIndexedOnly(() => getOk(operator, '/api/v1/contracts?limit=20&from=2026-11-01'));
    await expectIndexedOnly(() => getOk(operator, `/api/v1/contracts?limit=20&cursor=${first.nextCursor}`));
    await expectIndexedOnly(() => getOk(operator, '/api/v1/contracts?kind=framework&status=terminated'));
    await expectIndexedOnly(() => getOk(operator, '/api/v1/contracts?status=voided'));
    await expectIndexedOnly(() => getOk(operator, '/api/v1/contracts?status=voided&hidden=include'));
    // Part of one company's name: its city and brand, without 有限公司.
    const name = companyName(123).slice(0, 6);
    const found = await getOk(operator, `/api/v1/contracts?q=${encodeURIComponent(name)}`);
    expect(found.items.length).toBeGreaterThan(0);
    expect(found.items.every((c: { partyAName: string }) => c.partyAName.includes(name))).toBe(true);
    await expectIndexedOnly(() => getOk(operator, `/api/v1/contracts?q=${encodeURIComponent(name)}`));
    await expectIndexedOnly(() => getOk(operator, '/api/v1/contracts?q=0000123'));
    // A search that finds every contract (more than the count reads) still shows the newest
    // first, exactly as the unfiltered list does, with the count capped.
    const everything = await getOk(operator, '/api/v1/contracts?q=FA&limit=20');
    expect(everything.total).toEqual({ count: 10_000, atLeast: true });
    expect(everything.items.map((c: { id: string }) => c.id)).toEqual(first.items.map((c: { id: string }) => c.id));
    const next = await getOk(operator, `/api/v1/contracts?q=FA&limit=20&cursor=${everything.nextCursor}`);
    const unfilteredNext = await getOk(operator, `/api/v1/contracts?limit=20&cursor=${first.nextCursor}`);
    expect(next.items.map((c: { id: string }) => c.id)).toEqual(unfilteredNext.items.map((c: { id: string }) => c.id));
    // A rare match is counted exactly from the same single read.
    const one = await getOk(operator, `/api/v1/contracts?q=${encodeURIComponent(companyName(123))}`);
    expect(one.total).toEqual({ count: seed.frameworks * (1 + seed.attachmentsPerFramework), atLeast: false });
  });

  it("an operator's stamping and verification queues", async () => {
    await expectIndexedOnly(() => getOk(operator, '/api/v1/admin/stamping-requests?status=submitted&limit=20'), { allowed: operatorTally });
    const bySearch = await getOk(operator, `/api/v1/admin/stamping-requests?q=${encodeURIComponent(companyName(123).slice(0, 6))}&limit=20`);
    expect(bySearch.items.length).toBeGreaterThan(0);
    await expectIndexedOnly(() => getOk(operator, `/api/v1/admin/stamping-requests?q=${encodeURIComponent(companyName(123).slice(0, 6))}&limit=20`));
    await expectIndexedOnly(() => getOk(operator, '/api/v1/admin/stamping-requests?q=SF000000000123'));
    const pending = await getOk(operator, '/api/v1/admin/verifications?status=pending&limit=10');
    await expectIndexedOnly(() => getOk(operator, `/api/v1/admin/verifications?status=pending&limit=10&cursor=${pending.nextCursor}`));
    await expectIndexedOnly(() => getOk(operator, '/api/v1/admin/verifications?status=verified&limit=10'));
  });

  it('the expiry and auto-completion sweeps touch only the rows they change', async () => {
    await expectIndexedOnly(() => expireContracts(t.app.ctx.db), { statements: 2 });
    await expectIndexedOnly(() => completeReturnedRequests(t.app.ctx));
  });
});
