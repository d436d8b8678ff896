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
  await appendEvents(tx, [input]);
}

/**
 * Appends events in the order given, each to its account's chain: one lock and one read of the
 * chain's end per chain, one insert for all (a sweep that expires a hundred contracts writes a
 * hundred events). Chains are locked in a fixed order so that two batches never deadlock.
 */
export async function appendEvents(tx: Database, inputs: AuditEventInput[]): Promise<void> {
  if (inputs.length === 0) return;
  const chainOf = (input: AuditEventInput) => input.accountId ?? platformChain;
  const ends = new Map<string, { seq: number; hash: string }>();
  for (const chainKey of [...new Set(inputs.map(chainOf))].sort()) {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`audit:${chainKey}`}))`);
    const [last] = await tx
      .select({ seq: auditEvents.seq, hash: auditEvents.hash })
      .from(auditEvents)
      .where(eq(auditEvents.chainKey, chainKey))
      .orderBy(desc(auditEvents.seq))
      .limit(1);
    ends.set(chainKey, last ?? { seq: 0, hash: genesisHash });
  }
  const rows = inputs.map((input) => {
    const chainKey = chainOf(input);
    const end = ends.get(chainKey)!;
    const fields = {
      chainKey,
      seq: end.seq + 1,
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
      prevHash: end.hash,
    };
    const hash = eventHash(fields);
    ends.set(chainKey, { seq: fields.seq, hash });
    return { ...fields, hash };
  });
  // One JSON parameter, whatever the number of events: a multi-row VALUES of a hundred events
  // (the expiry sweep's) was 1,500 parameters that drizzle took longer to build than
  // PostgreSQL to insert.
  const batch = JSON.stringify(rows.map((r) => ({ ...r, at: r.at.toISOString() })));
  await tx.execute(sql`
    insert into ${auditEvents} (chain_key, seq, actor_user_id, actor_role, actor_email, actor_api_key_id, action, subject_type, subject_id, at, ip, user_agent, data, prev_hash, hash)
    select e."chainKey", e.seq, e."actorUserId", e."actorRole", e."actorEmail", e."actorApiKeyId", e.action, e."subjectType", e."subjectId", e.at, e.ip, e."userAgent", e.data, e."prevHash", e.hash
    from jsonb_to_recordset(${batch}::jsonb) as e("chainKey" text, seq int, "actorUserId" uuid, "actorRole" text, "actorEmail" text, "actorApiKeyId" uuid,
      action text, "subjectType" text, "subjectId" text, at timestamptz, ip text, "userAgent" text, data jsonb, "prevHash" text, hash text)`);
}
