import { eq } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { users } from '../db/schema/index.js';
import { deleteUserSessions, type SessionUser } from './sessions.js';

/** Changes the password after checking the current one; the user's other sessions end. */
export async function changePassword(
  ctx: AppContext,
  options: { session: SessionUser; currentPassword: string; newPassword: string; actor: Actor },
): Promise<void> {
  const [user] = await ctx.db.select().from(users).where(eq(users.id, options.session.userId));
  if (!user || !(await ctx.passwords.verify(user.passwordHash, options.currentPassword))) throw new AppError('wrong_password');
  const passwordHash = await ctx.passwords.hash(options.newPassword);
  await ctx.db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
    await deleteUserSessions(tx, user.id, { except: options.session.sessionId });
    await appendEvent(tx, {
      accountId: user.accountId,
      actor: options.actor,
      action: 'user.password_changed',
      subject: { type: 'user', id: user.id },
    });
  });
}
