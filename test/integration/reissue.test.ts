import { and, eq, inArray, like, or, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateScheduled } from '../../src/server/contracts/expire-contracts.js';
import { attachmentItems, auditEvents, contracts, outbox } from '../../src/server/db/schema/index.js';
import { type Caller, createTestApp, type TestApp } from '../helpers/app.js';

// 续签 → 重新签发: the attachments of a framework near its end are signed again under its
// scheduled successor, and take force when it does — never two in force for one item.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

const day = 86_400_000;
const order = (i: number) => ({
  product: '云服务器 ECS',
  spec: `通用型 g7 · 第 ${i} 台`,
  quantity: 1,
  amountFen: 100_000 + i,
  paidAt: '2026-10-01T08:00:00+08:00',
  status: 'paid',
});
type Listed = { id: string; orderNo: string; selectable: boolean; reason?: string; coveredBy?: { number: string } };

/** Moves a framework agreement's term, and its attachments' (they end with it), as a moved clock would. */
const moveTerm = (frameworkId: string, set: { effectiveAt?: Date; expiresAt: Date }) =>
  t.app.ctx.db
    .update(contracts)
    .set(set)
    .where(or(eq(contracts.id, frameworkId), eq(contracts.frameworkId, frameworkId)));

describe('re-issuing attachments under a renewal', () => {
  let c: Caller;
  let oldId: string;
  let successor: { id: string; number: string; effectiveAt: string; expiresAt: string };
  let firstAttachment: { id: string; number: string };
  let reissued: { id: string; number: string };
  const ids: Record<string, string> = {};
  const listed = async (frameworkId?: string) => {
    const res = await t.request(c, 'GET', `/api/v1/orders?limit=50${frameworkId ? `&frameworkId=${frameworkId}` : ''}`);
    expect(res.statusCode).toBe(200);
    return Object.fromEntries((res.json().items as Listed[]).map((o) => [o.orderNo, o]));
  };

  beforeAll(async () => {
    c = await t.verifiedCustomer();
    for (const n of [1, 2, 3]) expect((await t.push(`${c.accountId}/orders/R-${n}`, order(n))).statusCode).toBe(201);
    for (const o of Object.values(await listed())) ids[o.orderNo] = o.id;
    oldId = (await t.signFramework(c, { termYears: 1, copies: 2 })).json().contract.id;
    const a = await t.signAttachment(c, oldId, { kind: 'order_attachment', itemIds: [ids['R-1'], ids['R-2']] });
    expect(a.statusCode).toBe(201);
    firstAttachment = a.json().contract;
    // Thirty days before the end: the renewal window (60 days) is open.
    await moveTerm(oldId, { effectiveAt: new Date(Date.now() - 335 * day), expiresAt: new Date(Date.now() + 30 * day) });
    const r = await t.signRenewal(c, oldId, { termYears: 1, copies: 2 });
    expect(r.statusCode).toBe(201);
    successor = r.json().contract;
  });

  it('names the successor on the old agreement and lists what can be re-issued under it', async () => {
    const old = (await t.request(c, 'GET', `/api/v1/contracts/${oldId}`)).json().contract;
    expect(old.renewedBy).toEqual({ id: successor.id, number: successor.number, status: 'scheduled' });
    const usual = await listed();
    expect(usual['R-1']).toMatchObject({ selectable: false, reason: 'already_covered', coveredBy: { number: firstAttachment.number } });
    const under = await listed(successor.id);
    expect(under['R-1']).toMatchObject({ selectable: true });
    expect(under['R-2']).toMatchObject({ selectable: true });
    // In no attachment of the old agreement: applied for under the agreement in force, as usual.
    expect(under['R-3']).toMatchObject({ selectable: false, reason: 'not_reissuable' });
    expect(usual['R-3']).toMatchObject({ selectable: true });
  });

  it('re-issues the same items under the successor, starting and ending with it', async () => {
    const res = await t.signAttachment(c, successor.id, { kind: 'order_attachment', itemIds: [ids['R-1'], ids['R-2']] });
    expect(res.statusCode).toBe(201);
    const contract = res.json().contract;
    reissued = contract;
    expect(contract).toMatchObject({
      number: `${successor.number}-A01`,
      kind: 'order_attachment',
      status: 'scheduled',
      frameworkId: successor.id,
      effectiveAt: successor.effectiveAt,
      expiresAt: successor.expiresAt,
    });
    const [mail] = await t.app.ctx.db.select({ body: outbox.body }).from(outbox).where(and(eq(outbox.accountId, c.accountId!), like(outbox.subject, `%${contract.number}%`)));
    expect(mail!.body).toMatch(/已生成，将于 \d{4}-\d{2}-\d{2} 生效/);
    const detail = (await t.request(c, 'GET', `/api/v1/contracts/${contract.id}`)).json().contract;
    expect(detail.items.map((i: { orderNo: string }) => i.orderNo)).toEqual(['R-1', 'R-2']);
    // The old attachment still holds its items until the end; the re-issue waits.
    const usual = await listed();
    expect(usual['R-1']?.coveredBy?.number).toBe(firstAttachment.number);
    expect((await listed(successor.id))['R-1']).toMatchObject({ selectable: false, reason: 'already_covered', coveredBy: { number: contract.number } });
  });

  it('refuses a second re-issue of the same items, and items the old agreement does not hold', async () => {
    const again = await t.signAttachment(c, successor.id, { kind: 'order_attachment', itemIds: [ids['R-2']] });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'item_already_covered', errors: [{ path: `itemIds.${ids['R-2']}`, message: `already in attachment ${reissued.number}` }] });
    const stranger = await t.signAttachment(c, successor.id, { kind: 'order_attachment', itemIds: [ids['R-3']] });
    expect(stranger.statusCode).toBe(422);
    expect(stranger.json()).toMatchObject({ code: 'item_not_selectable', errors: [{ path: `itemIds.${ids['R-3']}`, message: 'not_reissuable' }] });
    // The database holds the rule as well: one scheduled attachment per item.
    const error = await t.app.ctx.db
      .insert(attachmentItems)
      .values({ contractId: firstAttachment.id, itemKind: 'order', itemId: ids['R-1']!, position: 99, snapshot: {}, inForce: false, scheduled: true })
      .then(
        () => null,
        (e: { cause?: { constraint?: string }; constraint?: string }) => e.cause?.constraint ?? e.constraint ?? String(e),
      );
    expect(error).toBe('attachment_items_one_scheduled');
    // Under the agreement in force the usual rules: R-3 goes in, R-1 is covered.
    expect((await t.signAttachment(c, oldId, { kind: 'order_attachment', itemIds: [ids['R-3']] })).statusCode).toBe(201);
    expect((await t.signAttachment(c, oldId, { kind: 'order_attachment', itemIds: [ids['R-1']] })).json().code).toBe('item_already_covered');
  });

  it('frees the items of a re-issue voided before it starts, for another re-issue', async () => {
    const voided = await t.request(c, 'POST', `/api/v1/contracts/${reissued.id}/void`, { reason: '重新签发的订单有误' });
    expect(voided.json().contract).toMatchObject({ status: 'voided' });
    expect((await listed(successor.id))['R-1']).toMatchObject({ selectable: true });
    const again = await t.signAttachment(c, successor.id, { kind: 'order_attachment', itemIds: [ids['R-1'], ids['R-2']] });
    expect(again.json().contract).toMatchObject({ number: `${successor.number}-A02`, status: 'scheduled' });
    reissued = again.json().contract;
  });

  it('takes force with the successor: the old attachments expire, the re-issued items pass to it', async () => {
    const end = new Date(Date.now() - 60_000);
    await moveTerm(oldId, { effectiveAt: new Date(Date.now() - 2 * day), expiresAt: end });
    await t.app.ctx.db.update(contracts).set({ effectiveAt: end }).where(or(eq(contracts.id, successor.id), eq(contracts.frameworkId, successor.id)));
    // Past its start the successor takes attachments, also before the task has run.
    const kinds = (await t.request(c, 'GET', '/api/v1/contracts/eligibility')).json().kinds as { kind: string; allowed: boolean }[];
    expect(kinds.find((k) => k.kind === 'order_attachment')).toMatchObject({ allowed: true });
    expect(await activateScheduled(t.app.ctx.db)).toBe(2);
    const rows = await t.app.ctx.db.select().from(contracts).where(eq(contracts.accountId, c.accountId!));
    const status = Object.fromEntries(rows.map((r) => [r.number, r.status]));
    expect(status[successor.number]).toBe('effective');
    expect(status[reissued.number]).toBe('effective');
    expect(status[firstAttachment.number]).toBe('expired');
    const inForce = await t.app.ctx.db
      .select({ itemId: attachmentItems.itemId, contractId: attachmentItems.contractId })
      .from(attachmentItems)
      .where(sql`${inArray(attachmentItems.itemId, Object.values(ids))} and (${attachmentItems.inForce} or ${attachmentItems.scheduled})`);
    expect(inForce.map((r) => r.contractId)).toEqual([reissued.id, reissued.id]);
    const usual = await listed();
    expect(usual['R-1']?.coveredBy?.number).toBe(reissued.number);
    // R-3's attachment ended with the old agreement: free for the new one.
    expect(usual['R-3']).toMatchObject({ selectable: true });
    const events = await t.app.ctx.db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.subjectId, reissued.id));
    expect(events.map((e) => e.action)).toContain('contract.activated');
  });
});
