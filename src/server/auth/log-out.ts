import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { deleteSession, type SessionUser } from './sessions.js';

export async function logOut(ctx: AppContext, options: { session: SessionUser; actor: Actor }) {
  await ctx.db.transaction(async (tx) => {
    await deleteSession(tx, options.session.sessionId);
    await appendEvent(tx, {
      accountId: options.session.accountId,
      actor: options.actor,
      action: 'user.logged_out',
      subject: { type: 'user', id: options.session.userId },
    });
  });
}
