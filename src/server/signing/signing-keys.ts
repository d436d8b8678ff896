import type { KeyObject } from 'node:crypto';
import { certificateFromPem } from '../pki/platform-pki.js';
import { keyObjectSigner, type KeySigner } from './sign-pdf.js';
import type { TimestampAuthority } from './timestamps.js';
import { timestampAuthorityFrom, type TsaSetup } from './tsa-setup.js';

/**
 * What the signing threads hold: Party B's key and chain, the platform chain Party A's event
 * certificates hang from, and the TSA. Never a CA key.
 */
export type SigningKeys = { partyB: KeySigner; platformChain: ReturnType<typeof certificateFromPem>[]; tsa: TimestampAuthority };

/** SigningKeys as they cross to a worker thread: PEMs and KeyObjects clone, X509Certificates do not. */
export type TransferableSigningKeys = {
  partyB: { certPem: string; key: KeyObject; chainPems: string[] };
  platformChainPems: string[];
  tsa: TsaSetup;
};

export function signingKeysFrom(t: TransferableSigningKeys): SigningKeys {
  return {
    partyB: keyObjectSigner(certificateFromPem(t.partyB.certPem), t.partyB.key, t.partyB.chainPems.map(certificateFromPem)),
    platformChain: t.platformChainPems.map(certificateFromPem),
    tsa: timestampAuthorityFrom(t.tsa),
  };
}
