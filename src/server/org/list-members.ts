import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { invitations, memberships, users } from '../db/schema/index.js';
import { roleInfos } from './roles.js';

/** The organisation's members and its open invitations. */
export async function listMembers(db: Database, accountId: string) {
  const rows = await db
    .select({ userId: users.id, email: users.email, role: memberships.role, customRoleId: memberships.customRoleId, joinedAt: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.accountId, accountId))
    .orderBy(asc(memberships.createdAt));
  const open = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.accountId, accountId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, sql`now()`)))
    .orderBy(asc(invitations.createdAt));
  const info = await roleInfos(db, [...rows, ...open]);
  return {
    items: rows.map((r) => ({ userId: r.userId, email: r.email, role: info(r), joinedAt: r.joinedAt.toISOString() })),
    invitations: open.map((i) => ({ id: i.id, email: i.email, role: info(i), createdAt: i.createdAt.toISOString(), expiresAt: i.expiresAt.toISOString() })),
  };
}
