import { createHash, type KeyObject, sign, type X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { cmsOids } from '../signing/cms/oids.js';
import { parsedCertificate } from './platform-pki.js';

const oids = {
  sha1: '1.3.14.3.2.26',
  basicOcspResponse: '1.3.6.1.5.5.7.48.1.1',
  nonce: '1.3.6.1.5.5.7.48.1.2',
};

export type CertificateStatus = { status: 'good' } | { status: 'revoked'; revokedAt: Date; reasonCode?: number } | { status: 'unknown' };

export type OcspEntry = {
  /** The certificate's issuer, whose name and key the CertID hashes. */
  issuer: X509Certificate;
  /** The serial number's INTEGER, as in the certificate (or the request's CertID). */
  serialNumber: asn1js.Integer;
  hashAlgorithm?: string;
  issuerNameHash?: Buffer;
  issuerKeyHash?: Buffer;
} & CertificateStatus;

const sha1 = (b: Uint8Array) => createHash('sha1').update(b).digest();

/** RFC 6960 CertID of a certificate issued by `issuer`, with SHA-1 as every client sends. */
export function certIdFor(issuer: X509Certificate, serialNumber: asn1js.Integer): pkijs.CertID {
  const parsed = parsedCertificate(issuer);
  return new pkijs.CertID({
    hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: oids.sha1, algorithmParams: new asn1js.Null() }),
    issuerNameHash: new asn1js.OctetString({ valueHex: sha1(new Uint8Array(parsed.subject.toSchema().toBER())) }),
    issuerKeyHash: new asn1js.OctetString({ valueHex: sha1(parsed.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView) }),
    serialNumber,
  });
}

function whole(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

function certStatus(s: CertificateStatus): asn1js.BaseBlock {
  if (s.status === 'good') return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } });
  if (s.status === 'unknown') return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 } });
  const value: asn1js.BaseBlock[] = [new asn1js.GeneralizedTime({ valueDate: whole(s.revokedAt) })];
  if (s.reasonCode !== undefined) {
    value.push(new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Enumerated({ value: s.reasonCode })] }));
  }
  return new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value });
}

/**
 * A signed OCSPResponse (RFC 6960 4.2) with status successful and a BasicOCSPResponse by the
 * delegated responder: responderID by key hash, its certificate embedded, one SingleResponse
 * per entry valid from `now` to `now + validityMs`, the request's nonce echoed.
 */
export function buildOcspResponse(o: {
  responder: { cert: X509Certificate; key: KeyObject };
  entries: OcspEntry[];
  now?: Date;
  validityMs: number;
  nonce?: Uint8Array;
}): Buffer {
  const now = whole(o.now ?? new Date());
  const responder = parsedCertificate(o.responder.cert);
  const responses = o.entries.map((e) => {
    const certID =
      e.issuerNameHash && e.issuerKeyHash
        ? new pkijs.CertID({
            hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: e.hashAlgorithm ?? oids.sha1, algorithmParams: new asn1js.Null() }),
            issuerNameHash: new asn1js.OctetString({ valueHex: e.issuerNameHash }),
            issuerKeyHash: new asn1js.OctetString({ valueHex: e.issuerKeyHash }),
            serialNumber: e.serialNumber,
          })
        : certIdFor(e.issuer, e.serialNumber);
    return new pkijs.SingleResponse({ certID, certStatus: certStatus(e), thisUpdate: now, nextUpdate: new Date(now.getTime() + o.validityMs) });
  });
  const tbsResponseData = new pkijs.ResponseData({
    responderID: new asn1js.OctetString({ valueHex: sha1(responder.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView) }),
    producedAt: now,
    responses,
    ...(o.nonce ? { responseExtensions: [new pkijs.Extension({ extnID: oids.nonce, extnValue: new asn1js.OctetString({ valueHex: o.nonce }).toBER() })] } : {}),
  });
  const tbs = Buffer.from(tbsResponseData.toSchema(true).toBER());
  // BasicOCSPResponse writes the ResponseData from these bytes, the ones that were signed.
  tbsResponseData.tbsView = new Uint8Array(tbs);
  const isEc = o.responder.key.asymmetricKeyType === 'ec';
  const basic = new pkijs.BasicOCSPResponse({
    tbsResponseData,
    signatureAlgorithm: isEc
      ? new pkijs.AlgorithmIdentifier({ algorithmId: cmsOids.ecdsaWithSha256 })
      : new pkijs.AlgorithmIdentifier({ algorithmId: cmsOids.sha256WithRsa, algorithmParams: new asn1js.Null() }),
    signature: new asn1js.BitString({ valueHex: sign('sha256', tbs, o.responder.key) }),
    certs: [responder],
  });
  const response = new pkijs.OCSPResponse({
    responseStatus: new asn1js.Enumerated({ value: 0 }),
    responseBytes: new pkijs.ResponseBytes({
      responseType: oids.basicOcspResponse,
      response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER() }),
    }),
  });
  return Buffer.from(response.toSchema().toBER());
}

/** An OCSPResponse without a body: malformedRequest (1), internalError (2), unauthorized (6)… */
export function ocspErrorResponse(status: 1 | 2 | 3 | 5 | 6): Buffer {
  return Buffer.from(new pkijs.OCSPResponse({ responseStatus: new asn1js.Enumerated({ value: status }) }).toSchema().toBER());
}
