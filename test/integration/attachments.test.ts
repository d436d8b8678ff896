import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { queryRows } from '../../src/server/db/client.js';
import { attachmentItems } from '../../src/server/db/schema/index.js';
import { createTestApp, type Caller, type TestApp } from '../helpers/app.js';
import { testDatabaseKind } from '../helpers/database.js';
import { hasTool, outputOf } from '../helpers/tools.js';

const hasPoppler = hasTool('pdftotext');

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

const order = (i: number, extra: object = {}) => ({
  product: '云服务器 ECS',
  spec: `通用型 g7 · 4 vCPU 16 GiB · 第 ${i} 台`,
  quantity: 1,
  amountFen: 123_450,
  paidAt: '2026-10-01T08:00:00+08:00',
  status: 'paid',
  ...extra,
});
const filing = (entityName: string, extra: object = {}) => ({
  siteName: '示例站点',
  domains: ['example.cn', 'www.example.cn'],
  entityName,
  status: 'active',
  approvedAt: '2025-01-02T00:00:00Z',
  ...extra,
});

async function customerWithFramework() {
  const c = await t.verifiedCustomer();
  const framework = (await t.request(c, 'POST', '/api/v1/contracts/framework', { termYears: 1, copies: 2, accept: true })).json().contract;
  return { c, framework };
}

async function seedOrders(c: Caller, count: number, prefix: string) {
  for (let i = 0; i < count; i++) expect((await t.push(`${c.accountId}/orders/${prefix}${i}`, order(i))).statusCode).toBe(201);
  return (await t.request(c, 'GET', '/api/v1/orders?limit=500')).json().items as { id: string; orderNo: string; selectable: boolean; reason?: string; coveredBy?: { number: string } }[];
}

describe('integration API', () => {
  it('creates, updates idempotently, and refuses without the token or for an unknown account', async () => {
    const c = await t.verifiedCustomer();
    const url = `${c.accountId}/orders/ORD-001`;
    expect((await t.push(url, order(1))).statusCode).toBe(201);
    expect((await t.push(url, order(1))).statusCode).toBe(200);
    const events = await queryRows<{ n: number }>(t.app.ctx.db, sql`select count(*)::int as n from audit_events where chain_key = ${c.accountId} and action like 'integration.%'`);
    expect(events[0]!.n).toBe(1);
    expect((await t.push(url, order(1, { status: 'refunded' }))).statusCode).toBe(200);
    expect((await t.push(url, order(1), 'wrong-token')).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'PUT', url: `/api/v1/integration/accounts/${url}`, payload: order(1) })).json().code).toBe('invalid_token');
    expect((await t.push(`00000000-0000-4000-8000-000000000000/orders/X1`, order(1))).statusCode).toBe(404);
    expect((await t.push(url, order(1, { amountFen: 1.5 }))).statusCode).toBe(400);
    expect((await t.push(url, order(1, { amountFen: -1 }))).statusCode).toBe(400);
    expect((await t.push(url, order(1, { paidAt: 'yesterday' }))).statusCode).toBe(400);
    const orders = (await t.request(c, 'GET', '/api/v1/orders')).json().items;
    expect(orders).toEqual([expect.objectContaining({ orderNo: 'ORD-001', status: 'refunded', selectable: false, reason: 'refunded' })]);
  });

  it('takes URL-encoded Chinese filing numbers and refuses malformed ones', async () => {
    const c = await t.verifiedCustomer();
    const number = encodeURIComponent('闽ICP备12345678号-1');
    expect((await t.push(`${c.accountId}/icp-filings/${number}`, filing('福州示例云计算有限公司'))).statusCode).toBe(201);
    expect((await t.push(`${c.accountId}/icp-filings/${encodeURIComponent('ICP12345678')}`, filing('x'))).statusCode).toBe(400);
    expect((await t.push(`${c.accountId}/icp-filings/${encodeURIComponent('京ICP备87654321号')}`, filing('别家公司'))).statusCode).toBe(201);
    const items = (await t.request(c, 'GET', '/api/v1/icp-filings')).json().items;
    expect(items).toEqual([
      expect.objectContaining({ filingNumber: '京ICP备87654321号', selectable: false, reason: 'entity_mismatch' }),
      expect.objectContaining({ filingNumber: '闽ICP备12345678号-1', selectable: true, domains: ['example.cn', 'www.example.cn'] }),
    ]);
  });
});

