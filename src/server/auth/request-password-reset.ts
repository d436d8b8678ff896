import { randomBytes } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { passwordResetTokens, users } from '../db/schema/index.js';
import { enqueueEmailTo } from '../notifications/enqueue-email.js';
import { passwordResetEmail } from '../notifications/messages.js';
import { hashToken } from './sessions.js';

export const passwordResetMinutes = 30;

/**
 * Mails a single-use reset link when the e-mail belongs to a user; answers nothing either way,
 * so that the form does not tell which e-mails are registered. Only the token's hash is kept,
 * and a new request replaces the links not used yet.
 */
export async function requestPasswordReset(ctx: AppContext, options: { email: string; actor: Actor }): Promise<void> {
  const [user] = await ctx.db.select({ id: users.id, email: users.email, accountId: users.accountId }).from(users).where(eq(users.email, options.email));
  if (!user) return;
  const token = randomBytes(32).toString('base64url');
  await ctx.db.transaction(async (tx) => {
    await tx.delete(passwordResetTokens).where(and(eq(passwordResetTokens.userId, user.id), isNull(passwordResetTokens.usedAt)));
    await tx.insert(passwordResetTokens).values({
      id: hashToken(token),
      userId: user.id,
      expiresAt: sql`now() + make_interval(mins => ${passwordResetMinutes})`,
    });
    await enqueueEmailTo(tx, {
      accountId: user.accountId,
      toAddress: user.email,
      ...passwordResetEmail({ url: `${ctx.config.publicUrl}/reset-password?token=${token}`, minutes: passwordResetMinutes }),
    });
    await appendEvent(tx, {
      accountId: user.accountId,
      actor: options.actor,
      action: 'user.password_reset_requested',
      subject: { type: 'user', id: user.id },
    });
  });
}
