import { eq } from 'drizzle-orm';
import { appendEvent } from '../audit/append-event.js';
import { systemActor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { users } from '../db/schema/index.js';

/** Creates the configured operator when absent; an existing one is left as it is. */
export async function ensureOperator(ctx: AppContext, operator: { email: string; password: string }) {
  const [existing] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, operator.email));
  if (existing) return;
  const passwordHash = await ctx.passwords.hash(operator.password);
  await ctx.db.transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({ email: operator.email, passwordHash, role: 'operator' })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (!user) return; // another instance created it meanwhile
    await appendEvent(tx, { accountId: null, actor: systemActor, action: 'operator.created', subject: { type: 'user', id: user.id } });
  });
}
