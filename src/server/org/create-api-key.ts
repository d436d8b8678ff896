import { randomBytes } from 'node:crypto';
import type { CustomerAction } from '../../shared/permissions.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import { apiKeyPrefix, hashSecret, type SessionUser } from '../auth/sessions.js';
import type { Database } from '../db/client.js';
import { apiKeys } from '../db/schema/index.js';
import { assertWithin } from './roles.js';

/** A key for the organisation's own systems; the secret is answered once and stored as its SHA-256. */
export async function createApiKey(db: Database, options: { creator: SessionUser; name: string; permissions: CustomerAction[]; actor: Actor }) {
  const accountId = options.creator.accountId!;
  const permissions = [...new Set(options.permissions)];
  assertWithin(permissions, options.creator.permissions);
  const secret = `${apiKeyPrefix}${randomBytes(32).toString('base64url')}`;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({ accountId, name: options.name, permissions, secretHash: hashSecret(secret), createdBy: options.creator.userId })
      .returning();
    await appendEvent(tx, { accountId, actor: options.actor, action: 'api_key.created', subject: { type: 'api_key', id: row!.id }, data: { name: row!.name, permissions } });
    return {
      key: { id: row!.id, name: row!.name, permissions, createdAt: row!.createdAt.toISOString(), createdBy: options.creator.email, lastUsedAt: null },
      secret,
    };
  });
}
