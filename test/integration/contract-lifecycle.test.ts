import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateScheduled, expireContracts } from '../../src/server/contracts/expire-contracts.js';
import { sendExpiryReminders } from '../../src/server/contracts/send-expiry-reminders.js';
import { auditEvents, contractReminders, contracts, outbox } from '../../src/server/db/schema/index.js';
import { type Caller, consent, createTestApp, type TestApp, uniqueIdNumber } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ dailyContractLimit: 3 });
});
afterAll(() => t?.close());

const day = 86_400_000;
const apply = (c: Caller) => t.signFramework(c, { termYears: 1, copies: 2 });
const eligibility = async (c: Caller) => {
  const res = await t.request(c, 'GET', '/api/v1/contracts/eligibility');
  expect(res.statusCode).toBe(200);
  return Object.fromEntries(res.json().kinds.map((k: { kind: string; allowed: boolean; reasons: string[] }) => [k.kind, k]));
};
/** Moves a contract's term so that it ends `days` from now (the clock moved, not the code). */
const endsIn = (id: string, days: number) =>
  t.app.ctx.db
    .update(contracts)
    .set({ effectiveAt: new Date(Date.now() + days * day - 365 * day), expiresAt: new Date(Date.now() + days * day) })
    .where(eq(contracts.id, id));
const actions = async (id: string) =>
  (await t.app.ctx.db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.subjectId, id))).map((e) => e.action);

describe('rules before applying', () => {
  it('gives every reason why not, for each kind', async () => {
    const unverified = await t.register();
    const u = await eligibility(unverified);
    expect(u.framework).toMatchObject({ allowed: false, reasons: ['verification_required'] });
    expect(u.order_attachment.reasons).toEqual(['verification_required', 'framework_not_effective']);
    expect(u.renewal.allowed).toBe(false);

    const incomplete = await t.register();
    await t.request(incomplete, 'POST', '/api/v1/verification', { subjectType: 'personal', name: '张三', idNumber: uniqueIdNumber(), consent });
    expect((await eligibility(incomplete)).framework.reasons).toEqual(['party_a_incomplete']);

    const c = await t.verifiedCustomer();
    const before = await eligibility(c);
    expect(before.framework).toMatchObject({ allowed: true, reasons: [] });
    expect(before.icp_attachment.reasons).toEqual(['framework_not_effective']);
    expect(before.renewal.reasons).toEqual(['framework_not_effective']);
    expect((await apply(c)).statusCode).toBe(201);
    const after = await eligibility(c);
    expect(after.framework.reasons).toEqual(['framework_exists']);
    expect(after.order_attachment).toMatchObject({ allowed: true, reasons: [] });
    expect(after.renewal.reasons).toEqual(['renewal_not_open']);
  });
});

