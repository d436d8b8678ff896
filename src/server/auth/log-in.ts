import { asc, eq, sql } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { memberships, users } from '../db/schema/index.js';
import { clearLoginFailures, reserveLoginAttempt } from './login-throttle.js';
import { createSession } from './sessions.js';

export async function logIn(ctx: AppContext, options: { email: string; password: string; actor: Actor }) {
  const ip = options.actor.ip ?? 'unknown';
  const retryAfter = await reserveLoginAttempt(ctx.db, options.email, ip);
  if (retryAfter > 0) throw new AppError('too_many_requests', undefined, { headers: { 'retry-after': String(retryAfter) } });

  const [user] = await ctx.db.select().from(users).where(eq(users.email, options.email)).limit(1);
  if (!user) {
    await ctx.passwords.verifyNothing(options.password);
  }
  if (!user || !(await ctx.passwords.verify(user.passwordHash, options.password))) {
    throw new AppError('invalid_credentials');
  }

  // A member starts in the organisation it registered, else in the first it joined.
  const accountId = user.role === 'customer' ? await startingAccount(ctx, user.id, user.accountId) : null;
  return ctx.db.transaction(async (tx) => {
    await clearLoginFailures(tx, options.email, ip);
    // A new session id at every login: a session fixed before login is worthless after it.
    const session = await createSession(tx, user.id, accountId);
    await appendEvent(tx, {
      accountId,
      actor: { ...options.actor, userId: user.id, role: user.role, email: user.email },
      action: 'user.logged_in',
      subject: { type: 'user', id: user.id },
    });
    return { user: { id: user.id, email: user.email, role: user.role }, accountId, session };
  });
}

async function startingAccount(ctx: AppContext, userId: string, homeAccountId: string | null): Promise<string | null> {
  const [row] = await ctx.db
    .select({ accountId: memberships.accountId })
    .from(memberships)
    .where(eq(memberships.userId, userId))
    .orderBy(sql`${memberships.accountId} = ${homeAccountId ?? '00000000-0000-0000-0000-000000000000'} desc`, asc(memberships.createdAt))
    .limit(1);
  return row?.accountId ?? null;
}
