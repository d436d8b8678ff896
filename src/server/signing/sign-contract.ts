import { createHash, type X509Certificate } from 'node:crypto';
import { assembleSignedData } from './cms/assemble.js';
import { prepareSignedAttributes } from './cms/signed-attributes.js';
import { appendDss, type ValidationMaterial } from './dss.js';
import { addDocumentTimestamp, type KeySigner, type SignedRevision, signatureContentsLength, signRevision } from './sign-pdf.js';
import { embedContents, type NewField, type PreparedRevision, type SignatureDictionary, prepareSignatureRevision, type Rect, revisionDigest } from './signature-fields.js';
import { stamp, type TimestampAuthority } from './timestamps.js';

export type ContractSignatures = {
  partyA: KeySigner;
  partyB: KeySigner;
  tsa: TimestampAuthority;
  /** Validation data for each party's chain and the TSA's, proving their status now. */
  material: { partyA: ValidationMaterial; partyB: ValidationMaterial };
  /** Widget rectangles over the seals of the last page. */
  widgets?: { partyA?: Rect; partyB?: Rect };
  claimedTime?: Date;
};

export type SignedContractPdf = {
  bytes: Buffer;
  /** The times the signature timestamps prove, Party A's and Party B's. */
  provenTimes: { partyA: Date; partyB: Date };
};

/**
 * A contract as PAdES B-LTA: Party A certifies it (DocMDP P=2, so that only signing, the DSS
 * and document timestamps may follow), Party B signs the field Party A's revision prepared,
 * then the DSS holds the validation data of every chain and a document timestamp covers all.
 */
export async function signContractPdf(unsigned: Buffer, o: ContractSignatures): Promise<SignedContractPdf> {
  const claimedTime = o.claimedTime ?? new Date();
  const a = await signRevision(unsigned, { signer: o.partyA, tsa: o.tsa, ...partyARevision(o.partyA.cert, o.widgets, claimedTime) });
  return finishContractPdf(a, { ...o, claimedTime });
}

/** Party A's revision: the certification signature, with Party B's field laid out for later. */
export function partyARevision(cert: X509Certificate, widgets: ContractSignatures['widgets'], claimedTime: Date) {
  const revision: { field: { create: NewField }; laterFields: NewField[]; dictionary: Extract<SignatureDictionary, { kind: 'approval' | 'certification' }> } = {
    field: { create: { name: 'PartyA', pageIndex: -1, rect: widgets?.partyA } },
    laterFields: [{ name: 'PartyB', pageIndex: -1, rect: widgets?.partyB }],
    dictionary: { kind: 'certification', subFilter: 'ETSI.CAdES.detached', signerName: commonName(cert.subject), reason: '甲方签署', claimedTime },
  };
  return revision;
}

/**
 * Phase one of Party A's signature when the key is elsewhere (Party A's browser): the revision
 * laid out with its placeholder, and the DER of the signed attributes the key must sign.
 */
export function preparePartyARevision(unsigned: Buffer, o: { cert: X509Certificate; widgets?: ContractSignatures['widgets']; claimedTime: Date }) {
  const r = partyARevision(o.cert, o.widgets, o.claimedTime);
  const prepared = prepareSignatureRevision(unsigned, { target: r.field, dictionary: r.dictionary, contentsLength: signatureContentsLength, laterFields: r.laterFields });
  const attributes = prepareSignedAttributes({ digest: revisionDigest(prepared), signerCert: o.cert });
  return { prepared, attributes };
}

/** Phase two: Party A's signature value (DER) timestamped and embedded in the prepared revision. */
export async function embedPartyASignature(
  prepared: PreparedRevision,
  o: { cert: X509Certificate; chain: X509Certificate[]; signature: Buffer; tsa: TimestampAuthority },
): Promise<SignedRevision> {
  const attributes = prepareSignedAttributes({ digest: revisionDigest(prepared), signerCert: o.cert });
  const timestamp = await stamp(o.tsa, createHash('sha256').update(o.signature).digest());
  const cms = assembleSignedData({ prepared: attributes, signature: o.signature, algorithm: 'ecdsa-sha256', chain: o.chain, signatureTimestamp: timestamp.token });
  const bytes = embedContents(prepared, cms);
  const contents = Buffer.alloc(signatureContentsLength);
  cms.copy(contents);
  return { bytes, contents, timestamp };
}

/** After Party A's revision: Party B signs, the DSS and a document timestamp follow. */
export async function finishContractPdf(a: SignedRevision, o: Omit<ContractSignatures, 'partyA'> & { claimedTime: Date }): Promise<SignedContractPdf> {
  const b = await signRevision(a.bytes, {
    signer: o.partyB,
    tsa: o.tsa,
    field: { fill: 'PartyB' },
    dictionary: { kind: 'approval', subFilter: 'ETSI.CAdES.detached', signerName: commonName(o.partyB.cert.subject), reason: '乙方签署', claimedTime: o.claimedTime },
  });
  const withDss = appendDss(b.bytes, [
    { contents: a.contents, material: o.material.partyA },
    { contents: b.contents, material: o.material.partyB },
  ]);
  const stamped = await addDocumentTimestamp(withDss, { tsa: o.tsa });
  return { bytes: stamped.bytes, provenTimes: { partyA: a.timestamp.genTime, partyB: b.timestamp.genTime } };
}

export function commonName(subject: string): string {
  return /(?:^|\n)CN=([^\n]*)/.exec(subject)?.[1] ?? subject;
}
