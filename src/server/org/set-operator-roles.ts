import { and, asc, eq } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import type { OperatorRole } from '../../shared/permissions.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { type Database, isUniqueViolation } from '../db/client.js';
import { users } from '../db/schema/index.js';

/** A new operator with the given roles (the operator admin hands the password over in person). */
export async function createOperator(
  ctx: AppContext,
  options: { email: string; password: string; roles: OperatorRole[]; actor: Actor },
) {
  const passwordHash = await ctx.passwords.hash(options.password);
  try {
    return await ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(users)
        .values({ email: options.email, passwordHash, role: 'operator', operatorRoles: [...new Set(options.roles)] })
        .returning({ userId: users.id, email: users.email, roles: users.operatorRoles });
      await appendEvent(tx, { accountId: null, actor: options.actor, action: 'operator.created', subject: { type: 'user', id: row!.userId }, data: { roles: row!.roles } });
      return { operator: row! };
    });
  } catch (error) {
    if (isUniqueViolation(error, 'users_email_unique')) throw new AppError('email_taken');
    throw error;
  }
}

export async function listOperators(db: Database) {
  const rows = await db
    .select({ userId: users.id, email: users.email, roles: users.operatorRoles })
    .from(users)
    .where(eq(users.role, 'operator'))
    .orderBy(asc(users.createdAt));
  return { items: rows };
}

/** Sets an operator's roles; an operator admin cannot take operator admin from itself (someone must keep it). */
export async function setOperatorRoles(db: Database, options: { managerId: string; userId: string; roles: OperatorRole[]; actor: Actor }) {
  const roles = [...new Set(options.roles)];
  if (options.userId === options.managerId && !roles.includes('operator_admin')) throw new AppError('invalid_state', 'You cannot take operator admin from yourself');
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(users)
      .set({ operatorRoles: roles })
      .where(and(eq(users.id, options.userId), eq(users.role, 'operator')))
      .returning({ userId: users.id, email: users.email, roles: users.operatorRoles });
    if (!row) throw new AppError('not_found');
    await appendEvent(tx, { accountId: null, actor: options.actor, action: 'operator.roles_changed', subject: { type: 'user', id: row.userId }, data: { roles } });
    return { operator: row };
  });
}
