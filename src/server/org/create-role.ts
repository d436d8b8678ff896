import { AppError } from '../../shared/errors.js';
import type { CustomerAction } from '../../shared/permissions.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { SessionUser } from '../auth/sessions.js';
import type { Database } from '../db/client.js';
import { isUniqueViolation } from '../db/client.js';
import { orgRoles } from '../db/schema/index.js';
import { assertWithin } from './roles.js';

/** A custom role: a named set of actions, never more than the creating member holds. */
export async function createRole(db: Database, options: { manager: SessionUser; name: string; permissions: CustomerAction[]; actor: Actor }) {
  const accountId = options.manager.accountId!;
  const permissions = [...new Set(options.permissions)];
  assertWithin(permissions, options.manager.permissions);
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx.insert(orgRoles).values({ accountId, name: options.name, permissions }).returning();
      await appendEvent(tx, { accountId, actor: options.actor, action: 'role.created', subject: { type: 'role', id: row!.id }, data: { name: row!.name, permissions } });
      return { role: { id: row!.id, name: row!.name, isBuiltIn: false, permissions } };
    });
  } catch (error) {
    if (isUniqueViolation(error, 'org_roles_account_name')) throw new AppError('role_name_taken');
    throw error;
  }
}
