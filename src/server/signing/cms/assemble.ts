import type { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { parsedCertificate } from '../../pki/platform-pki.js';
import { cmsOids } from './oids.js';
import type { PreparedSignedAttributes } from './signed-attributes.js';

export type SignatureAlgorithm = 'ecdsa-sha256' | 'rsa-sha256';

/**
 * Already encoded DER, written as it is. The timestamp token is embedded verbatim (its
 * signature covers bytes inside it), and parsing it only to encode it again was a third of the
 * cost of assembling a signature. asn1js's RawData answers only the writer-less form of toBER,
 * which constructed values do not call.
 */
class DerBytes extends asn1js.RawData {
  constructor(der: Buffer) {
    super({ data: new Uint8Array(der.buffer, der.byteOffset, der.byteLength) });
  }
  override toBER(sizeOnly?: boolean, writer?: asn1js.ViewWriter): ArrayBuffer {
    if (!writer) return super.toBER(sizeOnly);
    writer.write(this.dataView);
    return new ArrayBuffer(0);
  }
}

/**
 * Phase two of a CMS signature: a detached SignedData (RFC 5652) around the prepared signed
 * attributes and the signature the key returned, with the signature timestamp (RFC 3161
 * appendix A) as an unsigned attribute when one is given.
 */
export function assembleSignedData(o: {
  prepared: PreparedSignedAttributes;
  /** DER Ecdsa-Sig-Value or PKCS#1 v1.5 signature over `prepared.toBeSigned`. */
  signature: Buffer;
  algorithm: SignatureAlgorithm;
  /** The chain to embed after the signer's certificate. */
  chain: X509Certificate[];
  signatureTimestamp?: Buffer;
}): Buffer {
  const { prepared } = o;
  const cert = prepared.signer;
  const sha256 = () => new pkijs.AlgorithmIdentifier({ algorithmId: cmsOids.sha256 });
  const signatureAlgorithm =
    o.algorithm === 'ecdsa-sha256'
      ? new pkijs.AlgorithmIdentifier({ algorithmId: cmsOids.ecdsaWithSha256 })
      : new pkijs.AlgorithmIdentifier({ algorithmId: cmsOids.sha256WithRsa, algorithmParams: new asn1js.Null() });
  let unsignedAttrs: pkijs.SignedAndUnsignedAttributes | undefined;
  if (o.signatureTimestamp) {
    unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
      type: 1,
      attributes: [new pkijs.Attribute({ type: cmsOids.signatureTimeStampToken, values: [new DerBytes(o.signatureTimestamp)] })],
    });
  }
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
    digestAlgorithm: sha256(),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: prepared.attributes }),
    signatureAlgorithm,
    signature: new asn1js.OctetString({ valueHex: o.signature }),
    ...(unsignedAttrs ? { unsignedAttrs } : {}),
  });
  // The CertificateSet is a SET OF, written in DER order.
  const certificates = [prepared.signerCert, ...o.chain.filter((c) => !c.raw.equals(prepared.signerCert.raw))]
    .sort((a, b) => Buffer.compare(a.raw, b.raw))
    .map((c) => (c === prepared.signerCert ? cert : parsedCertificate(c)));
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [sha256()],
    // Detached: no eContent.
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: cmsOids.data }),
    certificates,
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: cmsOids.signedData, content: signedData.toSchema() });
  return Buffer.from(contentInfo.toSchema().toBER());
}
