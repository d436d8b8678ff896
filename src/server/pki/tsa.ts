import { createHash, type KeyObject, randomBytes, sign, type X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { servicePolicyOids } from './ca/profiles.js';
import { derOrder, signingCertificateV2 } from '../signing/cms/signed-attributes.js';
import { certificateFromPem, parsedCertificate } from './platform-pki.js';

/**
 * The embedded time-stamping authority (RFC 3161). Pure: no database, no clock but the one
 * given, so that worker threads can issue tokens with a transferred key.
 */

export const tspOids = {
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
} as const;

/** Digest algorithms a query may name, with their lengths; SHA-1 and MD5 are refused (badAlg). */
export const acceptedDigests: Record<string, { name: string; length: number }> = {
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', length: 32 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', length: 48 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', length: 64 },
  '2.16.840.1.101.3.4.2.8': { name: 'sha3-256', length: 32 },
  '2.16.840.1.101.3.4.2.9': { name: 'sha3-384', length: 48 },
  '2.16.840.1.101.3.4.2.10': { name: 'sha3-512', length: 64 },
};

export type TsaCredential = { cert: X509Certificate; key: KeyObject };

export type TimestampTokenOptions = {
  tsa: TsaCredential;
  /** The TSA's CAs, nearest first; embedded with the TSA certificate when certReq is set. */
  chain: X509Certificate[];
  /** OID of the digest algorithm that produced `digest`. */
  digestAlgorithm: string;
  digest: Buffer;
  nonce?: asn1js.Integer | bigint;
  /** Embed the certificates (RFC 3161 2.4.1); on by default, as PAdES validators need them. */
  certReq?: boolean;
  genTime?: Date;
  policy?: string;
};

function serialNumber(): asn1js.Integer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return new asn1js.Integer({ valueHex: bytes });
}

function nonceInteger(n: asn1js.Integer | bigint): asn1js.Integer {
  if (n instanceof asn1js.Integer) return n;
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (Number.parseInt(hex[0]!, 16) >= 8) hex = `00${hex}`;
  return new asn1js.Integer({ valueHex: Buffer.from(hex, 'hex') });
}

/** DER orders a SET OF by the encodings of its members. */

/** The DER TimeStampToken (ContentInfo of SignedData over a TSTInfo) for one digest. */
export function issueTimestampToken(o: TimestampTokenOptions): Buffer {
  return issueTimestamp(o).token;
}

/** The token with the genTime it states, so that nobody has to parse it back to learn it. */
export function issueTimestamp(o: TimestampTokenOptions): Timestamp {
  const genTime = wholeSeconds(o.genTime ?? new Date());
  return { token: Buffer.from(timestampTokenContentInfo({ ...o, genTime }).toSchema().toBER()), genTime };
}

// genTime has whole seconds (the accuracy below is one second).
const wholeSeconds = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000);

export function timestampTokenContentInfo(o: TimestampTokenOptions): pkijs.ContentInfo {
  const genTime = wholeSeconds(o.genTime ?? new Date());
  const tstInfo = new pkijs.TSTInfo({
    version: 1,
    policy: o.policy ?? servicePolicyOids.timestampPolicy,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: o.digestAlgorithm }),
      hashedMessage: new asn1js.OctetString({ valueHex: o.digest }),
    }),
    serialNumber: serialNumber(),
    genTime,
    accuracy: new pkijs.Accuracy({ seconds: 1 }),
    ...(o.nonce === undefined ? {} : { nonce: nonceInteger(o.nonce) }),
  });
  const eContent = Buffer.from(tstInfo.toSchema().toBER());
  const signer = parsedCertificate(o.tsa.cert);
  const attributes = derOrder([
    new pkijs.Attribute({ type: tspOids.contentType, values: [new asn1js.ObjectIdentifier({ value: tspOids.tstInfo })] }),
    new pkijs.Attribute({ type: tspOids.messageDigest, values: [new asn1js.OctetString({ valueHex: createHash('sha256').update(eContent).digest() })] }),
    signingCertificateV2(o.tsa.cert.raw, signer),
  ]);
  // RFC 5652 5.4: the signature covers the attributes as an explicit SET OF.
  const signedAttrsDer = new asn1js.Set({ value: attributes.map((a) => a.toSchema()) }).toBER();
  const sha256 = () => new pkijs.AlgorithmIdentifier({ algorithmId: tspOids.sha256 });
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: signer.issuer, serialNumber: signer.serialNumber }),
    digestAlgorithm: sha256(),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes }),
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: tspOids.ecdsaWithSha256 }),
    signature: new asn1js.OctetString({ valueHex: sign('sha256', new Uint8Array(signedAttrsDer), o.tsa.key) }),
  });
  const certificates =
    o.certReq === false
      ? undefined
      : [o.tsa.cert, ...o.chain]
          .sort((a, b) => Buffer.compare(a.raw, b.raw))
          .map((c) => parsedCertificate(c));
  const signedData = new pkijs.SignedData({
    version: 3,
    digestAlgorithms: [sha256()],
    encapContentInfo: primitiveContent(tspOids.tstInfo, eContent),
    ...(certificates ? { certificates } : {}),
    signerInfos: [signerInfo],
  });
  return new pkijs.ContentInfo({ contentType: tspOids.signedData, content: signedData.toSchema() });
}