describe('attachments', () => {
  it('generates consecutive signed attachments, makes their items unavailable, and frees them on void', async () => {
    const { c, framework } = await customerWithFramework();
    const orders = await seedOrders(c, 4, 'A');
    const ids = orders.map((o) => o.id);
    const first = await t.request(c, 'POST', `/api/v1/contracts/${framework.id}/attachments`, { kind: 'order_attachment', itemIds: ids.slice(0, 2), accept: true });
    expect(first.statusCode).toBe(201);
    expect(first.json().contract).toMatchObject({ number: `${framework.number}-A01`, kind: 'order_attachment', frameworkId: framework.id, status: 'effective', copies: 2 });
    expect(first.json().contract.expiresAt).toBe(framework.expiresAt);

    const covered = await t.request(c, 'POST', `/api/v1/contracts/${framework.id}/attachments`, { kind: 'order_attachment', itemIds: [ids[1], ids[2]], accept: true });
    expect(covered.statusCode).toBe(409);
    expect(covered.json().code).toBe('item_already_covered');

    const second = await t.request(c, 'POST', `/api/v1/contracts/${framework.id}/attachments`, { kind: 'order_attachment', itemIds: [ids[2]], accept: true });
    expect(second.json().contract.number).toBe(`${framework.number}-A02`);

    const listed = (await t.request(c, 'GET', '/api/v1/orders?limit=500')).json().items;
    const byId = new Map(listed.map((o: { id: string }) => [o.id, o]));
    expect(byId.get(ids[0]!)).toMatchObject({ selectable: false, reason: 'already_covered', coveredBy: { number: `${framework.number}-A01` } });
    expect(byId.get(ids[3]!)).toMatchObject({ selectable: true });

    const detail = (await t.request(c, 'GET', `/api/v1/contracts/${first.json().contract.id}`)).json().contract;
    expect(detail.items.map((i: { orderNo: string }) => i.orderNo)).toEqual([orders[0]!.orderNo, orders[1]!.orderNo]);

    const voided = await t.request(c, 'POST', `/api/v1/contracts/${first.json().contract.id}/void`, { reason: '更换订单重新出具' });
    expect(voided.json().contract.status).toBe('voided');
    const again = (await t.request(c, 'GET', '/api/v1/orders?limit=500')).json().items.find((o: { id: string }) => o.id === ids[0]);
    expect(again).toMatchObject({ selectable: true });
    expect(again.coveredBy).toBeUndefined();
    const third = await t.request(c, 'POST', `/api/v1/contracts/${framework.id}/attachments`, { kind: 'order_attachment', itemIds: [ids[0]], accept: true });
    expect(third.json().contract.number).toBe(`${framework.number}-A03`);

    // Keyset pages over the four contracts: newest first, no overlap, nothing lost.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { number: string }[]; nextCursor: string | null } = (
        await t.request(c, 'GET', `/api/v1/contracts?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      seen.push(...page.items.map((x: { number: string }) => x.number));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([`${framework.number}-A03`, `${framework.number}-A02`, `${framework.number}-A01`, framework.number]);
    expect((await t.request(c, 'GET', `/api/v1/contracts?frameworkId=${framework.id}&status=effective`)).json().items).toHaveLength(2);
    expect((await t.request(c, 'GET', '/api/v1/contracts?cursor=not-a-cursor')).json().code).toBe('invalid_cursor');
    const firstOrders = (await t.request(c, 'GET', '/api/v1/orders?limit=2')).json();
    const nextOrders = (await t.request(c, 'GET', `/api/v1/orders?limit=2&cursor=${firstOrders.nextCursor}`)).json();
    expect([...firstOrders.items, ...nextOrders.items].map((o: { id: string }) => o.id).sort()).toEqual([...ids].sort());
  });

  it('refuses what the rules refuse and uses up no number doing so', async () => {
    const { c, framework } = await customerWithFramework();
    const orders = await seedOrders(c, 3, 'B');
    await t.push(`${c.accountId}/orders/${orders[0]!.orderNo}`, order(0, { status: 'refunded' }));
    const post = (body: object, id = framework.id, who = c) => t.request(who, 'POST', `/api/v1/contracts/${id}/attachments`, body);

    const refunded = await post({ kind: 'order_attachment', itemIds: [orders[0]!.id], accept: true });
    expect(refunded.statusCode).toBe(422);
    expect(refunded.json().code).toBe('item_not_selectable');
    expect((await post({ kind: 'order_attachment', itemIds: [], accept: true })).statusCode).toBe(400);
    const tooMany = Array.from({ length: 5001 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    expect((await post({ kind: 'order_attachment', itemIds: tooMany, accept: true })).json().code).toBe('too_many_items');
    expect((await post({ kind: 'order_attachment', itemIds: [orders[1]!.id, orders[1]!.id], accept: true })).statusCode).toBe(400);
    expect((await post({ kind: 'order_attachment', itemIds: [orders[1]!.id], accept: false })).json().code).toBe('acceptance_required');

    const stranger = await customerWithFramework();
    const strangerOrders = await seedOrders(stranger.c, 1, 'S');
    expect((await post({ kind: 'order_attachment', itemIds: [strangerOrders[0]!.id], accept: true })).statusCode).toBe(404);
    expect((await post({ kind: 'order_attachment', itemIds: [orders[1]!.id], accept: true }, stranger.framework.id)).statusCode).toBe(404);

    const op = await t.operator();
    await t.request(op, 'POST', `/api/v1/admin/contracts/${stranger.framework.id}/terminate`, { reason: '测试终止' });
    const ended = await post({ kind: 'order_attachment', itemIds: [strangerOrders[0]!.id], accept: true }, stranger.framework.id, stranger.c);
    expect(ended.statusCode).toBe(409);
    expect(ended.json().code).toBe('framework_not_effective');

    const ok = await post({ kind: 'order_attachment', itemIds: [orders[1]!.id], accept: true });
    expect(ok.json().contract.number).toBe(`${framework.number}-A01`);
  });

  it('voiding the framework agreement voids its attachments and frees their items', async () => {
    const { c, framework } = await customerWithFramework();
    const orders = await seedOrders(c, 1, 'V');
    const att = (await t.request(c, 'POST', `/api/v1/contracts/${framework.id}/attachments`, { kind: 'order_attachment', itemIds: [orders[0]!.id], accept: true })).json().contract;
    await t.request(c, 'POST', `/api/v1/contracts/${framework.id}/void`, { reason: '整体重签' });
    expect((await t.request(c, 'GET', `/api/v1/contracts/${att.id}`)).json().contract.status).toBe('voided');
    const rows = await t.app.ctx.db.select().from(attachmentItems).where(eq(attachmentItems.contractId, att.id));
    expect(rows.every((r) => !r.inForce)).toBe(true);
  });

  it.skipIf(!hasPoppler)('prints the items, the total in capitals and both signatures in the attachment PDF', async () => {
    const { c, framework } = await customerWithFramework();
    const orders = await seedOrders(c, 3, 'P');
    const att = (await t.request(c, 'POST', `/api/v1/contracts/${framework.id}/attachments`, { kind: 'order_attachment', itemIds: orders.map((o) => o.id), accept: true })).json().contract;
    const pdf = (await t.request(c, 'GET', `/api/v1/contracts/${att.id}/pdf`)).rawPayload;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qiyue-att-')), 'a.pdf');
    fs.writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain(att.number);
    expect(text).toContain(framework.number);
    for (const o of orders) expect(text).toContain(o.orderNo);
    expect(text).toContain('3,703.50');
    expect(text).toContain('叁仟柒佰零叁元伍角整');
    const sig = outputOf('pdfsig', [file]);
    expect(sig.match(/Signature is Valid/g)).toHaveLength(2);
    const verify = await t.app.inject({ method: 'POST', url: '/api/v1/verify', headers: { 'content-type': 'application/pdf' }, payload: pdf });
    expect(verify.json()).toMatchObject({ authentic: true, contract: { number: att.number, kind: 'order_attachment' } });
  });

  it.runIf(testDatabaseKind === 'postgres')('lets exactly one of 50 simultaneous requests on two instances cover an order', async () => {
    const { c, framework } = await customerWithFramework();
    const orders = await seedOrders(c, 51, 'C');
    const shared = orders[0]!.id;
    const second = await buildApp({ ...t.config, operator: undefined });
    try {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => {
          const app = i % 2 === 0 ? t.app : second;
          return app.inject({
            method: 'POST',
            url: `/api/v1/contracts/${framework.id}/attachments`,
            headers: { cookie: c.cookie, 'x-csrf-token': c.csrfToken },
            payload: { kind: 'order_attachment', itemIds: [shared, orders[i + 1]!.id], accept: true },
          });
        }),
      );
      const codes = results.map((r) => r.statusCode);
      expect(codes.filter((s) => s === 201)).toHaveLength(1);
      expect(codes.filter((s) => s === 409)).toHaveLength(49);
      expect(results.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'item_already_covered')).toBe(true);
      const rows = await t.app.ctx.db.select().from(attachmentItems).where(eq(attachmentItems.itemId, shared));
      expect(rows).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});
