import { createHash, type X509Certificate, sign } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { Database } from '../db/client.js';
import { type CrlReason, pkiCertificates } from '../db/schema/index.js';
import { crlReasonCodes, serialInteger } from './ca/crl-signer.js';
import { parsedCertificate, type PlatformPki } from './platform-pki.js';
import { normalizeSerial, serialOf } from './registry.js';
import { eq } from 'drizzle-orm';

/** RFC 6960 4.2.1 OCSPResponseStatus. */
export const ocspResponseStatus = {
  successful: 0,
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  sigRequired: 5,
  unauthorized: 6,
} as const;

const oids = {
  basicResponse: '1.3.6.1.5.5.7.48.1.1',
  nonce: '1.3.6.1.5.5.7.48.1.2',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha1: '1.3.14.3.2.26',
};

/** CertID hash algorithms the responder matches (RFC 5019 requires SHA-1). */
const hashNames: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** Responses promise a day; a relying party that wants fresher asks again. */
export const ocspResponseLifetimeMs = 24 * 60 * 60 * 1000;

/**
 * How far thisUpdate reaches back. A validator judges a signature at the time its timestamp
 * proves (pyHanko, ETSI EN 319 102-1) and refuses revocation data newer than that; the data
 * for the DSS is fetched just after the timestamp. A registry status never reverts (no
 * certificate holds), so "good" was as true five minutes ago as now; "revoked" reaches back
 * to the revocation only. The same margin as certificates' notBefore.
 */
export const thisUpdateBackdateMs = 5 * 60 * 1000;

function thisUpdateFor(s: CertificateStatus, at: Date): Date {
  const earliest = at.getTime() - thisUpdateBackdateMs;
  if (s.status === 'good') return wholeSeconds(new Date(Math.min(at.getTime(), Math.max(earliest, s.since?.getTime() ?? earliest))));
  if (s.status === 'revoked') return wholeSeconds(new Date(Math.min(at.getTime(), Math.max(earliest, s.revokedAt.getTime()))));
  return at;
}

export type CertificateStatus =
  /** `since`: when the certificate became valid (its notBefore). */
  | { status: 'good'; since?: Date }
  | { status: 'revoked'; revokedAt: Date; reason: CrlReason }
  | { status: 'unknown' };

/** Looks a serial up in the registry, as issued by the given CA. */
export type StatusLookup = (serial: string, issuerSerial: string) => Promise<CertificateStatus>;

export function registryLookup(db: Database): StatusLookup {
  return async (serial, issuerSerial) => {
    const [row] = await db
      .select({
        issuerSerial: pkiCertificates.issuerSerial,
        notBefore: pkiCertificates.notBefore,
        revokedAt: pkiCertificates.revokedAt,
        reason: pkiCertificates.revocationReason,
      })
      .from(pkiCertificates)
      .where(eq(pkiCertificates.serial, normalizeSerial(serial)));
    if (!row || row.issuerSerial !== issuerSerial) return { status: 'unknown' };
    if (row.revokedAt) return { status: 'revoked', revokedAt: row.revokedAt, reason: row.reason ?? 'unspecified' };
    return { status: 'good', since: row.notBefore };
  };
}

class OcspRequestError extends Error {}

/** An OCSPResponse carrying only an error status (RFC 6960 4.2.1: no responseBytes). */
export function ocspErrorResponse(status: Exclude<keyof typeof ocspResponseStatus, 'successful'>): Buffer {
  const response = new pkijs.OCSPResponse({ responseStatus: new asn1js.Enumerated({ value: ocspResponseStatus[status] }) });
  return Buffer.from(response.toSchema().toBER());
}

const wholeSeconds = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000);

function certStatusSchema(s: CertificateStatus): asn1js.BaseBlock {
  if (s.status === 'good') return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } });
  if (s.status === 'unknown') return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 } });
  // [1] IMPLICIT RevokedInfo: revocationTime, [0] EXPLICIT CRLReason.
  return new asn1js.Constructed({
    idBlock: { tagClass: 3, tagNumber: 1 },
    value: [
      new asn1js.GeneralizedTime({ valueDate: wholeSeconds(s.revokedAt) }),
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Enumerated({ value: crlReasonCodes[s.reason] })] }),
    ],
  });
}

