import type { KeyObject } from 'node:crypto';
import { certificateFromPem } from '../pki/platform-pki.js';
import { issueTimestampToken } from '../pki/timestamp-token.js';
// TODO(merge): import { createHttpTsa } from '../pki/tsa-client.js';
import type { TimestampAuthority } from './timestamps.js';

/**
 * Where signature and document timestamps come from: the platform's own TSA (its key is a
 * leaf key, so signing threads may hold it), or any RFC 3161 TSA over HTTP.
 */
export type TsaSetup =
  | { kind: 'embedded'; certPem: string; key: KeyObject; chainPems: string[] }
  | { kind: 'http'; url: string; username?: string; password?: string; timeoutMs?: number };

export function timestampAuthorityFrom(setup: TsaSetup): TimestampAuthority {
  if (setup.kind === 'http') throw new Error('HTTP TSA not wired yet');
  const cert = certificateFromPem(setup.certPem);
  const chain = setup.chainPems.map(certificateFromPem);
  return {
    timestamp: async (digest) => issueTimestampToken({ tsa: { cert, key: setup.key }, chain, digest, certReq: true }),
  };
}
