import { createHash, verify as cryptoVerify, type KeyObject } from 'node:crypto';

/** Digest algorithms the verifier accepts (SHA-1 only where OCSP CertIDs use it). */
export const digestNames: Record<string, string> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const sha1 = '1.3.14.3.2.26';

/** Signature algorithms: the hash they imply, or null when it comes from the digestAlgorithm. */
const signatureHashes: Record<string, { key: 'ec' | 'rsa'; hash: string | null }> = {
  '1.2.840.10045.2.1': { key: 'ec', hash: null },
  '1.2.840.10045.4.3.2': { key: 'ec', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { key: 'ec', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { key: 'ec', hash: 'sha512' },
  '1.2.840.113549.1.1.1': { key: 'rsa', hash: null },
  '1.2.840.113549.1.1.11': { key: 'rsa', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { key: 'rsa', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { key: 'rsa', hash: 'sha512' },
};

export function digest(algorithmOid: string, ...parts: Uint8Array[]): Buffer | null {
  const name = digestNames[algorithmOid] ?? (algorithmOid === sha1 ? 'sha1' : undefined);
  if (!name) return null;
  const h = createHash(name);
  for (const p of parts) h.update(p);
  return h.digest();
}

/**
 * Verifies a signature made with `signatureOid` (hash from `digestOid` when the OID names
 * only the key type). 'unsupported' when the algorithm is not one we accept.
 */
export function verifySignature(
  signatureOid: string,
  digestOid: string | null,
  data: Uint8Array,
  signature: Uint8Array,
  key: KeyObject,
): boolean | 'unsupported' {
  const alg = signatureHashes[signatureOid];
  if (!alg || alg.key !== key.asymmetricKeyType) return 'unsupported';
  const hash = alg.hash ?? (digestOid ? digestNames[digestOid] : undefined);
  if (!hash) return 'unsupported';
  try {
    return cryptoVerify(hash, data, key, signature);
  } catch {
    return false;
  }
}
