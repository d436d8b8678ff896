import type { X509Certificate } from 'node:crypto';
import {
  certificateFromPem,
  decryptKey,
  encryptKey,
  issueIssuingCa,
  issueOcspResponderCertificate,
  issuePartyBCertificate,
  issueRootCrl,
  issueTsaCertificate,
  notAfterOf,
  type PartyBIdentity,
  type StoredPkiV2,
} from '../platform-pki.js';
import type { CertificatePurpose } from '../../db/schema/pki.js';

export type RolledPki = {
  stored: StoredPkiV2;
  /** What was issued, CA first, for the certificate registry. */
  issued: { cert: X509Certificate; purpose: CertificatePurpose }[];
  retired: { cert: X509Certificate; revokedAt: Date };
};

/**
 * Replaces the issuing CA: decrypts the root key, issues a new issuing CA and the
 * certificates that depend on it (Party B, TSA, OCSP responder), and a root CRL that revokes
 * the old issuing CA (superseded) along with every one retired before it. Pure: the caller
 * stores the result.
 */
export function rollIssuingCa(
  stored: StoredPkiV2,
  keyPassphrase: string,
  o: { publicUrl: string; partyB: PartyBIdentity; now?: Date },
): RolledPki {
  const now = o.now ?? new Date();
  const root = decryptKey(stored.root, keyPassphrase, 'root CA');
  const old = decryptKey(stored.issuing, keyPassphrase, 'issuing CA');
  const issuing = issueIssuingCa(root, o.publicUrl, now);
  const partyB = issuePartyBCertificate(issuing, o.partyB, now);
  const tsa = issueTsaCertificate(issuing, now);
  const ocsp = issueOcspResponderCertificate(issuing, now);
  const revokedAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const retiredIssuing = [...(stored.retiredIssuing ?? []), { certPem: old.certPem, revokedAt: revokedAt.toISOString() }];
  const rootCrl = issueRootCrl(root, {
    revoked: retiredIssuing.map((r) => ({ serial: certSerial(r.certPem), revokedAt: new Date(r.revokedAt) })),
    nextUpdate: notAfterOf(issuing.cert),
    now,
  });
  const pass = keyPassphrase;
  return {
    stored: {
      ...stored,
      publicUrl: o.publicUrl,
      issuing: encryptKey(issuing, pass),
      partyB: encryptKey(partyB, pass),
      tsa: encryptKey(tsa, pass),
      ocsp: encryptKey(ocsp, pass),
      rootCrl: rootCrl.toString('base64'),
      retiredIssuing,
    },
    issued: [
      { cert: issuing.cert, purpose: 'issuing' },
      { cert: partyB.cert, purpose: 'party_b' },
      { cert: tsa.cert, purpose: 'tsa' },
      { cert: ocsp.cert, purpose: 'ocsp' },
    ],
    retired: { cert: old.cert, revokedAt },
  };
}

/** Re-signs the root CRL with the same entries, when its nextUpdate draws near. */
export function renewRootCrl(stored: StoredPkiV2, keyPassphrase: string, now: Date = new Date()): StoredPkiV2 {
  const root = decryptKey(stored.root, keyPassphrase, 'root CA');
  const rootCrl = issueRootCrl(root, {
    revoked: (stored.retiredIssuing ?? []).map((r) => ({ serial: certSerial(r.certPem), revokedAt: new Date(r.revokedAt) })),
    nextUpdate: notAfterOf(certificateFromPem(stored.issuing.certPem)),
    now,
  });
  return { ...stored, rootCrl: rootCrl.toString('base64') };
}

function certSerial(pem: string): string {
  return certificateFromPem(pem).serialNumber;
}
