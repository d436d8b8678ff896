import { and, eq, sql } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { SessionUser } from '../auth/sessions.js';
import type { Database } from '../db/client.js';
import { memberships, users } from '../db/schema/index.js';
import { assertWithin, resolveRole } from './roles.js';

/** Locks the organisation's memberships, so that two changes cannot together remove its last owner. */
export async function lockMemberships(tx: Database, accountId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`memberships:${accountId}`}))`);
  const rows = await tx.select({ userId: memberships.userId, role: memberships.role }).from(memberships).where(eq(memberships.accountId, accountId));
  return { rows, owners: rows.filter((r) => r.role === 'owner').length };
}

/** Changes a member's role; owners are changed, and made, only by owners, and one always remains. */
export async function changeMemberRole(db: Database, options: { manager: SessionUser; userId: string; role: string; actor: Actor }) {
  const accountId = options.manager.accountId!;
  const role = await resolveRole(db, accountId, options.role);
  assertWithin(role.info.permissions, options.manager.permissions);
  return db.transaction(async (tx) => {
    const { rows, owners } = await lockMemberships(tx, accountId);
    const target = rows.find((r) => r.userId === options.userId);
    if (!target) throw new AppError('not_found');
    if ((target.role === 'owner' || role.role === 'owner') && options.manager.memberRole !== 'owner')
      throw new AppError('permission_denied', 'Only an owner may change an owner or make one');
    if (target.role === 'owner' && role.role !== 'owner' && owners <= 1) throw new AppError('last_owner');
    await tx
      .update(memberships)
      .set({ role: role.role, customRoleId: role.customRoleId })
      .where(and(eq(memberships.accountId, accountId), eq(memberships.userId, options.userId)));
    await appendEvent(tx, {
      accountId,
      actor: options.actor,
      action: 'member.role_changed',
      subject: { type: 'user', id: options.userId },
      data: { from: target.role, to: role.info.id },
    });
    const [user] = await tx.select({ email: users.email, joinedAt: memberships.createdAt }).from(users).innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.accountId, accountId))).where(eq(users.id, options.userId));
    return { member: { userId: options.userId, email: user!.email, role: role.info, joinedAt: user!.joinedAt.toISOString() } };
  });
}
