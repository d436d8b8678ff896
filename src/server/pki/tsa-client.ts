import { createHash, randomBytes, verify, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { type Timestamp, type TimestampAuthority, tspOids } from './tsa.js';

/** A time-stamping authority failed, timed out, refused, or answered something unusable. */
export class TimestampError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TimestampError';
  }
}

const maxReplyBytes = 1024 * 1024;

const statusNames = ['granted', 'grantedWithMods', 'rejection', 'waiting', 'revocationWarning', 'revocationNotification'];
const failureNames: Record<number, string> = {
  0: 'badAlg',
  2: 'badRequest',
  5: 'badDataFormat',
  14: 'timeNotAvailable',
  15: 'unacceptedPolicy',
  16: 'unacceptedExtension',
  17: 'addInfoNotAvailable',
  25: 'systemFailure',
};

function failureText(info: asn1js.BitString | undefined): string {
  if (!info) return '';
  const bytes = info.valueBlock.valueHexView;
  const names: string[] = [];
  for (let bit = 0; bit < bytes.length * 8; bit++) {
    if (bytes[bit >> 3]! & (0x80 >> (bit & 7))) names.push(failureNames[bit] ?? `bit ${bit}`);
  }
  return names.length ? ` (${names.join(', ')})` : '';
}

async function readLimited(response: Response): Promise<Buffer> {
  const reader = response.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxReplyBytes) {
      await reader.cancel();
      throw new TimestampError('the TSA reply is larger than 1 MB');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * Checks a DER TimeStampResp against the query it answers and returns the token's DER, byte
 * for byte as the TSA sent it.
 */
export function tokenFromReply(reply: Uint8Array, expected: { digest: Buffer; nonce: Buffer; trust?: X509Certificate[] }): Timestamp {
  const asn1 = asn1js.fromBER(reply);
  if (asn1.offset === -1 || asn1.offset !== reply.byteLength) throw new TimestampError('the TSA answered something that is not a DER TimeStampResp');
  let resp: pkijs.TimeStampResp;
  try {
    resp = new pkijs.TimeStampResp({ schema: asn1.result });
  } catch (cause) {
    throw new TimestampError('the TSA answered something that is not a TimeStampResp', { cause });
  }
  const status = resp.status.status as number;
  if (status !== 0 && status !== 1) {
    const text = resp.status.statusStrings?.map((s) => s.valueBlock.value).join('; ');
    throw new TimestampError(
      `the TSA refused the request: ${statusNames[status] ?? `status ${status}`}${failureText(resp.status.failInfo)}${text ? `: ${text}` : ''}`,
    );
  }
  if (!resp.timeStampToken) throw new TimestampError('the TSA granted the request but sent no token');
  let tstInfo: pkijs.TSTInfo;
  let signed: pkijs.SignedData;
  let eContentBytes: Buffer;
  try {
    if (resp.timeStampToken.contentType !== tspOids.signedData) throw new Error('not SignedData');
    signed = new pkijs.SignedData({ schema: resp.timeStampToken.content });
    if (signed.encapContentInfo.eContentType !== tspOids.tstInfo || !signed.encapContentInfo.eContent) throw new Error('no TSTInfo');
    const eContent = signed.encapContentInfo.eContent;
    // A constructed OCTET STRING (BER) holds its bytes in parts.
    const bytes = eContent.idBlock.isConstructed
      ? Buffer.concat(eContent.valueBlock.value.map((p) => Buffer.from((p as asn1js.OctetString).valueBlock.valueHexView)))
      : Buffer.from(eContent.valueBlock.valueHexView);
    tstInfo = pkijs.TSTInfo.fromBER(bytes);
    eContentBytes = bytes;
  } catch (cause) {
    throw new TimestampError('the TSA token is not a SignedData over a TSTInfo', { cause });
  }
  const imprint = tstInfo.messageImprint;
  if (imprint.hashAlgorithm.algorithmId !== tspOids.sha256 || !Buffer.from(imprint.hashedMessage.valueBlock.valueHexView).equals(expected.digest))
    throw new TimestampError('the TSA token stamps another digest than the one sent');
  const nonce = tstInfo.nonce ? Buffer.from(tstInfo.nonce.valueBlock.valueHexView) : null;
  if (!nonce || !stripZeros(nonce).equals(stripZeros(expected.nonce))) throw new TimestampError('the TSA token does not carry the nonce sent');
  if (expected.trust) checkSignature(signed, eContentBytes, expected.trust);
  // The token's own encoding, not a re-encoding: its signature covers bytes inside it.
  const seq = asn1.result as asn1js.Sequence;
  const token = seq.valueBlock.value[1]!;
  return { token: Buffer.from(token.valueBeforeDecodeView), genTime: tstInfo.genTime };
}

const signatureHashes: Record<string, string> = {
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
};
const digestNames: Record<string, string> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/**
 * The token is signed by a time-stamping certificate that chains to the configured TSA
 * certificates (QIYUE_TSA_CA_FILE): a reply from anyone else is as useless as garbage, and
 * failing here fails the contract before anything is stored.
 */
function checkSignature(signed: pkijs.SignedData, eContent: Buffer, trust: X509Certificate[]): void {
  const signerInfo = signed.signerInfos[0];
  if (signed.signerInfos.length !== 1 || !signerInfo?.signedAttrs) throw new TimestampError('the TSA token has no single signer with signed attributes');
  const sid = signerInfo.sid;
  const candidates = (signed.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  const signerCert =
    sid instanceof pkijs.IssuerAndSerialNumber
      ? candidates.find((c) => c.serialNumber.isEqual(sid.serialNumber) && c.issuer.isEqual(sid.issuer))
      : undefined;
  const cert = signerCert && new X509Certificate(Buffer.from(signerCert.toSchema().toBER()));
  if (!cert) throw new TimestampError('the TSA token does not carry the certificate that signed it');
  const hash = digestNames[signerInfo.digestAlgorithm.algorithmId];
  if (!hash) throw new TimestampError(`the TSA token uses an unsupported digest ${signerInfo.digestAlgorithm.algorithmId}`);
  const messageDigest = signerInfo.signedAttrs.attributes.find((a) => a.type === tspOids.messageDigest)?.values[0];
  if (!(messageDigest instanceof asn1js.OctetString) || !Buffer.from(messageDigest.valueBlock.valueHexView).equals(createHash(hash).update(eContent).digest()))
    throw new TimestampError('the TSA token signature does not cover its TSTInfo');
  const alg = signerInfo.signatureAlgorithm.algorithmId;
  const sigHash = signatureHashes[alg] ?? (alg === '1.2.840.113549.1.1.1' || alg === '1.2.840.10045.2.1' ? hash : undefined);
  if (!sigHash) throw new TimestampError(`the TSA token uses an unsupported signature algorithm ${alg}`);
  // The signature covers the attributes as the signer encoded them, tagged as a SET (RFC 5652 5.4).
  const original = new Uint8Array(signerInfo.signedAttrs.encodedValue);
  const signedAttrs = original.byteLength
    ? Uint8Array.from(original, (b, i) => (i === 0 ? 0x31 : b))
    : new Uint8Array(new asn1js.Set({ value: signerInfo.signedAttrs.attributes.map((a) => a.toSchema()) }).toBER());
  const signature = Buffer.from(signerInfo.signature.valueBlock.valueHexView);
  if (!verify(sigHash, signedAttrs, cert.publicKey, signature)) throw new TimestampError('the TSA token signature is not valid');
  if (!cert.keyUsage?.includes('1.3.6.1.5.5.7.3.8')) throw new TimestampError('the TSA token is not signed by a time-stamping certificate');
  // Up the configured chain from the signer to a certificate listed in QIYUE_TSA_CA_FILE.
  let current = cert;
  for (let depth = 0; depth < 8; depth++) {
    if (trust.some((t) => t.raw.equals(current.raw))) return;
    const issuer = trust.find((t) => current.checkIssued(t) && current.verify(t.publicKey));
    if (!issuer) break;
    current = issuer;
  }
  throw new TimestampError('the TSA token is signed by a certificate that does not chain to QIYUE_TSA_CA_FILE');
}

function stripZeros(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

/** A TimeStampReq for a SHA-256 digest, asking for the TSA certificate, with a 64-bit nonce. */
export function timestampQuery(digest: Buffer, nonce: Buffer): Buffer {
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: tspOids.sha256 }),
      hashedMessage: new asn1js.OctetString({ valueHex: digest }),
    }),
    nonce: new asn1js.Integer({ valueHex: nonce }),
    certReq: true,
  });
  return Buffer.from(req.toSchema().toBER());
}

