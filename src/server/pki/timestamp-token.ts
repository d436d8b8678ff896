import { createHash, type KeyObject, randomBytes, sign, type X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { cmsOids } from '../signing/cms/oids.js';
import { derOrder, signingCertificateV2 } from '../signing/cms/signed-attributes.js';
import { parsedCertificate } from './platform-pki.js';

/** The platform TSA's policy (UUID arc, X.667). */
export const tsaPolicyOid = '2.25.301642345867012915836722437465410873311';

export const digestAlgorithmOids = {
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

const digestLengths: Record<string, number> = {
  [digestAlgorithmOids.sha256]: 32,
  [digestAlgorithmOids.sha384]: 48,
  [digestAlgorithmOids.sha512]: 64,
};

export class TimestampRequestError extends Error {
  constructor(
    readonly failure: 'badAlg' | 'badRequest' | 'badDataFormat',
    message: string,
  ) {
    super(message);
    this.name = 'TimestampRequestError';
  }
}

/**
 * An RFC 3161 TimeStampToken: a SignedData whose content is the TSTInfo (message imprint,
 * policy, serial, genTime), signed by the TSA's key with contentType, messageDigest and
 * signing-certificate-v2 (RFC 5816) as signed attributes. Pure: it needs no database, so signing
 * threads may stamp in process.
 */
export function issueTimestampToken(o: {
  tsa: { cert: X509Certificate; key: KeyObject };
  /** The TSA's CAs, embedded with its certificate when certReq is set. */
  chain: X509Certificate[];
  digest: Buffer;
  digestAlgorithm?: string;
  nonce?: asn1js.Integer;
  certReq?: boolean;
  genTime?: Date;
}): Buffer {
  const digestAlgorithm = o.digestAlgorithm ?? digestAlgorithmOids.sha256;
  const expected = digestLengths[digestAlgorithm];
  if (!expected) throw new TimestampRequestError('badAlg', `unsupported hash algorithm ${digestAlgorithm}`);
  if (o.digest.length !== expected) throw new TimestampRequestError('badDataFormat', 'the message imprint has the wrong length');
  // Whole seconds: RFC 3161 forbids trailing zeros in genTime's fraction; accuracy says 1 s.
  const genTime = new Date(Math.floor((o.genTime ?? new Date()).getTime() / 1000) * 1000);
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  const tstInfo = new pkijs.TSTInfo({
    version: 1,
    policy: tsaPolicyOid,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: digestAlgorithm }),
      hashedMessage: new asn1js.OctetString({ valueHex: o.digest }),
    }),
    serialNumber: new asn1js.Integer({ valueHex: serial }),
    genTime,
    accuracy: new pkijs.Accuracy({ seconds: 1 }),
    ...(o.nonce ? { nonce: o.nonce } : {}),
  });
  const tstDer = Buffer.from(tstInfo.toSchema().toBER());
  const tsaCert = parsedCertificate(o.tsa.cert);
  const attributes = derOrder([
    new pkijs.Attribute({ type: cmsOids.contentType, values: [new asn1js.ObjectIdentifier({ value: cmsOids.tstInfo })] }),
    new pkijs.Attribute({ type: cmsOids.messageDigest, values: [new asn1js.OctetString({ valueHex: createHash('sha256').update(tstDer).digest() })] }),
    signingCertificateV2(o.tsa.cert.raw, tsaCert),
  ]);
  const toBeSigned = Buffer.from(new asn1js.Set({ value: attributes.map((a) => a.toSchema()) }).toBER());
  const isEc = o.tsa.key.asymmetricKeyType === 'ec';
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: tsaCert.issuer, serialNumber: tsaCert.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: cmsOids.sha256 }),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes }),
    signatureAlgorithm: isEc
      ? new pkijs.AlgorithmIdentifier({ algorithmId: cmsOids.ecdsaWithSha256 })
      : new pkijs.AlgorithmIdentifier({ algorithmId: cmsOids.sha256WithRsa, algorithmParams: new asn1js.Null() }),
    signature: new asn1js.OctetString({ valueHex: sign('sha256', toBeSigned, o.tsa.key) }),
  });
  const certificates = o.certReq ? [o.tsa.cert, ...o.chain].sort((a, b) => Buffer.compare(a.raw, b.raw)).map(parsedCertificate) : undefined;
  const signedData = new pkijs.SignedData({
    // Version 3: the content is not id-data (RFC 5652 5.1).
    version: 3,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: cmsOids.sha256 })],
    encapContentInfo: primitiveContent(cmsOids.tstInfo, tstDer),
    ...(certificates ? { certificates } : {}),
    signerInfos: [signerInfo],
  });
  return Buffer.from(new pkijs.ContentInfo({ contentType: cmsOids.signedData, content: signedData.toSchema() }).toSchema().toBER());
}

/**
 * pkijs writes eContent as a constructed (BER) OCTET STRING; RFC 3161 tokens are DER, and
 * validators such as pyHanko (asn1crypto) refuse the constructed form.
 */
function primitiveContent(eContentType: string, content: Buffer): pkijs.EncapsulatedContentInfo {
  const info = new pkijs.EncapsulatedContentInfo({ eContentType, eContent: new asn1js.OctetString({ valueHex: content }) });
  const schema = new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: eContentType }),
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.OctetString({ valueHex: content })] }),
    ],
  });
  info.toSchema = () => schema;
  return info;
}
