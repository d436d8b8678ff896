import { type Cert, type CertPool, isCa, issuedBy, keyUsage, keyUsageBits, validAt } from './certs.js';

/**
 * Certification path building (RFC 5280 6.1, the parts a signature verifier needs): from the
 * end-entity certificate through CA certificates of the pool to one of the trust anchors,
 * each link's signature verified, every CA allowed to sign certificates, every certificate
 * valid at the given time. Only the anchors passed in are trusted: a root that merely
 * travels inside the signature, or a look-alike with the same names, never is.
 */

export type ChainResult =
  | { ok: true; path: Cert[] }
  | { ok: false; problem: 'untrusted_certificate' | 'certificate_not_valid_at_signing_time'; path: Cert[] };

const maxDepth = 6;

export function buildChain(leaf: Cert, pool: CertPool, anchors: Cert[], at: Date): ChainResult {
  const anchorIds = new Set(anchors.map((a) => a.id));
  let best: Cert[] | null = null;

  const canIssue = (ca: Cert) => {
    const ku = keyUsage(ca);
    return isCa(ca) && (ku === null || ku.has(keyUsageBits.keyCertSign));
  };

  const walk = (path: Cert[]): Cert[] | null => {
    const current = path.at(-1)!;
    if (anchorIds.has(current.id)) return path;
    if (path.length > maxDepth) return null;
    const candidates = [...anchors, ...pool.bySubject(current.issuerDer)];
    for (const issuer of candidates) {
      if (path.some((c) => c.id === issuer.id)) continue;
      if (!canIssue(issuer) || !issuedBy(current, issuer)) continue;
      const found = walk([...path, issuer]);
      if (found) return found;
    }
    if (!best || path.length > best.length) best = path;
    return null;
  };

  const path = walk([leaf]);
  if (!path) return { ok: false, problem: 'untrusted_certificate', path: best ?? [leaf] };
  if (!path.every((c) => validAt(c, at))) {
    return { ok: false, problem: 'certificate_not_valid_at_signing_time', path };
  }
  return { ok: true, path };
}
