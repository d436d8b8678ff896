import { createHash, type X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { type PkiCertificate, parsedCertificate } from '../../pki/platform-pki.js';
import { cmsOids } from './oids.js';

const signingCertificateCache = new WeakMap<pkijs.Certificate, pkijs.Attribute>();

/**
 * The signing-certificate-v2 attribute (RFC 5035), which pkijs has no class for:
 * SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }, where ESSCertIDv2 ::=
 * SEQUENCE { certHash, issuerSerial } (hashAlgorithm omitted: SHA-256 is its DEFAULT).
 * Fixed per certificate, so built once.
 */
export function signingCertificateV2(certDer: Buffer, cert: pkijs.Certificate): pkijs.Attribute {
  let attribute = signingCertificateCache.get(cert);
  if (!attribute) {
    const issuerSerial = new pkijs.IssuerSerial({
      issuer: new pkijs.GeneralNames({ names: [new pkijs.GeneralName({ type: 4, value: cert.issuer })] }), // directoryName
      serialNumber: cert.serialNumber,
    });
    const essCertIdV2 = new asn1js.Sequence({
      value: [new asn1js.OctetString({ valueHex: createHash('sha256').update(certDer).digest() }), issuerSerial.toSchema()],
    });
    attribute = new pkijs.Attribute({
      type: cmsOids.signingCertificateV2,
      values: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] })],
    });
    signingCertificateCache.set(cert, attribute);
  }
  return attribute;
}

/** DER orders a SET OF by the elements' encodings (X.690 11.6); pkijs keeps the given order. */
export function derOrder<T extends { toSchema(): asn1js.BaseBlock }>(items: T[]): T[] {
  return items
    .map((item) => ({ item, der: Buffer.from(item.toSchema().toBER()) }))
    .sort((a, b) => Buffer.compare(a.der, b.der))
    .map((x) => x.item);
}

/**
 * Phase one of a CMS signature: the signed attributes, and the DER that the signer's key signs
 * (the explicit SET OF, RFC 5652 5.4). The key may sit elsewhere — a worker, a browser — and
 * return its signature later to `assembleSignedData`.
 */
export type PreparedSignedAttributes = {
  attributes: pkijs.Attribute[];
  /** What the signer signs: DER of SET OF Attribute. */
  toBeSigned: Buffer;
  signer: PkiCertificate;
  signerCert: X509Certificate;
};

/**
 * The signed attributes PAdES baseline (ETSI EN 319 142-1, 5.4) allows: contentType,
 * messageDigest and signing-certificate-v2; no signingTime, whose only trustworthy
 * replacement is the signature timestamp.
 */
export function prepareSignedAttributes(o: { digest: Buffer; signerCert: X509Certificate; signer?: PkiCertificate }): PreparedSignedAttributes {
  const signer = o.signer ?? parsedCertificate(o.signerCert);
  const attributes = derOrder([
    new pkijs.Attribute({ type: cmsOids.contentType, values: [new asn1js.ObjectIdentifier({ value: cmsOids.data })] }),
    new pkijs.Attribute({ type: cmsOids.messageDigest, values: [new asn1js.OctetString({ valueHex: o.digest })] }),
    signingCertificateV2(o.signerCert.raw, signer),
  ]);
  const toBeSigned = Buffer.from(new asn1js.Set({ value: attributes.map((a) => a.toSchema()) }).toBER());
  return { attributes, toBeSigned, signer, signerCert: o.signerCert };
}
