import { createHash } from 'node:crypto';
import { signContractPdf } from '../pdf/sign.js';
import { certificateFromPem, issueEventCertificate, type SigningPki } from '../pki/platform-pki.js';
import type { SignatureRecord } from './types.js';

/** The verified identity Party A signs as. */
export type SignerIdentity = {
  subjectType: 'enterprise' | 'personal';
  name: string;
  creditCode: string | null;
  idNumber: string | null;
};

/** Who signs a contract: Party A as verified, Party B by name (its certificate is the PKI's). */
export type Signatories = { identity: SignerIdentity; partyBName: string };

export type SignedContract = { bytes: Buffer; sha256: string; signatures: SignatureRecord[] };

function record(role: SignatureRecord['role'], signer: string, certPem: string, at: Date): SignatureRecord {
  const cert = certificateFromPem(certPem);
  return {
    role,
    signer,
    signedAt: at.toISOString(),
    certificateSubject: cert.subject.replaceAll('\n', ', '),
    certificateSerial: cert.serialNumber,
    certificateIssuer: cert.issuer.replaceAll('\n', ', '),
  };
}

/**
 * Party A signs with an event certificate issued now to the verified identity, then Party B
 * with the organisation certificate; returns the final bytes, their SHA-256 and who signed.
 */
export async function signContractDocument(
  pki: SigningPki,
  options: Signatories & {
    unsigned: Buffer;
    widgets?: { partyA: [number, number, number, number]; partyB: [number, number, number, number] };
  },
): Promise<SignedContract> {
  const { identity } = options;
  const signedAt = new Date();
  const partyA = issueEventCertificate(
    pki,
    identity.subjectType === 'enterprise'
      ? { subjectType: 'enterprise', name: identity.name, creditCode: identity.creditCode! }
      : { subjectType: 'personal', name: identity.name, idNumberHash: createHash('sha256').update(identity.idNumber!).digest('hex') },
    signedAt,
  );
  const bytes = await signContractPdf(options.unsigned, { partyA, pki, signingTime: signedAt, widgets: options.widgets });
  return {
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    signatures: [
      record('party_a', identity.name, partyA.certPem, signedAt),
      record('party_b', options.partyBName, pki.partyB.certPem, signedAt),
    ],
  };
}