/** The CertID of the issuing CA under one hash algorithm: name hash and key hash. */
function issuerHashes(issuer: X509Certificate, hash: string): { name: Buffer; key: Buffer } {
  const parsed = parsedCertificate(issuer);
  return {
    name: createHash(hash).update(new Uint8Array(parsed.subject.toSchema().toBER())).digest(),
    key: createHash(hash).update(parsed.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest(),
  };
}

function integerHex(i: asn1js.Integer): string {
  return normalizeSerial(Buffer.from(i.valueBlock.valueHexView).toString('hex'));
}

export type OcspResponder = {
  /** Answers a DER OCSPRequest with a DER OCSPResponse; never throws for bad input. */
  respond(request: Uint8Array): Promise<Buffer>;
  /** The signed response about one certificate of the issuing CA, without HTTP. */
  ocspResponseFor(cert: X509Certificate, issuer: X509Certificate): Promise<Buffer>;
};

/**
 * An RFC 6960 responder for the issuing CA, answering from the certificate registry and
 * signing with the delegated responder certificate (included in `certs`), responderID
 * byKey. `pki` is read on every call, so a replaced responder certificate takes effect.
 */
export function createOcspResponder(o: { pki: Pick<PlatformPki, 'issuing' | 'ocsp'>; lookup: StatusLookup; now?: () => Date }): OcspResponder {
  const now = o.now ?? (() => new Date());

  const sign1 = async (
    requests: pkijs.CertID[],
    nonce: pkijs.Extension | undefined,
  ): Promise<Buffer> => {
    const { issuing, ocsp } = o.pki;
    const issuerSerial = serialOf(issuing.cert);
    const at = wholeSeconds(now());
    const responses: pkijs.SingleResponse[] = [];
    for (const certID of requests) {
      const hash = hashNames[certID.hashAlgorithm.algorithmId];
      if (!hash) throw new OcspRequestError(`unsupported CertID hash ${certID.hashAlgorithm.algorithmId}`);
      const expected = issuerHashes(issuing.cert, hash);
      const ours =
        Buffer.from(certID.issuerNameHash.valueBlock.valueHexView).equals(expected.name) &&
        Buffer.from(certID.issuerKeyHash.valueBlock.valueHexView).equals(expected.key);
      const status: CertificateStatus = ours ? await o.lookup(integerHex(certID.serialNumber), issuerSerial) : { status: 'unknown' };
      responses.push(
        new pkijs.SingleResponse({
          certID,
          certStatus: certStatusSchema(status),
          thisUpdate: thisUpdateFor(status, at),
          nextUpdate: new Date(at.getTime() + ocspResponseLifetimeMs),
        }),
      );
    }
    const responder = parsedCertificate(ocsp.cert);
    const keyHash = createHash('sha1').update(responder.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest();
    const tbs = new pkijs.ResponseData({
      responderID: new asn1js.OctetString({ valueHex: keyHash }),
      producedAt: at,
      responses,
      ...(nonce ? { responseExtensions: [nonce] } : {}),
    });
    tbs.tbsView = new Uint8Array(tbs.toSchema(true).toBER());
    const basic = new pkijs.BasicOCSPResponse({
      tbsResponseData: tbs,
      signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: oids.ecdsaWithSha256 }),
      signature: new asn1js.BitString({ valueHex: sign('sha256', tbs.tbsView, ocsp.key) }),
      certs: [responder],
    });
    const response = new pkijs.OCSPResponse({
      responseStatus: new asn1js.Enumerated({ value: ocspResponseStatus.successful }),
      responseBytes: new pkijs.ResponseBytes({
        responseType: oids.basicResponse,
        response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER() }),
      }),
    });
    return Buffer.from(response.toSchema().toBER());
  };

  return {
    async respond(request) {
      let parsed: pkijs.OCSPRequest;
      try {
        if (!request.byteLength) throw new OcspRequestError('empty request');
        const asn1 = asn1js.fromBER(request);
        if (asn1.offset === -1 || asn1.offset !== request.byteLength) throw new OcspRequestError('not DER');
        parsed = new pkijs.OCSPRequest({ schema: asn1.result });
        if (!parsed.tbsRequest.requestList.length) throw new OcspRequestError('no request');
        if (parsed.tbsRequest.requestList.length > 32) throw new OcspRequestError('too many requests');
      } catch {
        return ocspErrorResponse('malformedRequest');
      }
      const nonceExt = parsed.tbsRequest.requestExtensions?.find((e) => e.extnID === oids.nonce);
      // RFC 8954: a nonce is 1 to 32 octets.
      const nonceLength = nonceExt?.extnValue.valueBlock.valueHexView.byteLength ?? 0;
      if (nonceExt && (nonceLength < 1 || nonceLength > 34)) return ocspErrorResponse('malformedRequest');
      const nonce = nonceExt && new pkijs.Extension({ extnID: oids.nonce, extnValue: nonceExt.extnValue.valueBlock.valueHexView.slice().buffer });
      try {
        return await sign1(
          parsed.tbsRequest.requestList.map((r) => r.reqCert),
          nonce,
        );
      } catch (error) {
        if (error instanceof OcspRequestError) return ocspErrorResponse('malformedRequest');
        throw error;
      }
    },

    async ocspResponseFor(cert, issuer) {
      const h = issuerHashes(issuer, 'sha1');
      const certID = new pkijs.CertID({
        hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: oids.sha1, algorithmParams: new asn1js.Null() }),
        issuerNameHash: new asn1js.OctetString({ valueHex: h.name }),
        issuerKeyHash: new asn1js.OctetString({ valueHex: h.key }),
        serialNumber: serialInteger(serialOf(cert)),
      });
      return sign1([certID], undefined);
    },
  };
}
