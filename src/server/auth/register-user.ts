import { AppError } from '../../shared/errors.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { isUniqueViolation } from '../db/client.js';
import { accounts, memberships, users } from '../db/schema/index.js';
import { createSession } from './sessions.js';

/** The version of 用户协议 and 隐私政策 a registration agrees to; recorded with it. */
export const termsVersion = '2026-12-01';

export async function registerUser(ctx: AppContext, options: { email: string; password: string; acceptTerms?: boolean; actor: Actor }) {
  if (options.acceptTerms !== true) throw new AppError('terms_required');
  const passwordHash = await ctx.passwords.hash(options.password);
  try {
    return await ctx.db.transaction(async (tx) => {
      const [account] = await tx.insert(accounts).values({}).returning();
      const [user] = await tx
        .insert(users)
        .values({ email: options.email, passwordHash, role: 'customer', accountId: account!.id })
        .returning({ id: users.id, email: users.email, role: users.role });
      // The first user of an organisation owns it.
      await tx.insert(memberships).values({ accountId: account!.id, userId: user!.id, role: 'owner' });
      await appendEvent(tx, {
        accountId: account!.id,
        actor: { ...options.actor, userId: user!.id, role: 'customer', email: user!.email },
        action: 'user.registered',
        subject: { type: 'user', id: user!.id },
        data: { termsVersion: termsVersion },
      });
      const session = await createSession(tx, user!.id, account!.id, options.actor);
      return { user: user!, accountId: account!.id, session };
    });
  } catch (error) {
    if (isUniqueViolation(error, 'users_email_unique')) throw new AppError('email_taken');
    throw error;
  }
}
