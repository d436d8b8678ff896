import { and, eq, like } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { sessions } from '../db/schema/index.js';
import type { SessionUser } from './sessions.js';

/** Signs one of the user's own sessions out (the id of GET /auth/sessions); another's is 404. */
export async function endSession(ctx: AppContext, options: { session: SessionUser; id: string; actor: Actor }): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const ended = await tx
      .delete(sessions)
      .where(and(eq(sessions.userId, options.session.userId), like(sessions.id, `${options.id}%`)))
      .returning({ id: sessions.id });
    if (ended.length !== 1) throw new AppError('not_found');
    await appendEvent(tx, {
      accountId: options.session.accountId,
      actor: options.actor,
      action: 'user.session_ended',
      subject: { type: 'user', id: options.session.userId },
      data: { current: ended[0]!.id === options.session.sessionId },
    });
  });
}
