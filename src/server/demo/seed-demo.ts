import { eq } from 'drizzle-orm';
import { appendEvent } from '../audit/append-event.js';
import { systemActor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { accounts, icpFilings, orders, partyAProfiles, users, verifications, memberships } from '../db/schema/index.js';
import { demoFilings, demoOrders } from './demo-items.js';

export const demoLogins = {
  verifiedCustomer: { email: 'demo@qiyue.demo', password: 'demo-password-2026' },
  unverifiedCustomer: { email: 'new@qiyue.demo', password: 'demo-password-2026' },
} as const;

export const demoEnterprise = {
  name: '福州示例云计算有限公司',
  creditCode: '91350100M000100Y43',
  legalRepresentative: '林晓明',
} as const;

/**
 * First start of the embedded demo: a verified enterprise customer with orders and ICP
 * filings, and an unverified customer.
 */
export async function seedDemo(ctx: AppContext): Promise<void> {
  const [seeded] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, demoLogins.verifiedCustomer.email));
  if (seeded) return;
  const verifiedHash = await ctx.passwords.hash(demoLogins.verifiedCustomer.password);
  const unverifiedHash = await ctx.passwords.hash(demoLogins.unverifiedCustomer.password);
  await ctx.db.transaction(async (tx) => {
    const [verifiedAccount] = await tx.insert(accounts).values({}).returning();
    const accountId = verifiedAccount!.id;
    const [user] = await tx
      .insert(users)
      .values({ email: demoLogins.verifiedCustomer.email, passwordHash: verifiedHash, role: 'customer', accountId })
      .onConflictDoNothing()
      .returning();
    if (!user) return; // another instance seeded at the same moment
    await tx.insert(memberships).values({ accountId, userId: user.id, role: 'owner' });
    const [verification] = await tx
      .insert(verifications)
      .values({ accountId, subjectType: 'enterprise', ...demoEnterprise, status: 'verified', decidedAt: new Date() })
      .returning();
    await tx.insert(partyAProfiles).values({
      accountId,
      address: '福建省福州市鼓楼区示例路 88 号 12 层',
      contactName: '陈静',
      contactPhone: '13800138000',
      contactEmail: 'finance@example.com',
      bankName: '中国工商银行福州分行',
      bankAccount: '1402000000000000001',
    });
    await appendEvent(tx, {
      accountId,
      actor: systemActor,
      action: 'verification.submitted',
      subject: { type: 'verification', id: verification!.id },
      data: { subjectType: 'enterprise', verifier: 'demo-seed', status: 'verified' },
    });

    await tx.insert(orders).values(demoOrders().map((o) => ({ ...o, accountId })));
    await tx.insert(icpFilings).values(demoFilings(demoEnterprise.name).map((f) => ({ ...f, accountId })));

    const [newAccount] = await tx.insert(accounts).values({}).returning();
    const [newUser] = await tx
      .insert(users)
      .values({
        email: demoLogins.unverifiedCustomer.email,
        passwordHash: unverifiedHash,
        role: 'customer',
        accountId: newAccount!.id,
      })
      .returning({ id: users.id });
    await tx.insert(memberships).values({ accountId: newAccount!.id, userId: newUser!.id, role: 'owner' });
  });
}