/** RFC 3161 2.4.2 PKIFailureInfo bits the responder uses. */
export const pkiFailure = {
  badAlg: 0,
  badRequest: 2,
  badDataFormat: 5,
  unacceptedPolicy: 15,
  unacceptedExtension: 16,
  systemFailure: 25,
} as const;
export type PkiFailure = keyof typeof pkiFailure;

/** A named BIT STRING in DER: only up to the last set bit. */
function failureBits(failure: PkiFailure): asn1js.BitString {
  const bit = pkiFailure[failure];
  const bytes = new Uint8Array(Math.floor(bit / 8) + 1);
  bytes[Math.floor(bit / 8)] = 0x80 >> bit % 8;
  return new asn1js.BitString({ valueHex: bytes, unusedBits: 7 - (bit % 8) });
}

export function timestampRejection(failure: PkiFailure, text: string): Buffer {
  const response = new pkijs.TimeStampResp({
    status: new pkijs.PKIStatusInfo({
      status: 2, // rejection
      statusStrings: [new asn1js.Utf8String({ value: text })],
      failInfo: failureBits(failure),
    }),
  });
  return Buffer.from(response.toSchema().toBER());
}

class QueryError extends Error {
  constructor(
    readonly failure: PkiFailure,
    message: string,
  ) {
    super(message);
  }
}

function parseQuery(der: Uint8Array): pkijs.TimeStampReq {
  if (!der.byteLength) throw new QueryError('badDataFormat', 'empty request');
  const asn1 = asn1js.fromBER(der);
  if (asn1.offset === -1 || asn1.offset !== der.byteLength) throw new QueryError('badDataFormat', 'the request is not DER');
  let req: pkijs.TimeStampReq;
  try {
    req = new pkijs.TimeStampReq({ schema: asn1.result });
  } catch {
    throw new QueryError('badDataFormat', 'the request is not a TimeStampReq');
  }
  if (req.version !== 1) throw new QueryError('badRequest', 'unsupported version');
  const alg = acceptedDigests[req.messageImprint.hashAlgorithm.algorithmId];
  if (!alg) throw new QueryError('badAlg', 'unsupported hash algorithm');
  if (req.messageImprint.hashedMessage.valueBlock.valueHexView.byteLength !== alg.length)
    throw new QueryError('badDataFormat', 'the hashed message does not match its algorithm');
  if (req.nonce && req.nonce.valueBlock.valueHexView.byteLength > 64) throw new QueryError('badDataFormat', 'nonce too long');
  if (req.extensions?.length) throw new QueryError('unacceptedExtension', 'no extensions are supported');
  return req;
}

/**
 * Answers a DER TimeStampReq with a DER TimeStampResp: granted with a token, or a rejection
 * with its PKIFailureInfo. Never throws for a bad query.
 */
export function respondToTimestampQuery(query: Uint8Array, o: { tsa: TsaCredential; chain: X509Certificate[]; now?: Date }): Buffer {
  let req: pkijs.TimeStampReq;
  try {
    req = parseQuery(query);
    if (req.reqPolicy && req.reqPolicy !== servicePolicyOids.timestampPolicy) throw new QueryError('unacceptedPolicy', 'unknown policy');
  } catch (error) {
    if (error instanceof QueryError) return timestampRejection(error.failure, error.message);
    return timestampRejection('badDataFormat', 'the request is not a TimeStampReq');
  }
  const token = timestampTokenContentInfo({
    tsa: o.tsa,
    chain: o.chain,
    digestAlgorithm: req.messageImprint.hashAlgorithm.algorithmId,
    digest: Buffer.from(req.messageImprint.hashedMessage.valueBlock.valueHexView),
    nonce: req.nonce,
    certReq: req.certReq ?? false,
    genTime: o.now,
  });
  const response = new pkijs.TimeStampResp({ status: new pkijs.PKIStatusInfo({ status: 0 }), timeStampToken: token });
  return Buffer.from(response.toSchema().toBER());
}

/** A DER TimeStampToken and the genTime its TSTInfo states, known to whoever issued or checked it. */
export type Timestamp = { token: Buffer; genTime: Date };

/** Any RFC 3161 time-stamping authority: the platform's own, or one from configuration. */
export type TimestampAuthority = { timestamp(digest: Buffer /* SHA-256 of the data */): Promise<Timestamp> };

/** The embedded TSA as it crosses to a worker thread: KeyObjects clone, X509Certificates do not. */
export type TransferableTsa = { certPem: string; key: KeyObject; chainPems: string[] };

export function embeddedTsa(t: TransferableTsa): TimestampAuthority {
  const tsa = { cert: certificateFromPem(t.certPem), key: t.key };
  const chain = t.chainPems.map(certificateFromPem);
  return {
    async timestamp(digest) {
      if (digest.byteLength !== 32) throw new Error('the embedded TSA stamps SHA-256 digests');
      return issueTimestamp({ tsa, chain, digestAlgorithm: tspOids.sha256, digest, certReq: true });
    },
  };
}

/**
 * pkijs writes eContent as a constructed (BER) OCTET STRING; timestamp tokens are DER, and
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
