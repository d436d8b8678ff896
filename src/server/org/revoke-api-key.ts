import { and, eq, isNull, sql } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { Database } from '../db/client.js';
import { apiKeys } from '../db/schema/index.js';

/** Revokes a key of the organisation at once; a revoked key stays listed in the audit trail only. */
export async function revokeApiKey(db: Database, options: { accountId: string; keyId: string; actor: Actor }) {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(apiKeys.id, options.keyId), eq(apiKeys.accountId, options.accountId), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id });
    if (!row) throw new AppError('not_found');
    await appendEvent(tx, { accountId: options.accountId, actor: options.actor, action: 'api_key.revoked', subject: { type: 'api_key', id: row.id } });
  });
}
