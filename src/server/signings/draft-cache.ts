import { LRUCache } from 'lru-cache';
import { preparedLifetimeMs } from './code.js';

/**
 * The drafts of signings under way, as the instance that rendered them stored them. Confirming
 * and completing a signing read its draft (a few hundred KB, 5 MB for a big attachment) again;
 * from the database that cost a copy out of PostgreSQL as hex text and its decoding twice per
 * contract. An instance that did not start the signing (or restarted) reads it from the
 * database as before: the cache only ever answers what the database holds, checked by the
 * draft's hash in the signing's row.
 */
export type SigningDrafts = {
  get(signingId: string, draftSha256: string): Buffer | undefined;
  set(signingId: string, draftSha256: string, draft: Buffer): void;
  delete(signingId: string): void;
};

export function createSigningDrafts(o: { maxBytes?: number } = {}): SigningDrafts {
  const cache = new LRUCache<string, { sha256: string; draft: Buffer }>({
    maxSize: o.maxBytes ?? 16 * 1024 * 1024,
    sizeCalculation: (entry) => Math.max(1, entry.draft.length),
    // A signing lives at most that long waiting for its code, and as long again once confirmed.
    ttl: 2 * preparedLifetimeMs,
  });
  return {
    get: (signingId, draftSha256) => {
      const entry = cache.get(signingId);
      return entry?.sha256 === draftSha256 ? entry.draft : undefined;
    },
    set: (signingId, sha256, draft) => void cache.set(signingId, { sha256, draft }),
    delete: (signingId) => void cache.delete(signingId),
  };
}
