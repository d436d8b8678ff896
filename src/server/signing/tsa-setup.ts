import { createHttpTsa } from '../pki/tsa-client.js';
import { embeddedTsa, type TransferableTsa } from '../pki/tsa.js';
import type { TimestampAuthority } from './timestamps.js';

/**
 * Where signature and document timestamps come from: the platform's own TSA (its key is a
 * leaf key, so signing threads may hold it), or any RFC 3161 TSA over HTTP.
 */
export type TsaSetup =
  | ({ kind: 'embedded' } & TransferableTsa)
  | { kind: 'http'; url: string; username?: string; password?: string; timeoutMs: number };

export function timestampAuthorityFrom(setup: TsaSetup): TimestampAuthority {
  return setup.kind === 'http' ? createHttpTsa(setup) : embeddedTsa(setup);
}
