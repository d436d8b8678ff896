import { createHash, type KeyObject, sign, X509Certificate } from 'node:crypto';
import { SignPdf } from '@signpdf/signpdf';
import { Signer } from '@signpdf/utils';
import * as der from '../pki/der.js';
import { certificateFields, chainPems, type PlatformPki } from '../pki/platform-pki.js';
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

function pemToDer(pem: string): Buffer {
  return new X509Certificate(pem).raw;
}

function attribute(type: string, value: der.Der): der.Der {
  return der.sequence(der.oid(type), der.setOf(value));
}

/**
 * Produces a detached CMS SignedData (RFC 5652) with the signed attributes CAdES-BES asks
 * for: contentType, messageDigest, signingTime and signing-certificate-v2 (RFC 5035). The
 * private-key operation is node:crypto (P12Signer re-parses a PKCS#12 in pure JS per call,
 * ~30 ms, and can only be used once).
 */
export class CmsSigner extends Signer {
  private readonly cert: X509Certificate;
  private readonly chain: Buffer[];
  /** Test hook: digest the given bytes instead of the real ones. */
  digestOverride: Buffer | null = null;

  constructor(
    certPem: string,
    private readonly key: KeyObject,
    chain: string[] = [],
  ) {
    super();
    this.cert = new X509Certificate(certPem);
    this.chain = chain.map(pemToDer);
    if (!this.cert.checkPrivateKey(key)) throw new Error('the key does not match the certificate');
  }

  get subject(): string {
    return this.cert.subject;
  }

  override async sign(content: Buffer, signingTime?: Date): Promise<Buffer> {
    return this.signSync(content, signingTime ?? new Date());
  }

  signSync(content: Buffer, signingTime: Date): Buffer {
    const { serial, issuer } = certificateFields(this.cert);
    const certDer = this.cert.raw;
    const sha256 = der.sequence(der.oid(cmsOids.sha256));
    const digest = createHash('sha256')
      .update(this.digestOverride ?? content)
      .digest();
    const essCertIdV2 = der.sequence(
      // hashAlgorithm is omitted: SHA-256 is its DEFAULT.
      der.octetString(createHash('sha256').update(certDer).digest()),
      der.sequence(der.sequence(der.explicit(4, issuer)), serial),
    );
    const attributes = [
      attribute(cmsOids.contentType, der.oid(cmsOids.data)),
      attribute(cmsOids.signingTime, der.time(signingTime)),
      attribute(cmsOids.messageDigest, der.octetString(digest)),
      attribute(cmsOids.signingCertificateV2, der.sequence(der.sequence(essCertIdV2))),
    ];
    // The signature covers the attributes as an explicit SET OF (RFC 5652 5.4) ...
    const signedAttrs = der.setOf(...attributes);
    const keyType = this.key.asymmetricKeyType;
    const signatureAlgorithm =
      keyType === 'ec'
        ? der.sequence(der.oid(cmsOids.ecdsaWithSha256))
        : der.sequence(der.oid(cmsOids.sha256WithRsa), der.nullValue());
    const signature = sign('sha256', signedAttrs, this.key);
    const signerInfo = der.sequence(
      der.integer(1),
      der.sequence(issuer, serial),
      sha256,
      // ... and is carried as [0] IMPLICIT.
      Buffer.concat([Buffer.from([0xa0]), signedAttrs.subarray(1)]),
      signatureAlgorithm,
      der.octetString(signature),
    );
    const certificates = [certDer, ...this.chain];
    const signedData = der.sequence(
      der.integer(1),
      der.setOf(sha256),
      der.sequence(der.oid(cmsOids.data)),
      der.tlv(0xa0, Buffer.concat([...certificates].sort(Buffer.compare))),
      der.setOf(signerInfo),
    );
    return der.sequence(der.oid(cmsOids.signedData), der.explicit(0, signedData));
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
  pki: PlatformPki;
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