describe('renewal', () => {
  let c: Caller;
  let oldId: string;
  let newId: string;
  beforeAll(async () => {
    c = await t.verifiedCustomer();
    oldId = (await apply(c)).json().contract.id;
  });

  it('opens 60 days before the end, not earlier', async () => {
    await endsIn(oldId, 61);
    const early = await t.signRenewal(c, oldId, { termYears: 2, copies: 3 });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('renewal_not_open');
    await endsIn(oldId, 59);
    expect((await eligibility(c)).renewal).toMatchObject({ allowed: true, reasons: [] });
  });

  it('schedules the successor to start when the old one ends; the one-in-force rule counts it', async () => {
    const res = await t.signRenewal(c, oldId, { termYears: 2, copies: 3 });
    expect(res.statusCode).toBe(201);
    const successor = res.json().contract;
    newId = successor.id;
    const [old] = await t.app.ctx.db.select().from(contracts).where(eq(contracts.id, oldId));
    expect(successor).toMatchObject({ kind: 'framework', status: 'scheduled', renewsId: oldId, termYears: 2, copies: 3 });
    expect(successor.effectiveAt).toBe(old!.expiresAt.toISOString());
    expect(new Date(successor.expiresAt).getUTCFullYear() - old!.expiresAt.getUTCFullYear()).toBe(2);

    const again = await t.signRenewal(c, oldId, { termYears: 1, copies: 2 });
    expect(again.json().code).toBe('renewal_exists');
    const fresh = await apply(c);
    expect(fresh.statusCode).toBe(409);
    expect(fresh.json().code).toBe('framework_exists');
    const e = await eligibility(c);
    expect(e.renewal.reasons).toEqual(['renewal_exists']);
    expect(e.framework.reasons).toEqual(['framework_exists']);
  });

  it('activates on the day, once, with several instances running the task; the old one expires, audited', async () => {
    // Moved clock: the old term ended a minute ago, so the successor's start has passed.
    const end = new Date(Date.now() - 60_000);
    await t.app.ctx.db.update(contracts).set({ expiresAt: end }).where(eq(contracts.id, oldId));
    await t.app.ctx.db.update(contracts).set({ effectiveAt: end }).where(eq(contracts.id, newId));
    const counts = await Promise.all([activateScheduled(t.app.ctx.db), activateScheduled(t.app.ctx.db), activateScheduled(t.app.ctx.db)]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
    const rows = await t.app.ctx.db.select().from(contracts).where(eq(contracts.accountId, c.accountId!));
    expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({ [oldId]: 'expired', [newId]: 'effective' });
    expect((await actions(oldId)).filter((a) => a === 'contract.expired')).toHaveLength(1);
    expect((await actions(newId)).filter((a) => a === 'contract.activated')).toHaveLength(1);
    expect((await t.request(c, 'GET', `/api/v1/contracts/${newId}`)).json().contract.status).toBe('effective');
    expect(await activateScheduled(t.app.ctx.db)).toBe(0);
  });
});

describe('expiry reminders', () => {
  it('sends each of 30, 7 and 1 days once, also with two instances', async () => {
    const c = await t.verifiedCustomer();
    const id = (await apply(c)).json().contract.id;
    const mails = async () =>
      (await t.app.ctx.db.select({ subject: outbox.subject }).from(outbox).where(eq(outbox.accountId, c.accountId!)))
        .map((m) => m.subject)
        // The contract's own notices (generated…) go to the same outbox.
        .filter((s) => s.includes('天后到期'));
    await endsIn(id, 45);
    await Promise.all([sendExpiryReminders(t.app.ctx), sendExpiryReminders(t.app.ctx)]);
    expect(await mails()).toEqual([]);
    for (const days of [30, 7, 1]) {
      await endsIn(id, days - 0.5);
      await Promise.all([sendExpiryReminders(t.app.ctx), sendExpiryReminders(t.app.ctx)]);
      await sendExpiryReminders(t.app.ctx);
    }
    const subjects = await mails();
    // Each reminder once to each recipient: the Party A contact and the member's login e-mail.
    expect(subjects.map((s) => s.match(/(\d+) 天后到期/)?.[1]).sort()).toEqual(['1', '1', '30', '30', '7', '7']);
    const keys = await t.app.ctx.db.select().from(contractReminders).where(eq(contractReminders.contractId, id));
    expect(keys.map((k) => k.daysBefore).sort((a, b) => a - b)).toEqual([1, 7, 30]);
  });
});

describe('daily limit', () => {
  it('answers 429 daily_limit_reached once the account generated its limit today', async () => {
    const c = await t.verifiedCustomer();
    const id = (await apply(c)).json().contract.id;
    // Two more of today's contracts (the limit is 3): copies of rows, cheaper than signing.
    for (let i = 0; i < 2; i++) {
      await t.app.ctx.db.execute(sql`insert into contracts (account_id, number, kind, status, copies, term_years, effective_at, expires_at,
        party_a, party_b, template_version, sha256, signatures, status_reason)
        select account_id, number || '-x' || ${i}::text, kind, 'voided', copies, term_years, effective_at, expires_at,
        party_a, party_b, template_version, sha256, signatures, 'test' from contracts where id = ${id}`);
    }
    expect((await eligibility(c)).order_attachment.reasons).toContain('daily_limit_reached');
    await t.app.ctx.db.update(contracts).set({ status: 'voided', statusReason: 'test' }).where(eq(contracts.id, id));
    const res = await apply(c);
    expect(res.statusCode).toBe(429);
    expect(res.json().code).toBe('daily_limit_reached');
  });
});

describe('remarks and hidden contracts', () => {
  it('keeps a remark of up to 200 characters, audited; hides only ended contracts; lists them on request', async () => {
    const c = await t.verifiedCustomer();
    const id = (await apply(c)).json().contract.id;
    const patch = (body: object) => t.request(c, 'PATCH', `/api/v1/contracts/${id}`, body);
    const ok = await patch({ remark: '  年度采购框架  ' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().contract.remark).toBe('年度采购框架');
    expect((await patch({ remark: '长'.repeat(201) })).statusCode).toBe(400);
    expect((await patch({})).statusCode).toBe(400);
    const hideEffective = await patch({ hidden: true });
    expect(hideEffective.statusCode).toBe(409);
    expect(hideEffective.json().code).toBe('not_hideable');
    const other = await t.verifiedCustomer();
    expect((await t.request(other, 'PATCH', `/api/v1/contracts/${id}`, { remark: 'x' })).statusCode).toBe(404);

    const list = async (query = '') => (await t.request(c, 'GET', `/api/v1/contracts${query}`)).json().items;
    expect((await list())[0]).toMatchObject({ id, remark: '年度采购框架' });
    expect((await t.request(c, 'POST', `/api/v1/contracts/${id}/void`, { reason: '重新申请' })).statusCode).toBe(200);
    expect((await patch({ hidden: true })).json().contract).toMatchObject({ hidden: true, status: 'voided' });
    expect(await list()).toEqual([]);
    expect((await list('?hidden=include')).map((i: { id: string }) => i.id)).toEqual([id]);
    expect((await list('?hidden=include&status=voided'))[0]).toMatchObject({ id, hidden: true });
    expect((await patch({ hidden: false })).json().contract.hidden).toBeUndefined();
    expect((await list()).map((i: { id: string }) => i.id)).toEqual([id]);
    const updates = await t.app.ctx.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, id), eq(auditEvents.action, 'contract.updated')));
    expect(updates).toHaveLength(3);
    expect(updates[0]!.data).toMatchObject({ remark: { from: null, to: '年度采购框架' } });
  });
});

