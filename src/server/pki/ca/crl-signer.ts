import { createHash, type KeyObject, sign } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { CrlReason } from '../../db/schema/pki.js';

/** RFC 5280 5.3.1 reason codes. */
export const crlReasonCodes: Record<CrlReason, number> = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
};

export type RevokedEntry = { serial: string; revokedAt: Date; reason: CrlReason };

const oids = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  crlNumber: '2.5.29.20',
  crlReason: '2.5.29.21',
  authorityKeyIdentifier: '2.5.29.35',
  subjectKeyIdentifier: '2.5.29.14',
};

/** RFC 5280 5.1.2.4: UTCTime through 2049, GeneralizedTime after; whole seconds. */
export function derTime(d: Date): pkijs.Time {
  const value = new Date(Math.floor(d.getTime() / 1000) * 1000);
  const year = value.getUTCFullYear();
  return new pkijs.Time({ type: year >= 1950 && year < 2050 ? 0 : 1, value });
}

/** A hex serial as the positive DER INTEGER it was issued as. */
export function serialInteger(hex: string): asn1js.Integer {
  let h = hex.length % 2 ? `0${hex}` : hex;
  if (Number.parseInt(h[0]!, 16) >= 8) h = `00${h}`;
  return new asn1js.Integer({ valueHex: Buffer.from(h, 'hex') });
}

/** The issuer's key identifier, as its certificate states it (or as RFC 5280 method 1 derives it). */
export function issuerKeyIdentifier(issuer: pkijs.Certificate): Uint8Array {
  const ski = issuer.extensions?.find((e) => e.extnID === oids.subjectKeyIdentifier)?.parsedValue;
  if (ski instanceof asn1js.OctetString) return ski.valueBlock.valueHexView;
  return createHash('sha1').update(issuer.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest();
}

/**
 * A v2 CRL (RFC 5280 5) signed with the CA's key: CRL number and authority key identifier,
 * and each entry's reason code. pkijs builds the structure; node:crypto signs the TBS.
 */
export function signCrl(o: {
  issuer: pkijs.Certificate;
  key: KeyObject;
  revoked: RevokedEntry[];
  thisUpdate: Date;
  nextUpdate: Date;
  crlNumber: number;
}): Buffer {
  const ext = (extnID: string, value: asn1js.BaseBlock) => new pkijs.Extension({ extnID, critical: false, extnValue: value.toBER() });
  const revokedCertificates = [...o.revoked]
    .sort((a, b) => a.revokedAt.getTime() - b.revokedAt.getTime())
    .map(
      (r) =>
        new pkijs.RevokedCertificate({
          userCertificate: serialInteger(r.serial),
          revocationDate: derTime(r.revokedAt),
          crlEntryExtensions: new pkijs.Extensions({
            extensions: [ext(oids.crlReason, new asn1js.Enumerated({ value: crlReasonCodes[r.reason] }))],
          }),
        }),
    );
  const crl = new pkijs.CertificateRevocationList({
    version: 1,
    signature: new pkijs.AlgorithmIdentifier({ algorithmId: oids.ecdsaWithSha256 }),
    issuer: o.issuer.subject,
    thisUpdate: derTime(o.thisUpdate),
    nextUpdate: derTime(o.nextUpdate),
    ...(revokedCertificates.length ? { revokedCertificates } : {}),
    crlExtensions: new pkijs.Extensions({
      extensions: [
        ext(oids.authorityKeyIdentifier, new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: issuerKeyIdentifier(o.issuer) }) }).toSchema()),
        ext(oids.crlNumber, new asn1js.Integer({ value: o.crlNumber })),
      ],
    }),
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: oids.ecdsaWithSha256 }),
  });
  // encodeTBS is protected in pkijs's typings; it is the documented way to get the TBS to sign.
  const tbs = (crl as unknown as { encodeTBS(): asn1js.Sequence }).encodeTBS().toBER();
  crl.tbsView = new Uint8Array(tbs);
  crl.signatureValue = new asn1js.BitString({ valueHex: sign('sha256', crl.tbsView, o.key) });
  return Buffer.from(crl.toSchema(false).toBER());
}
