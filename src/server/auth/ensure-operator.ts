import { and, eq } from 'drizzle-orm';
import { operatorRoles } from '../../shared/permissions.js';
import { appendEvent } from '../audit/append-event.js';
import { systemActor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { users } from '../db/schema/index.js';

/**
 * Creates the configured operator when absent, as an operator admin holding every operator
 * role; an existing one keeps its password, and gets the roles if it has none (it predates them).
 */
export async function ensureOperator(ctx: AppContext, operator: { email: string; password: string }) {
  const [existing] = await ctx.db.select({ id: users.id, operatorRoles: users.operatorRoles }).from(users).where(eq(users.email, operator.email));
  if (existing) {
    if (existing.operatorRoles.length === 0)
      await ctx.db.update(users).set({ operatorRoles: [...operatorRoles] }).where(and(eq(users.id, existing.id), eq(users.role, 'operator')));
    return;
  }
  const passwordHash = await ctx.passwords.hash(operator.password);
  await ctx.db.transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({ email: operator.email, passwordHash, role: 'operator', operatorRoles: [...operatorRoles] })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (!user) return; // another instance created it meanwhile
    await appendEvent(tx, { accountId: null, actor: systemActor, action: 'operator.created', subject: { type: 'user', id: user.id } });
  });
}
