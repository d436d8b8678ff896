import { eq } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { users } from '../db/schema/index.js';
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

  return ctx.db.transaction(async (tx) => {
    await clearLoginFailures(tx, options.email, ip);
    // A new session id at every login: a session fixed before login is worthless after it.
    const session = await createSession(tx, user.id, options.actor);
    await appendEvent(tx, {
      accountId: user.accountId,
      actor: { ...options.actor, userId: user.id, role: user.role },
      action: 'user.logged_in',
      subject: { type: 'user', id: user.id },
    });
    return { user: { id: user.id, email: user.email, role: user.role }, accountId: user.accountId, session };
  });
}
