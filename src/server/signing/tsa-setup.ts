import { certificateFromPem } from '../pki/platform-pki.js';
import { createHttpTsa } from '../pki/tsa-client.js';
import { embeddedTsa, type TransferableTsa } from '../pki/tsa.js';
import type { TimestampAuthority } from './timestamps.js';

/**
 * Where signature and document timestamps come from: the platform's own TSA (its key is a
 * leaf key, so signing threads may hold it), or any RFC 3161 TSA over HTTP.
 */
export type TsaSetup =
  | ({ kind: 'embedded' } & TransferableTsa)
  | { kind: 'http'; url: string; username?: string; password?: string; timeoutMs: number; trustPems: string[] };

export function timestampAuthorityFrom(setup: TsaSetup): TimestampAuthority {
  if (setup.kind === 'embedded') return embeddedTsa(setup);
  // Tokens from outside are checked against the configured chain before they are embedded.
  return createHttpTsa({ ...setup, trust: setup.trustPems.map(certificateFromPem) });
}
