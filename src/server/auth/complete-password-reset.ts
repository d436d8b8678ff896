import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { passwordResetTokens, users } from '../db/schema/index.js';
import { deleteUserSessions, hashToken } from './sessions.js';

/** Sets a new password with a reset link's token; the token is spent and every session ends. */
export async function completePasswordReset(ctx: AppContext, options: { token: string; password: string; actor: Actor }): Promise<void> {
  const passwordHash = await ctx.passwords.hash(options.password);
  await ctx.db.transaction(async (tx) => {
    // Spending the token and checking it are one statement: of two parallel uses one wins.
    const [spent] = await tx
      .update(passwordResetTokens)
      .set({ usedAt: sql`now()` })
      .where(
        and(
          eq(passwordResetTokens.id, hashToken(options.token)),
          isNull(passwordResetTokens.usedAt),
          gt(passwordResetTokens.expiresAt, sql`now()`),
        ),
      )
      .returning({ userId: passwordResetTokens.userId });
    if (!spent) throw new AppError('invalid_reset_token');
    const [user] = await tx.update(users).set({ passwordHash }).where(eq(users.id, spent.userId)).returning();
    await deleteUserSessions(tx, spent.userId);
    await appendEvent(tx, {
      accountId: user!.accountId,
      actor: { ...options.actor, userId: user!.id, role: user!.role },
      action: 'user.password_reset',
      subject: { type: 'user', id: user!.id },
    });
  });
}
