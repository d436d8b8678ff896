import type { PadesLevel } from './status.js';

/**
 * PAdES baseline levels (ETSI EN 319 142-1): B-B is a valid ETSI.CAdES.detached signature
 * with signing-certificate-v2 and no signingTime attribute; B-T adds a valid signature
 * timestamp; B-LT a DSS holding the certificates and revocation data of every chain (the
 * TSA's included); B-LTA a valid document timestamp over that DSS.
 */
export type LevelEvidence = {
  signatureValid: boolean;
  subFilter: string | null;
  hasSigningTime: boolean;
  signingCertificateV2Bound: boolean;
  timestampValid: boolean;
  /** Every certificate of every chain (signer's and TSA's) in the DSS, with revocation data. */
  dssComplete: boolean;
  /** A valid document timestamp in a revision after the DSS. */
  archiveTimestamp: boolean;
};

export function padesLevel(e: LevelEvidence): PadesLevel | null {
  if (!e.signatureValid || e.subFilter !== 'ETSI.CAdES.detached' || e.hasSigningTime || !e.signingCertificateV2Bound) {
    return null;
  }
  if (!e.timestampValid) return 'B-B';
  if (!e.dssComplete) return 'B-T';
  if (!e.archiveTimestamp) return 'B-LT';
  return 'B-LTA';
}
