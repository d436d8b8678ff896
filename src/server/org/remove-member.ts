import { and, eq } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { SessionUser } from '../auth/sessions.js';
import type { Database } from '../db/client.js';
import { memberships, sessions } from '../db/schema/index.js';
import { lockMemberships } from './change-member-role.js';

/**
 * Removes a member; their sessions in this organisation end in the same transaction (and the
 * API keys they created stop working, since a key never outlives its creator's membership).
 */
export async function removeMember(db: Database, options: { manager: SessionUser; userId: string; actor: Actor }) {
  const accountId = options.manager.accountId!;
  await db.transaction(async (tx) => {
    const { rows, owners } = await lockMemberships(tx, accountId);
    const target = rows.find((r) => r.userId === options.userId);
    if (!target) throw new AppError('not_found');
    if (target.role === 'owner' && options.manager.memberRole !== 'owner') throw new AppError('permission_denied', 'Only an owner may remove an owner');
    if (target.role === 'owner' && owners <= 1) throw new AppError('last_owner');
    await tx.delete(memberships).where(and(eq(memberships.accountId, accountId), eq(memberships.userId, options.userId)));
    await tx.delete(sessions).where(and(eq(sessions.userId, options.userId), eq(sessions.accountId, accountId)));
    await appendEvent(tx, { accountId, actor: options.actor, action: 'member.removed', subject: { type: 'user', id: options.userId }, data: { role: target.role } });
  });
}
