import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvents } from '../../src/server/audit/append-event.js';
import { readChain } from '../../src/server/audit/read-chain.js';
import { systemActor } from '../../src/server/audit/events.js';
import { auditEvents } from '../../src/server/db/schema/index.js';
import { consent, createTestApp, type TestApp, uniqueIdNumber } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ verifierMode: 'manual' });
});
afterAll(() => t?.close());

describe('audit trail', () => {
  it('records every step with actor, IP and user agent, in a valid hash chain', async () => {
    const c = await t.register();
    const op = await t.operator();
    const v = await t.request(c, 'POST', '/api/v1/verification', { subjectType: 'personal', name: '张三', idNumber: '11010519491231002X', consent }, { 'user-agent': 'vitest-agent' });
    await t.request(op, 'POST', `/api/v1/admin/verifications/${v.json().verification.id}/approve`);
    await t.request(c, 'PUT', '/api/v1/party-a', { address: '北京市海淀区示例路 1 号', contactName: '张三', contactPhone: '13800138000', contactEmail: 'z@example.com' });

    const { events, chainValid } = await readChain(t.app.ctx.db, c.accountId!);
    expect(chainValid).toBe(true);
    expect(events.map((e) => e.action)).toEqual(['user.registered', 'verification.submitted', 'verification.approved', 'party_a.updated']);
    const submitted = events[1]!;
    expect(submitted).toMatchObject({ actorUserId: c.userId, actorRole: 'customer', userAgent: 'vitest-agent', ip: '127.0.0.1' });
    expect(events[2]!.actorRole).toBe('operator');
    expect(JSON.stringify(events)).not.toContain('11010519491231002X');
  });

  it('detects an edit to history', async () => {
    const c = await t.register();
    await t.request(c, 'POST', '/api/v1/verification', { subjectType: 'personal', name: '李四', idNumber: uniqueIdNumber(), consent });
    expect((await readChain(t.app.ctx.db, c.accountId!)).chainValid).toBe(true);
    await t.app.ctx.db
      .update(auditEvents)
      .set({ data: sql`jsonb_set(data, '{status}', '"verified"')` })
      .where(and(eq(auditEvents.chainKey, c.accountId!), eq(auditEvents.action, 'verification.submitted')));
    expect((await readChain(t.app.ctx.db, c.accountId!)).chainValid).toBe(false);
  });

  it('appends a batch to several chains at once, each chain in order and valid (the expiry sweep)', async () => {
    const a = await t.register();
    const b = await t.register();
    // Every column travels through the batch insert: one event with an address, agent and e-mail.
    const person = { ...systemActor, email: 'desk@example.com', ip: '203.0.113.9', userAgent: 'Mozilla/5.0 批量' };
    const event = (accountId: string, n: number) => ({
      accountId,
      actor: n === 2 ? person : systemActor,
      action: 'contract.expired' as const,
      subject: { type: 'contract' as const, id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` },
      data: { n },
    });
    await t.app.ctx.db.transaction((tx) => appendEvents(tx, [event(a.accountId!, 1), event(b.accountId!, 2), event(a.accountId!, 3), event(b.accountId!, 4)]));
    await t.app.ctx.db.transaction((tx) => appendEvents(tx, [event(a.accountId!, 5)]));
    for (const [caller, expected] of [
      [a, [1, 3, 5]],
      [b, [2, 4]],
    ] as const) {
      const { events, chainValid } = await readChain(t.app.ctx.db, caller.accountId!);
      expect(chainValid).toBe(true);
      const expired = events.filter((e) => e.action === 'contract.expired');
      expect(expired.map((e) => (e.data as { n: number }).n)).toEqual(expected);
      // Consecutive sequence numbers after the registration event.
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    }
    const second = (await readChain(t.app.ctx.db, b.accountId!)).events.find((e) => (e.data as { n?: number }).n === 2);
    expect(second).toMatchObject({ ip: '203.0.113.9', userAgent: 'Mozilla/5.0 批量', actorEmail: 'desk@example.com' });
  });
});
