import { createHash, type KeyObject, sign, type X509Certificate } from 'node:crypto';
import { SignPdf } from '@signpdf/signpdf';
import { Signer } from '@signpdf/utils';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import {
  certificateFromPem,
  chainPems,
  parsedCertificate,
  type SigningPki,
  signerCertificate,
} from '../pki/platform-pki.js';
import { addSignaturePlaceholder, type SignatureFieldOptions } from './pdf-structure.js';

export const cmsOids = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256WithRsa: '1.2.840.113549.1.1.11',
} as const;

/** RFC 5652 11.3: signingTime is UTCTime for 1950–2049, GeneralizedTime otherwise. */
function signingTimeValue(d: Date): asn1js.UTCTime | asn1js.GeneralizedTime {
  const valueDate = new Date(Math.floor(d.getTime() / 1000) * 1000);
  const year = valueDate.getUTCFullYear();
  return year >= 1950 && year < 2050
    ? new asn1js.UTCTime({ valueDate })
    : new asn1js.GeneralizedTime({ valueDate });
}

const signingCertificateCache = new WeakMap<pkijs.Certificate, pkijs.Attribute>();

/**
 * The signing-certificate-v2 attribute (RFC 5035), which pkijs has no class for:
 * SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }, where ESSCertIDv2 ::=
 * SEQUENCE { certHash, issuerSerial } (hashAlgorithm omitted: SHA-256 is its DEFAULT).
 * Fixed per certificate, so built once.
 */
function signingCertificateV2(certDer: Buffer, cert: pkijs.Certificate): pkijs.Attribute {
  let attribute = signingCertificateCache.get(cert);
  if (!attribute) {
    const issuerSerial = new pkijs.IssuerSerial({
      issuer: new pkijs.GeneralNames({
        names: [new pkijs.GeneralName({ type: 4, value: cert.issuer })], // directoryName
      }),
      serialNumber: cert.serialNumber,
    });
    const essCertIdV2 = new asn1js.Sequence({
      value: [
        new asn1js.OctetString({ valueHex: createHash('sha256').update(certDer).digest() }),
        issuerSerial.toSchema(),
      ],
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
function derOrder<T extends { toSchema(): asn1js.BaseBlock }>(items: T[]): T[] {
  return items
    .map((item) => ({ item, der: Buffer.from(item.toSchema().toBER()) }))
    .sort((a, b) => Buffer.compare(a.der, b.der))
    .map((x) => x.item);
}

/**
 * Produces a detached CMS SignedData (RFC 5652) with the signed attributes CAdES-BES asks
 * for: contentType, messageDigest, signingTime and signing-certificate-v2 (RFC 5035). pkijs
 * builds every structure; the private-key operation is node:crypto's, synchronous and on the
 * KeyObject the PKI holds (P12Signer re-parses a PKCS#12 in pure JS per call, ~30 ms, and can
 * only be used once).
 */
export class CmsSigner extends Signer {
  private readonly cert: X509Certificate;
  private readonly parsed: pkijs.Certificate;
  private readonly certificates: pkijs.Certificate[];
  /** Test hook: digest the given bytes instead of the real ones. */
  digestOverride: Buffer | null = null;

  constructor(
    certPem: string,
    private readonly key: KeyObject,
    chain: string[] = [],
  ) {
    super();
    this.cert = certificateFromPem(certPem);
    if (!this.cert.checkPrivateKey(key)) throw new Error('the key does not match the certificate');
    const issuers = chain.map(certificateFromPem);
    this.parsed = signerCertificate(this.cert, issuers);
    // The CertificateSet is a SET OF, written in DER order.
    const certs = [this.cert, ...issuers];
    this.certificates = certs
      .sort((a, b) => Buffer.compare(a.raw, b.raw))
      .map((c) => (c === this.cert ? this.parsed : parsedCertificate(c)));
  }

  get subject(): string {
    return this.cert.subject;
  }

  override async sign(content: Buffer, signingTime?: Date): Promise<Buffer> {
    return this.signSync(content, signingTime ?? new Date());
  }

  signSync(content: Buffer, signingTime: Date): Buffer {
    const cert = this.parsed;
    const sha256 = () => new pkijs.AlgorithmIdentifier({ algorithmId: cmsOids.sha256 });
    const digest = createHash('sha256')
      .update(this.digestOverride ?? content)
      .digest();
    const attributes = derOrder([
      new pkijs.Attribute({
        type: cmsOids.contentType,
        values: [new asn1js.ObjectIdentifier({ value: cmsOids.data })],
      }),
      new pkijs.Attribute({ type: cmsOids.signingTime, values: [signingTimeValue(signingTime)] }),
      new pkijs.Attribute({
        type: cmsOids.messageDigest,
        values: [new asn1js.OctetString({ valueHex: digest })],
      }),
      signingCertificateV2(this.cert.raw, cert),
    ]);
    // The signature covers the attributes as an explicit SET OF (RFC 5652 5.4); the
    // SignerInfo carries the same content as [0] IMPLICIT.
    const signedAttrsDer = new asn1js.Set({
      value: attributes.map((a) => a.toSchema()),
    }).toBER();
    const signatureAlgorithm =
      this.key.asymmetricKeyType === 'ec'
        ? new pkijs.AlgorithmIdentifier({ algorithmId: cmsOids.ecdsaWithSha256 })
        : new pkijs.AlgorithmIdentifier({
            algorithmId: cmsOids.sha256WithRsa,
            algorithmParams: new asn1js.Null(),
          });
    const signature = sign('sha256', new Uint8Array(signedAttrsDer), this.key);
    const signerInfo = new pkijs.SignerInfo({
      version: 1,
      sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
      digestAlgorithm: sha256(),
      signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes }),
      signatureAlgorithm,
      signature: new asn1js.OctetString({ valueHex: signature }),
    });
    const signedData = new pkijs.SignedData({
      version: 1,
      digestAlgorithms: [sha256()],
      // Detached: no eContent.
      encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: cmsOids.data }),
      certificates: this.certificates,
      signerInfos: [signerInfo],
    });
    const contentInfo = new pkijs.ContentInfo({
      contentType: cmsOids.signedData,
      content: signedData.toSchema(),
    });
    return Buffer.from(contentInfo.toSchema().toBER());
  }
}

