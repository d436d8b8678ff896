import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { memberships, users } from '../db/schema/index.js';
import { clearLoginFailures, reserveLoginAttempt } from './login-throttle.js';
import { createSession } from './sessions.js';
import { matchTotp } from './totp.js';

export async function logIn(ctx: AppContext, options: { email: string; password: string; totp?: string; actor: Actor }) {
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
  if (user.totpSecret) {
    // The password was right: the client asks for the code and calls again with it.
    if (!options.totp) throw new AppError('totp_required');
    const step = matchTotp(user.totpSecret, options.totp);
    // Accepting a step only after the last one (one statement) makes a seen code worthless.
    const accepted =
      step === null
        ? []
        : await ctx.db
            .update(users)
            .set({ totpLastStep: step })
            .where(and(eq(users.id, user.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
            .returning({ id: users.id });
    if (!accepted.length) throw new AppError('invalid_totp');
  }

  // A member starts in the organisation it registered, else in the first it joined.
  const accountId = user.role === 'customer' ? await startingAccount(ctx, user.id, user.accountId) : null;
  return ctx.db.transaction(async (tx) => {
    await clearLoginFailures(tx, options.email, ip);
    // A new session id at every login: a session fixed before login is worthless after it.
    const session = await createSession(tx, user.id, accountId, options.actor);
    await appendEvent(tx, {
      accountId,
      actor: { ...options.actor, userId: user.id, role: user.role, email: user.email },
      action: 'user.logged_in',
      subject: { type: 'user', id: user.id },
    });
    return { user: { id: user.id, email: user.email, role: user.role }, accountId, session, totpEnrolmentRequired: user.role === 'operator' && ctx.config.requireOperatorTotp && !user.totpSecret };
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
