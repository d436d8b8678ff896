import { and, desc, eq, isNull } from 'drizzle-orm';
import { isCustomerAction } from '../../shared/permissions.js';
import type { Database } from '../db/client.js';
import { apiKeys, users } from '../db/schema/index.js';

/** The organisation's keys in force, newest first; never their secrets. */
export async function listApiKeys(db: Database, accountId: string) {
  const rows = await db
    .select({ key: apiKeys, createdBy: users.email })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.createdBy))
    .where(and(eq(apiKeys.accountId, accountId), isNull(apiKeys.revokedAt)))
    .orderBy(desc(apiKeys.createdAt));
  return {
    items: rows.map(({ key, createdBy }) => ({
      id: key.id,
      name: key.name,
      permissions: key.permissions.filter(isCustomerAction),
      createdAt: key.createdAt.toISOString(),
      createdBy,
      lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    })),
  };
}
