import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readChain } from '../../src/server/audit/read-chain.js';
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
});
