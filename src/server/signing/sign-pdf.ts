import { createHash, type KeyObject, sign, type X509Certificate } from 'node:crypto';
import { assembleSignedData, type SignatureAlgorithm } from './cms/assemble.js';
import { prepareSignedAttributes } from './cms/signed-attributes.js';
import { embedContents, type NewField, prepareSignatureRevision, revisionDigest, type SignatureDictionary } from './signature-fields.js';
import { stamp, type Timestamp, type TimestampAuthority } from './timestamps.js';

/** A key that signs the DER of CMS signed attributes, wherever it is held. */
export type KeySigner = {
  cert: X509Certificate;
  /** The certificates above it, nearest issuer first. */
  chain: X509Certificate[];
  algorithm: SignatureAlgorithm;
  sign(toBeSigned: Buffer): Promise<Buffer>;
};

/** A signer whose key is a node:crypto KeyObject held by this process. */
export function keyObjectSigner(cert: X509Certificate, key: KeyObject, chain: X509Certificate[]): KeySigner {
  if (!cert.checkPrivateKey(key)) throw new Error('the key does not match the certificate');
  return {
    cert,
    chain,
    algorithm: key.asymmetricKeyType === 'ec' ? 'ecdsa-sha256' : 'rsa-sha256',
    sign: async (toBeSigned) => sign('sha256', toBeSigned, key),
  };
}

/**
 * Room for the CMS in /Contents: an ECDSA signature, three certificates and a timestamp token
 * carrying the TSA's chain take ~5 KB; unused bytes stay zero padding.
 */
export const signatureContentsLength = 12288;
export const documentTimestampContentsLength = 8192;

export type SignedRevision = {
  bytes: Buffer;
  /** The /Contents value as stored (DER, zero padded), which VRI keys hash. */
  contents: Buffer;
  /** The signature's (or the document's) timestamp, with the time it proves. */
  timestamp: Timestamp;
};

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();

/**
 * Signs the PDF in a new revision with a PAdES baseline signature (ETSI.CAdES.detached) and
 * its signature timestamp (B-T): the revision is laid out, its digest goes into the signed
 * attributes, the key signs them, the TSA stamps the signature value, and the CMS is embedded.
 */
export async function signRevision(
  pdf: Buffer,
  o: {
    signer: KeySigner;
    tsa: TimestampAuthority;
    field: { create: NewField } | { fill: string };
    dictionary: Extract<SignatureDictionary, { kind: 'approval' | 'certification' }>;
    laterFields?: NewField[];
    contentsLength?: number;
  },
): Promise<SignedRevision> {
  const contentsLength = o.contentsLength ?? signatureContentsLength;
  const prepared = prepareSignatureRevision(pdf, { target: o.field, dictionary: o.dictionary, contentsLength, laterFields: o.laterFields });
  const attributes = prepareSignedAttributes({ digest: revisionDigest(prepared), signerCert: o.signer.cert });
  const signature = await o.signer.sign(attributes.toBeSigned);
  const timestamp = await stamp(o.tsa, sha256(signature));
  const cms = assembleSignedData({ prepared: attributes, signature, algorithm: o.signer.algorithm, chain: o.signer.chain, signatureTimestamp: timestamp.token });
  const bytes = embedContents(prepared, cms);
  return { bytes, contents: paddedContents(cms, contentsLength), timestamp };
}

/** A document timestamp (ETSI.RFC3161) over the whole file as it now is: PAdES B-LTA. */
export async function addDocumentTimestamp(pdf: Buffer, o: { tsa: TimestampAuthority; contentsLength?: number }): Promise<SignedRevision> {
  const contentsLength = o.contentsLength ?? documentTimestampContentsLength;
  const prepared = prepareSignatureRevision(pdf, { target: { create: { name: 'DocumentTimestamp', pageIndex: 0 } }, dictionary: { kind: 'document-timestamp' }, contentsLength });
  const timestamp = await stamp(o.tsa, revisionDigest(prepared));
  const bytes = embedContents(prepared, timestamp.token);
  return { bytes, contents: paddedContents(timestamp.token, contentsLength), timestamp };
}

function paddedContents(der: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  der.copy(out);
  return out;
}