describe('expiry', () => {
  it('writes contract.expired once per contract', async () => {
    const c = await t.verifiedCustomer();
    const id = (await apply(c)).json().contract.id;
    await t.app.ctx.db.update(contracts).set({ effectiveAt: new Date('2020-01-01'), expiresAt: new Date('2021-01-01') }).where(eq(contracts.id, id));
    await Promise.all([expireContracts(t.app.ctx.db), expireContracts(t.app.ctx.db)]);
    await expireContracts(t.app.ctx.db);
    expect((await actions(id)).filter((a) => a === 'contract.expired')).toHaveLength(1);
  });
});

describe('renewal through the direct routes', () => {
  it('answers confirmation_required; the signing answers the same rules, with a platform-held key too', async () => {
    const c = await t.verifiedCustomer();
    const id = (await apply(c)).json().contract.id;
    await endsIn(id, 30);
    const direct = await t.request(c, 'POST', '/api/v1/contracts/framework', { termYears: 1, copies: 2, accept: true, renews: id });
    expect(direct.statusCode).toBe(409);
    expect(direct.json()).toMatchObject({ code: 'confirmation_required' });
    expect(direct.json().detail).toContain('"kind":"renewal"');
    expect((await t.request(c, 'POST', `/api/v1/contracts/${id}/renew`, { termYears: 1, copies: 2 })).json().code).toBe('confirmation_required');
    const other = await t.verifiedCustomer();
    expect((await t.signRenewal(other, id, { termYears: 1, copies: 2 })).statusCode).toBe(404);
    const res = await t.signRenewal(c, id, { termYears: 1, copies: 2 }, { custody: 'platform' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().contract).toMatchObject({ status: 'scheduled', renewsId: id });
    expect(res.json().contract.signatures[0]).toMatchObject({ role: 'party_a', keyCustody: 'platform' });
    expect((await t.signRenewal(c, id, { termYears: 1, copies: 2 })).json().code).toBe('renewal_exists');
  });
});
