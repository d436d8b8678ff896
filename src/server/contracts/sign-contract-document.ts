import { createHash, type KeyObject, type X509Certificate } from 'node:crypto';
import { certificateFromPem, issueEventCertificate, type PlatformPki } from '../pki/platform-pki.js';
import type { ValidationMaterial } from '../signing/dss.js';
import { commonName, signContractPdf } from '../signing/sign-contract.js';
import { keyObjectSigner } from '../signing/sign-pdf.js';
import type { SigningKeys, TransferableSigningKeys } from '../signing/signing-keys.js';
import type { Database } from '../db/client.js';
import { recordCertificate } from '../pki/registry.js';
import type { TrustServices } from '../pki/trust-services.js';
import type { SignatureRecord } from './types.js';

/** The verified identity Party A signs as. */
export type SignerIdentity = {
  subjectType: 'enterprise' | 'personal';
  name: string;
  creditCode: string | null;
  idNumber: string | null;
};

/** Who signs a contract: Party A as verified, Party B by name (its certificate is the PKI's). */
export type Signatories = { identity: SignerIdentity; partyBName: string; accountId?: string };

/** Party A's signing credential for one contract: an event certificate issued to its identity. */
export type PartyACredential = { name: string; certPem: string; key: KeyObject; signedAt: Date };

/**
 * What the request thread hands the signing thread for one contract: Party A's credential,
 * and the validation data (OCSP responses, CRLs, CA certificates) of both parties' chains and
 * the TSA's, which go into the DSS.
 */
export type PartyAPreparation = { credential: PartyACredential; material: { partyA: ValidationMaterial; partyB: ValidationMaterial } };

export type SignedContract = { bytes: Buffer; sha256: string; signatures: SignatureRecord[] };

type Widgets = { partyA: [number, number, number, number]; partyB: [number, number, number, number] };

export function record(role: SignatureRecord['role'], signer: string, cert: X509Certificate, at: Date): SignatureRecord {
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

/** Structured clone turns Buffers into Uint8Arrays; the signing code wants Buffers back. */
export function preparationFromMessage(p: PartyAPreparation): PartyAPreparation {
  const buffers = (list: Uint8Array[]) => list.map((u) => Buffer.from(u.buffer, u.byteOffset, u.byteLength));
  const material = (m: ValidationMaterial): ValidationMaterial => ({
    certificates: buffers(m.certificates),
    ocspResponses: buffers(m.ocspResponses),
    crls: buffers(m.crls),
  });
  return { credential: p.credential, material: { partyA: material(p.material.partyA), partyB: material(p.material.partyB) } };
}

/**
 * Party A certifies with its event certificate, Party B signs with the organisation
 * certificate, each with a signature timestamp; the DSS and a document timestamp follow
 * (PAdES B-LTA). Returns the final bytes, their SHA-256 and who signed when, as the
 * timestamps prove.
 */
export async function signContractDocument(
  keys: SigningKeys,
  options: { unsigned: Buffer; partyA: PartyAPreparation; partyBName: string; widgets?: Widgets },
): Promise<SignedContract> {
  const { credential } = options.partyA;
  const eventCert = certificateFromPem(credential.certPem);
  const partyA = keyObjectSigner(eventCert, credential.key, keys.platformChain);
  const signed = await signContractPdf(options.unsigned, {
    partyA,
    partyB: keys.partyB,
    tsa: keys.tsa,
    material: options.partyA.material,
    widgets: options.widgets,
    claimedTime: credential.signedAt,
  });
  return {
    bytes: signed.bytes,
    sha256: createHash('sha256').update(signed.bytes).digest('hex'),
    signatures: [
      { ...record('party_a', credential.name, eventCert, signed.provenTimes.partyA), keyCustody: 'platform' },
      record('party_b', options.partyBName || commonName(keys.partyB.cert.subject), keys.partyB.cert, signed.provenTimes.partyB),
    ],
  };
}

/**
 * In the request thread: issues Party A's event certificate, records it (refused and lost
 * requests too, so that the responder knows every serial), and gathers the validation data of
 * both parties' chains and the TSA's.
 */
export async function preparePartyASigning(
  deps: { db: Database; pki: PlatformPki; trust: TrustServices },
  identity: SignerIdentity,
  accountId?: string,
): Promise<PartyAPreparation> {
  const credential = issuePartyACredential(deps.pki, identity);
  const eventCert = certificateFromPem(credential.certPem);
  await recordCertificate(deps.db, eventCert, 'event', { accountId });
  const tsa = deps.trust.tsaChain.slice(0, 1);
  const [partyA, partyB] = await Promise.all([
    deps.trust.validationMaterial([eventCert, ...tsa]),
    deps.trust.validationMaterial([deps.pki.partyB.cert, ...tsa]),
  ]);
  return { credential, material: { partyA, partyB } };
}

/** The keys signing threads get: Party B's, the TSA's; the platform chain for Party A. */
export function transferableSigningKeys(pki: PlatformPki, trust: TrustServices): TransferableSigningKeys {
  const platformChainPems = [pki.issuing.certPem, pki.root.certPem];
  return {
    // Party B's chain is the platform's, or a licensed CA's from its PKCS#12 file.
    partyB: { certPem: pki.partyB.certPem, key: pki.partyB.key, chainPems: pki.partyBChain.map((c) => c.toString()) },
    platformChainPems,
    tsa: trust.tsaSetup(),
  };
}
