import { desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { auditEvents } from '../db/schema/index.js';
import type { AuditEventInput } from './events.js';
import { eventHash, genesisHash } from './hash-chain.js';

export const platformChain = 'platform';

/**
 * Appends an event to its chain. Call inside the transaction that makes the change: the
 * advisory lock serialises appends to one chain across instances until that transaction ends.
 */
export async function appendEvent(tx: Database, input: AuditEventInput): Promise<void> {
  const chainKey = input.accountId ?? platformChain;
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`audit:${chainKey}`}))`);
  const [last] = await tx
    .select({ seq: auditEvents.seq, hash: auditEvents.hash })
    .from(auditEvents)
    .where(eq(auditEvents.chainKey, chainKey))
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  const fields = {
    chainKey,
    seq: (last?.seq ?? 0) + 1,
    actorUserId: input.actor.userId,
    actorRole: input.actor.role,
    actorEmail: input.actor.email ?? null,
    actorApiKeyId: input.actor.apiKeyId ?? null,
    action: input.action,
    subjectType: input.subject.type,
    subjectId: input.subject.id,
    at: new Date(),
    ip: input.actor.ip ?? null,
    userAgent: input.actor.userAgent?.slice(0, 500) ?? null,
    data: input.data ?? {},
    prevHash: last?.hash ?? genesisHash,
  };
  await tx.insert(auditEvents).values({ ...fields, hash: eventHash(fields) });
}
