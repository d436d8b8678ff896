import { createHash, type KeyObject } from 'node:crypto';
import { signContractPdf } from '../pdf/sign.js';
import { certificateFromPem, issueEventCertificate, type PlatformPki, type SigningPki } from '../pki/platform-pki.js';
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

/** Party A's signing credential for one contract: an event certificate issued to its identity. */
export type PartyACredential = { name: string; certPem: string; key: KeyObject; signedAt: Date };

export type SignedContract = { bytes: Buffer; sha256: string; signatures: SignatureRecord[] };

type Widgets = { partyA: [number, number, number, number]; partyB: [number, number, number, number] };

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
 * Issues Party A's event certificate: the subject is the verified identity (the credit code,
 * or a SHA-256 of a person's ID number). Needs the issuing CA's key, so it runs where the
 * platform PKI lives, not in the PDF workers.
 */
export function issuePartyACredential(pki: Pick<PlatformPki, 'issuing'>, identity: SignerIdentity, signedAt: Date = new Date()): PartyACredential {
  const { certPem, key } = issueEventCertificate(
    pki,
    identity.subjectType === 'enterprise'
      ? { subjectType: 'enterprise', name: identity.name, creditCode: identity.creditCode! }
      : { subjectType: 'personal', name: identity.name, idNumberHash: createHash('sha256').update(identity.idNumber!).digest('hex') },
    signedAt,
  );
  return { name: identity.name, certPem, key, signedAt };
}

/**
 * Party A signs with its event certificate, then Party B with the organisation certificate;
 * returns the final bytes, their SHA-256 and who signed.
 */
export async function signWithCredential(
  pki: SigningPki,
  options: { unsigned: Buffer; partyA: PartyACredential; partyBName: string; widgets?: Widgets },
): Promise<SignedContract> {
  const { partyA } = options;
  const bytes = await signContractPdf(options.unsigned, { partyA, pki, signingTime: partyA.signedAt, widgets: options.widgets });
  return {
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    signatures: [
      record('party_a', partyA.name, partyA.certPem, partyA.signedAt),
      record('party_b', options.partyBName, pki.partyB.certPem, partyA.signedAt),
    ],
  };
}

/** Issues Party A's event certificate now and signs with it, then as Party B. */
export function signContractDocument(pki: PlatformPki, options: Signatories & { unsigned: Buffer; widgets?: Widgets }): Promise<SignedContract> {
  return signWithCredential(pki, { ...options, partyA: issuePartyACredential(pki, options.identity) });
}