/**
 * An RFC 3161 client over HTTP for any TSA (RFC 3161 3.4): sends a nonce and certReq, and
 * accepts only a granted reply whose token stamps the digest sent with the nonce sent.
 */
export function createHttpTsa(o: {
  url: string;
  username?: string;
  password?: string;
  timeoutMs: number;
  /** Certificates the token's signer must chain to (QIYUE_TSA_CA_FILE); unchecked when absent. */
  trust?: X509Certificate[];
}): TimestampAuthority {
  const headers: Record<string, string> = { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' };
  if (o.username !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${o.username}:${o.password ?? ''}`).toString('base64')}`;
  }
  return {
    async timestamp(digest) {
      if (digest.byteLength !== 32) throw new TimestampError('a SHA-256 digest is 32 bytes');
      const nonce = randomBytes(8);
      nonce[0] = nonce[0]! & 0x7f;
      const signal = AbortSignal.timeout(o.timeoutMs);
      let reply: Buffer;
      try {
        const response = await fetch(o.url, { method: 'POST', headers, body: new Uint8Array(timestampQuery(digest, nonce)), signal, redirect: 'error' });
        if (!response.ok) {
          await response.body?.cancel();
          throw new TimestampError(`the TSA at ${o.url} answered HTTP ${response.status}`);
        }
        reply = await readLimited(response);
      } catch (error) {
        if (error instanceof TimestampError) throw error;
        if (signal.aborted) throw new TimestampError(`the TSA at ${o.url} did not answer within ${o.timeoutMs} ms`, { cause: error });
        throw new TimestampError(`the TSA at ${o.url} cannot be reached: ${(error as Error).message}`, { cause: error });
      }
      return tokenFromReply(reply, { digest, nonce, trust: o.trust });
    },
  };
}
