import { and, desc, eq, like } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { contracts, outbox } from '../../src/server/db/schema/index.js';
import { deliverOutbox } from '../../src/server/notifications/deliver-outbox.js';
import { notifyContract } from '../../src/server/notifications/notify-contract.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { testDatabaseKind } from '../helpers/database.js';

let t: TestApp;
let second: FastifyInstance;
beforeAll(async () => {
  t = await createTestApp();
  // A second instance on the same database, as a deployment with two replicas has (PGlite is
  // one process's database: there the one instance plays both).
  second = testDatabaseKind === 'postgres' ? await buildApp(t.config) : t.app;
});
afterAll(async () => {
  if (second !== t?.app) await second?.close();
  await t?.close();
});

describe('notifications', () => {
  it('sends contract e-mails to the Party A contact and the login, once each, with two instances', async () => {
    const c = await t.verifiedCustomer();
    const applied = await t.signFramework(c, { termYears: 1, copies: 2 });
    expect(applied.statusCode).toBe(201);
    const contract = applied.json().contract as { id: string; number: string };

    // The same event announced again by the other instance (a retried job, a replayed request) adds nothing.
    const [row] = await t.app.ctx.db.select().from(contracts).where(eq(contracts.id, contract.id));
    await second.ctx.db.transaction((tx) => notifyContract(tx, second.ctx.config, row!, 'generated'));

    const voided = await t.request(c, 'POST', `/api/v1/contracts/${contract.id}/void`, { reason: '业务调整' });
    expect(voided.statusCode).toBe(200);

    const mails = await t.app.ctx.db.select().from(outbox).where(eq(outbox.accountId, c.accountId!));
    const about = (to: string) => mails.filter((m) => m.toAddress === to && m.subject.includes(contract.number));
    for (const to of ['finance@example.com', c.email]) {
      const mine = about(to);
      expect(mine.map((m) => m.subject).sort()).toEqual([`【契约】框架协议 ${contract.number} 已作废`, `【契约】框架协议 ${contract.number} 已生成`].sort());
      // Links point at the contract's page.
      expect(mine.every((m) => m.body.includes(`${t.config.publicUrl}/contracts/${contract.id}`))).toBe(true);
    }
    expect(about('finance@example.com').find((m) => m.subject.includes('已作废'))!.body).toContain('业务调整');

    // Both instances deliver at once: each message goes out once.
    const sent: string[] = [];
    const mailer = { sendMail: async (m: { to: string; subject: string }) => void sent.push(`${m.to} ${m.subject}`) } as unknown as Transporter;
    await Promise.all([
      deliverOutbox(t.app.ctx.db, { mailer, from: 'qiyue@example.com', batch: 100 }),
      deliverOutbox(second.ctx.db, { mailer, from: 'qiyue@example.com', batch: 100 }),
    ]);
    const aboutContract = sent.filter((s) => s.includes(contract.number));
    expect(aboutContract).toHaveLength(4);
    expect(new Set(aboutContract).size).toBe(4);
  });

  it('reaches the members whose role holds "receive notifications" — not a viewer, not a custom role without it, not a removed member', async () => {
    const owner = await t.verifiedCustomer();
    const join = async (email: string, role: string) => {
      expect((await t.request(owner, 'POST', '/api/v1/org/invitations', { email, role })).statusCode).toBe(201);
      const [mail] = await t.app.ctx.db.select().from(outbox).where(eq(outbox.toAddress, email)).orderBy(desc(outbox.createdAt)).limit(1);
      const token = /\/invitations\/([\w-]+)/.exec(mail!.body)![1];
      const res = await t.request(null, 'POST', `/api/v1/invitations/${token}/accept`, { password: 'member-password-1', acceptTerms: true });
      expect(res.statusCode, res.body).toBe(200);
      return { userId: res.json().user.id as string, email };
    };
    const stamp = Date.now();
    const told = (await t.request(owner, 'POST', '/api/v1/org/roles', { name: '合同专员', permissions: ['contracts.view', 'notifications.receive'] })).json().role.id;
    const quiet = (await t.request(owner, 'POST', '/api/v1/org/roles', { name: '审计', permissions: ['contracts.view', 'contracts.download'] })).json().role.id;
    const finance = await join(`n-finance-${stamp}@example.com`, 'finance');
    const viewer = await join(`n-viewer-${stamp}@example.com`, 'viewer');
    const custom = await join(`n-custom-${stamp}@example.com`, told);
    const silent = await join(`n-silent-${stamp}@example.com`, quiet);

    const subjectsTo = async (like_: string) => {
      const rows = await t.app.ctx.db
        .select({ to: outbox.toAddress })
        .from(outbox)
        .where(and(eq(outbox.accountId, owner.accountId!), like(outbox.subject, like_)));
      return rows.map((r) => r.to).sort();
    };
    const framework = (await t.signFramework(owner, { termYears: 1, copies: 2 })).json().contract;
    expect(await subjectsTo(`%${framework.number} 已生成%`)).toEqual(['finance@example.com', owner.email, finance.email, custom.email].sort());
    expect(await subjectsTo(`%${framework.number}%`)).not.toContain(viewer.email);
    expect(await subjectsTo(`%${framework.number}%`)).not.toContain(silent.email);

    expect((await t.request(owner, 'DELETE', `/api/v1/org/members/${finance.userId}`)).statusCode).toBe(204);
    expect((await t.request(owner, 'POST', `/api/v1/contracts/${framework.id}/void`, { reason: '重新申请' })).statusCode).toBe(200);
    expect(await subjectsTo(`%${framework.number} 已作废%`)).toEqual(['finance@example.com', owner.email, custom.email].sort());
  });
});
