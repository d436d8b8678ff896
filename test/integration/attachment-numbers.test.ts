import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { queryRows } from '../../src/server/db/client.js';
import { driveSigning, requesterFor } from '../helpers/signing.js';
import { createTestApp, type Caller, type TestApp } from '../helpers/app.js';
import { testDatabaseKind } from '../helpers/database.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

const order = (i: number) => ({
  product: '云服务器 ECS',
  spec: `通用型 g7 · 第 ${i} 台`,
  quantity: 1,
  amountFen: 10_000 + i,
  paidAt: '2026-10-01T08:00:00+08:00',
  status: 'paid',
});

async function customerWithOrders(count: number, prefix: string) {
  const c = await t.verifiedCustomer();
  const framework = (await t.signFramework(c, { termYears: 1, copies: 2 })).json().contract;
  for (let i = 0; i < count; i++) expect((await t.push(`${c.accountId}/orders/${prefix}${i}`, order(i))).statusCode).toBe(201);
  const orders = (await t.request(c, 'GET', '/api/v1/orders?limit=500')).json().items as { id: string }[];
  return { c, framework, orders };
}

// Simultaneous attachments of one framework: platform-held keys, which hold no number meanwhile.
const attach = (app: TestApp['app'], c: Caller, frameworkId: string, itemIds: string[]) =>
  driveSigning(app, requesterFor(app), c, { kind: 'order_attachment', frameworkId, itemIds }, { custody: 'platform' });

describe('attachment numbers', () => {
  it('gives 20 simultaneous attachments with disjoint orders consecutive numbers, on two instances where PostgreSQL allows', async () => {
    const { c, framework, orders } = await customerWithOrders(20, 'D');
    const second = testDatabaseKind === 'postgres' ? await buildApp({ ...t.config, operator: undefined }) : t.app;
    try {
      const results = await Promise.all(orders.map((o, i) => attach(i % 2 ? second : t.app, c, framework.id, [o.id])));
      expect(results.map((r) => r.statusCode), results.find((r) => r.statusCode !== 201)?.body).toEqual(Array(20).fill(201));
      const numbers = results.map((r) => r.json().contract.number as string).sort();
      expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => `${framework.number}-A${String(i + 1).padStart(2, '0')}`));
    } finally {
      if (second !== t.app) await second.close();
    }
  });

  it('numbers the 100th attachment of a framework A100', async () => {
    const { c, framework, orders } = await customerWithOrders(1, 'H');
    // 98 attachments already there (copies of a real one), as years of orders would leave.
    const first = (await attach(t.app, c, framework.id, [orders[0]!.id])).json().contract;
    await t.request(c, 'POST', `/api/v1/contracts/${first.id}/void`, { reason: '重新签署' });
    await t.app.ctx.db.execute(sql`
      insert into contracts (account_id, number, kind, framework_id, attachment_seq, status, copies, effective_at, expires_at,
                             party_a, party_b, template_version, sha256, signatures, status_reason)
      select account_id, ${framework.number} || '-A' || lpad(g::text, 2, '0'), kind, framework_id, g, status, copies, effective_at,
             expires_at, party_a, party_b, template_version, sha256, signatures, status_reason
      from contracts, generate_series(2, 99) as g where id = ${first.id}`);
    const hundredth = await attach(t.app, c, framework.id, [orders[0]!.id]);
    expect(hundredth.statusCode, hundredth.body).toBe(201);
    expect(hundredth.json().contract.number).toBe(`${framework.number}-A100`);
  });
});

describe.runIf(testDatabaseKind === 'postgres')('attachment_items_one_in_force', () => {
  it('refuses a second attachment in force for one item between two open transactions', async () => {
    const { c, framework, orders } = await customerWithOrders(1, 'X');
    const att = (await attach(t.app, c, framework.id, [orders[0]!.id])).json().contract;
    const [{ id: otherContract } = { id: '' }] = await queryRows<{ id: string }>(
      t.app.ctx.db,
      sql`insert into contracts (account_id, number, kind, framework_id, attachment_seq, status, copies, effective_at, expires_at,
                                 party_a, party_b, template_version, sha256, signatures)
          select account_id, number || 'X', kind, framework_id, 50, status, copies, effective_at, expires_at, party_a, party_b,
                 template_version, sha256, signatures from contracts where id = ${att.id} returning id`,
    );
    await t.app.ctx.db.execute(sql`update attachment_items set in_force = false where contract_id = ${att.id}`);

    const connect = async () => {
      const client = new pg.Client({ connectionString: t.config.databaseUrl });
      await client.connect();
      await client.query('begin');
      return client;
    };
    const a = await connect();
    const b = await connect();
    try {
      const insert = (client: pg.Client, contractId: string) =>
        client.query(
          `insert into attachment_items (contract_id, item_kind, item_id, position, snapshot) values ($1, 'order', $2, 7, '{}')`,
          [contractId, orders[0]!.id],
        );
      await insert(a, att.id);
      // The second waits for the first's outcome on the partial unique index...
      const second = insert(b, otherContract).then(
        () => null,
        (error: { code?: string; constraint?: string }) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      await a.query('commit');
      // ...and fails on it once the first commits, although neither could see the other's row.
      const error = await second;
      expect(error?.code).toBe('23505');
      expect(error?.constraint).toBe('attachment_items_one_in_force');
    } finally {
      await b.query('rollback').catch(() => {});
      await a.end();
      await b.end();
    }
  });
});