export type SignOptions = Partial<Omit<SignatureFieldOptions, 'signingTime'>> & {
  signingTime?: Date;
};

/**
 * Ample for ECDSA with a three-certificate chain (~2.1 KB); RSA-4096 chains fit as well.
 * Unused bytes are zero padding inside /Contents.
 */
export const defaultSignatureLength = 6144;

/**
 * Signs any classic-xref PDF with one more signature, appended as an incremental update so
 * every earlier signature stays valid; the new one covers the whole file.
 */
export async function signPdf(
  pdf: Buffer,
  signer: CmsSigner,
  options: SignOptions = {},
): Promise<Buffer> {
  // PDF dates have whole seconds; keep the CMS signingTime identical to /M.
  const signingTime = new Date(options.signingTime ?? Date.now());
  signingTime.setMilliseconds(0);
  const withPlaceholder = addSignaturePlaceholder(pdf, {
    fieldName: options.fieldName ?? `Signature${Date.now()}`,
    signerName: options.signerName ?? commonName(signer.subject),
    reason: options.reason ?? '签署',
    location: options.location,
    contactInfo: options.contactInfo,
    signingTime,
    signatureLength: options.signatureLength ?? defaultSignatureLength,
    subFilter: options.subFilter ?? 'adbe.pkcs7.detached',
    pageIndex: options.pageIndex,
    rect: options.rect,
  });
  return new SignPdf().sign(withPlaceholder, signer, signingTime);
}

export function commonName(subject: string): string {
  return /(?:^|\n)CN=([^\n]*)/.exec(subject)?.[1] ?? subject;
}

export type EventCredential = { certPem: string; key: KeyObject };

export type ContractSignOptions = {
  partyA: EventCredential;
  pki: SigningPki;
  signingTime?: Date;
  /** Widget rectangles over the seals of the last page, when the caller knows them. */
  widgets?: { partyA?: [number, number, number, number]; partyB?: [number, number, number, number] };
};

/**
 * Applies Party A's signature (event certificate), then Party B's (organisation
 * certificate) in a second incremental update, which therefore covers the whole file.
 */
export async function signContractPdf(unsigned: Buffer, o: ContractSignOptions): Promise<Buffer> {
  const chain = chainPems(o.pki);
  const time = o.signingTime ?? new Date();
  const a = new CmsSigner(o.partyA.certPem, o.partyA.key, chain);
  const signedA = await signPdf(unsigned, a, {
    fieldName: 'PartyA',
    reason: '甲方签署',
    signingTime: new Date(time),
    rect: o.widgets?.partyA,
  });
  const b = new CmsSigner(o.pki.partyB.certPem, o.pki.partyB.key, chain);
  return signPdf(signedA, b, {
    fieldName: 'PartyB',
    reason: '乙方签署',
    signingTime: new Date(time),
    rect: o.widgets?.partyB,
  });
}
