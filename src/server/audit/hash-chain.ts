import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export const genesisHash = '0'.repeat(64);

export type ChainedFields = {
  chainKey: string;
  seq: number;
  actorUserId: string | null;
  actorRole: string;
  actorEmail?: string | null;
  actorApiKeyId?: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  at: Date;
  ip: string | null;
  userAgent: string | null;
  data: unknown;
  prevHash: string;
};

/** SHA-256 over the RFC 8785 canonical JSON of the event and its predecessor's hash. */
export function eventHash(e: ChainedFields): string {
  // Named fields only: a stored row also carries its id and its own hash.
  const canonical = canonicalize({
    chainKey: e.chainKey,
    seq: e.seq,
    actorUserId: e.actorUserId,
    actorRole: e.actorRole,
    // Only when present, so that events written before these existed keep their hashes.
    ...(e.actorEmail ? { actorEmail: e.actorEmail } : {}),
    ...(e.actorApiKeyId ? { actorApiKeyId: e.actorApiKeyId } : {}),
    action: e.action,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    at: e.at.toISOString(),
    ip: e.ip,
    userAgent: e.userAgent,
    data: e.data,
    prevHash: e.prevHash,
  });
  return createHash('sha256').update(canonical ?? '').digest('hex');
}

/** True when each event links to the one before it and its hash matches its content. */
export function isChainValid(events: (ChainedFields & { hash: string })[]): boolean {
  let prev = genesisHash;
  let seq = 0;
  for (const e of events) {
    seq += 1;
    if (e.seq !== seq || e.prevHash !== prev || eventHash(e) !== e.hash) return false;
    prev = e.hash;
  }
  return true;
}
