import type { CertifiedKey, PlatformPki } from './platform-pki.js';

/** Platform certificates that are replaced by a new one when revoked. */
export type RolledPurpose = 'party_b' | 'tsa' | 'ocsp';
export const rolledField = { party_b: 'partyB', tsa: 'tsa', ocsp: 'ocsp' } as const satisfies Record<RolledPurpose, keyof PlatformPki>;

type Listener = (purpose: RolledPurpose, replacement: CertifiedKey) => void;
const listeners = new WeakMap<PlatformPki, Set<Listener>>();

/**
 * Called after Party B's (or the TSA's, or the OCSP responder's) certificate in `pki` was
 * replaced, by a revocation here or one that another instance made: whatever copied the old
 * one (the render workers) picks up the new one. Returns the function that unsubscribes.
 */
export function onCertificateRollover(pki: PlatformPki, listener: Listener): () => void {
  const set = listeners.get(pki) ?? new Set<Listener>();
  listeners.set(pki, set);
  set.add(listener);
  return () => set.delete(listener);
}

/** Swaps the replacement into the running PKI and tells the listeners. */
export function applyRollover(pki: PlatformPki, purpose: RolledPurpose, replacement: CertifiedKey): void {
  pki[rolledField[purpose]] = replacement;
  for (const listener of listeners.get(pki) ?? []) listener(purpose, replacement);
}
