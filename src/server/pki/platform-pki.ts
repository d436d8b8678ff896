import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  X509Certificate,
} from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { signCrl } from './ca/crl-signer.js';
import { cachePkijsSchemas } from './pkijs-schema-cache.js';
import { issuingCaProfile, leafProfile, type ProfileExtensions, profileExtensions, profileOids, servicePolicyOids } from './ca/profiles.js';

/**
 * The platform PKI: a root CA, an issuing CA below it, Party B's organisation certificate
 * and short-lived Party A event certificates. Storage-agnostic: the caller persists
 * `StoredPki` (plain JSON, private keys encrypted with the configured passphrase).
 *
 * ECDSA P-256 throughout: an event key is generated per contract, and an RSA-2048 key pair
 * takes ~50–100 ms to generate against ~0.1 ms for P-256. pdfsig (NSS) and OpenSSL both
 * verify ECDSA CMS signatures. pkijs/asn1js write and read the ASN.1; node:crypto does every
 * key operation (key generation, signing, PKCS#8 encryption of the stored keys).
 */

/** Certificate policy OIDs (UUID arc, RFC 4122 / X.667) telling which party a cert signs for. */
// Every thread that issues or reads certificates parses with pkijs (see pkijs-schema-cache.ts).
cachePkijsSchemas();

export const policyOids = {
  partyAEvent: '2.25.271947434098706608789887190814955496790',
  partyBOrganisation: '2.25.86642502662436168425083816473245644922',
} as const;

const oids = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  countryName: '2.5.4.6',
  organizationName: '2.5.4.10',
  serialNumber: '2.5.4.5',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  certificatePolicies: '2.5.29.32',
} as const;

const day = 24 * 60 * 60 * 1000;
const year = 365 * day;
/** Tolerates clocks of verifiers that run slightly behind ours. */
const backdate = 5 * 60 * 1000;

export type StoredCertifiedKey = { certPem: string; encryptedKeyPem: string };

/** The first format: root, issuing CA and Party B only. Still read, upgraded on first load. */
export type StoredPkiV1 = {
  format: 'qiyue-pki-v1';
  algorithm: 'ECDSA-P256-SHA256';
  createdAt: string;
  root: StoredCertifiedKey;
  issuing: StoredCertifiedKey;
  partyB: StoredCertifiedKey;
};

/**
 * Adds the trust services' certificates (TSA, delegated OCSP responder) and the root's CRL,
 * which only the issuing-CA command re-issues: ordinary start-up never decrypts the root key.
 */
export type StoredPkiV2 = Omit<StoredPkiV1, 'format'> & {
  format: 'qiyue-pki-v2';
  /** The public URL the CRL and OCSP locations of the current certificates name. */
  publicUrl: string;
  tsa: StoredCertifiedKey;
  ocsp: StoredCertifiedKey;
  /** The root's CRL, base64 DER; it names the issuing CAs rolled out so far. */
  rootCrl: string;
  /** Issuing CAs replaced by the command (and revoked on the root CRL), still chaining documents signed under them. */
  retiredIssuing?: { certPem: string; revokedAt: string }[];
};

export type StoredPki = StoredPkiV1 | StoredPkiV2;

export type CertifiedKey = { certPem: string; cert: X509Certificate; key: KeyObject };

/** A CA certificate whose key the running service does not hold. */
export type CaCertificate = { certPem: string; cert: X509Certificate };

/** The issuing CA, with the public URL its certificates name for CRL, OCSP and CA issuers. */
export type IssuingCa = CertifiedKey & { publicUrl?: string };

export type PlatformPki = {
  root: CaCertificate;
  issuing: IssuingCa;
  /**
   * Replaced in place when an operator revokes it (see revoke-certificate.ts), or Party B's
   * certificate from a licensed CA's PKCS#12 file (QIYUE_PARTY_B_P12).
   */
  partyB: CertifiedKey;
  /** The CA certificates above Party B's, nearest first: [issuing, root], or the licensed CA's. */
  partyBChain: X509Certificate[];
  tsa: CertifiedKey;
  ocsp: CertifiedKey;
  rootCrl: Buffer;
  retiredIssuing: CaCertificate[];
};

/**
 * What signing a contract needs once Party A's event certificate is issued: Party B's
 * organisation certificate and key, and the CA certificates of the chain. Worker threads get
 * this much, never a CA key.
 */
export type SigningPki = { root: { certPem: string }; issuing: { certPem: string }; partyB: CertifiedKey };

/** A SigningPki as it crosses to a worker thread: KeyObjects clone, X509Certificates do not. */
export type TransferableSigningPki = {
  root: { certPem: string };
  issuing: { certPem: string };
  partyB: { certPem: string; key: KeyObject };
};

export function transferableSigningPki(pki: SigningPki): TransferableSigningPki {
  return {
    root: { certPem: pki.root.certPem },
    issuing: { certPem: pki.issuing.certPem },
    partyB: { certPem: pki.partyB.certPem, key: pki.partyB.key },
  };
}

export function signingPkiFrom(t: TransferableSigningPki): SigningPki {
  return { root: { certPem: t.root.certPem }, issuing: { certPem: t.issuing.certPem }, partyB: certified(t.partyB.certPem, t.partyB.key) };
}

export type PartyBIdentity = { name: string; creditCode: string };

export type EventSubject =
  | { subjectType: 'enterprise'; name: string; creditCode: string }
  | { subjectType: 'personal'; name: string; idNumberHash: string };

export type IssuedCertificate = { certPem: string; key: KeyObject };

export class PkiPassphraseError extends Error {
  constructor() {
    super('cannot decrypt the platform PKI keys: the key passphrase (QIYUE_KEY) is wrong');
    this.name = 'PkiPassphraseError';
  }
}

type NameAttribute = { type: keyof typeof oids; value: string };

const printableString = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/**
 * One attribute per RDN, in the order given (C, O, serialNumber, CN). pkijs writes the
 * attributes of a Name it builds as one multi-valued RDN, so the RDN SETs are assembled with
 * asn1js and handed to pkijs as the Name's encoding, which it then emits verbatim.
 */
function buildName(attributes: NameAttribute[]): pkijs.RelativeDistinguishedNames {
  const typesAndValues = attributes.map((a) => {
    let value: asn1js.PrintableString | asn1js.Utf8String;
    // Country and serialNumber are PrintableString by X.520; names may be Chinese.
    if (a.type === 'countryName' || a.type === 'serialNumber') {
      if (!printableString.test(a.value)) throw new Error(`not a PrintableString: ${a.value}`);
      value = new asn1js.PrintableString({ value: a.value });
    } else {
      value = new asn1js.Utf8String({ value: a.value });
    }
    return new pkijs.AttributeTypeAndValue({ type: oids[a.type], value });
  });
  const rdns = typesAndValues.map((atv) => new asn1js.Set({ value: [atv.toSchema()] }));
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues,
    valueBeforeDecode: new asn1js.Sequence({ value: rdns }).toBER(),
  });
}

function serialNumber(): asn1js.Integer {
  const bytes = randomBytes(16);
  // Positive INTEGER without a leading zero byte.
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return new asn1js.Integer({ valueHex: bytes });
}

function extension(extnID: string, critical: boolean, value: asn1js.BaseBlock): pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER() });
}

/** RFC 5280 4.1.2.5: UTCTime for 1950–2049, GeneralizedTime otherwise; whole seconds. */
function time(d: Date): pkijs.Time {
  const value = new Date(Math.floor(d.getTime() / 1000) * 1000);
  const year = value.getUTCFullYear();
  return new pkijs.Time({ type: year >= 1950 && year < 2050 ? 0 : 1, value });
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING value. */
function keyIdentifier(spki: pkijs.PublicKeyInfo): Buffer {
  return createHash('sha1').update(spki.subjectPublicKey.valueBlock.valueHexView).digest();
}

/** The issuer's subjectKeyIdentifier, for the authorityKeyIdentifier of what it issues. */
function subjectKeyIdentifier(cert: pkijs.Certificate): Uint8Array {
  const ski = cert.extensions?.find((e) => e.extnID === oids.subjectKeyIdentifier)?.parsedValue;
  return ski instanceof asn1js.OctetString
    ? ski.valueBlock.valueHexView
    : keyIdentifier(cert.subjectPublicKeyInfo);
}

/** A schema that writes the given DER, whatever its contents. */
function encodedAs(schema: asn1js.Sequence, der: ArrayBuffer): asn1js.Sequence {
  schema.toBER = (_sizeOnly?: boolean, writer?: asn1js.ViewWriter): ArrayBuffer => {
    if (!writer) return der;
    writer.write(der);
    return new ArrayBuffer(0);
  };
  return schema;
}

/**
 * A pkijs Certificate that encodes itself once. pkijs's toSchema() re-parses the TBS bytes on
 * every call, and asn1js/pkijs object churn makes that ~0.5–1 ms a certificate; the CA
 * certificates go into every signature. A certificate issued here keeps the TBS schema it
 * was signed over; a parsed one parses its TBS once. Treat instances as read-only.
 */
export class PkiCertificate extends pkijs.Certificate {
  private tbsSchema: asn1js.Sequence | undefined;
  private schemaCache: asn1js.Sequence | undefined;

  override encodeTBS(): asn1js.Sequence {
    this.tbsSchema ??= super.encodeTBS();
    return this.tbsSchema;
  }

  override toSchema(encodeFlag = false): asn1js.Sequence {
    if (!this.schemaCache) {
      const schema = super.toSchema(encodeFlag || this.tbsSchema !== undefined);
      // A signed certificate never changes: encode it once and write those bytes wherever it is
      // embedded (each CMS signature carries three), instead of walking the schema every time.
      this.schemaCache = encodedAs(schema, schema.toBER());
    }
    return this.schemaCache;
  }

  /** Embeds exactly these bytes wherever the certificate is written. */
  embedAs(der: Uint8Array): void {
    this.schemaCache = encodedAs(new asn1js.Sequence(), der.slice().buffer);
  }
}

/**
 * Certificates by PEM: the CA certificates every signature embeds, and event certificates
 * between their issue and their signature. Small and least-recently-used.
 */
const byPem = new Map<string, X509Certificate>();
const byPemLimit = 64;

function remember(pem: string, cert: X509Certificate): X509Certificate {
  byPem.delete(pem);
  byPem.set(pem, cert);
  if (byPem.size > byPemLimit) byPem.delete(byPem.keys().next().value!);
  return cert;
}

/** The X509Certificate of a PEM, cached, so that its pkijs form is parsed only once. */
export function certificateFromPem(pem: string): X509Certificate {
  return remember(pem, byPem.get(pem) ?? new X509Certificate(pem));
}

const byX509 = new WeakMap<X509Certificate, PkiCertificate>();

/** The certificate as pkijs reads it, parsed once per X509Certificate object. */
/**
 * What a signature needs of its signer's certificate (issuer, serial number, the DER to
 * embed), without pkijs's full parse, which takes ~3.5 ms: an event certificate signs once,
 * in a worker thread that did not issue it. The issuer is the subject of the chain
 * certificate that issued it, as parsed once; the serial number is Node's. The full object
 * when one is at hand, or when the issuer is not in `chain`.
 */
export function signerCertificate(cert: X509Certificate, chain: X509Certificate[]): PkiCertificate {
  const known = byX509.get(cert);
  if (known) return known;
  const issuer = chain.find((ca) => cert.checkIssued(ca));
  if (!issuer || !/^[0-9A-F]+$/i.test(cert.serialNumber)) return parsedCertificate(cert);
  // A positive INTEGER in DER: whole bytes, and a leading zero byte when the top bit is set.
  let hex = cert.serialNumber.length % 2 ? `0${cert.serialNumber}` : cert.serialNumber;
  if (Number.parseInt(hex[0]!, 16) >= 8) hex = `00${hex}`;
  const signer = new PkiCertificate();
  signer.serialNumber = new asn1js.Integer({ valueHex: Buffer.from(hex, 'hex') });
  signer.issuer = parsedCertificate(issuer).subject;
  signer.embedAs(new Uint8Array(cert.raw));
  return signer;
}

export function parsedCertificate(cert: X509Certificate): PkiCertificate {
  let out = byX509.get(cert);
  if (!out) {
    out = PkiCertificate.fromBER(cert.raw) as PkiCertificate;
    byX509.set(cert, out);
  }
  return out;
}

type IssueParams = {
  /** Attributes to encode, or a Name as parsed from an earlier certificate (kept verbatim). */
  subject: NameAttribute[] | pkijs.RelativeDistinguishedNames;
  issuer: CertifiedKey | null;
  subjectKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  ca: { pathLength?: number } | null;
  policy?: string;
  /** Leaf key usage: signing documents (the default) or only digitalSignature (TSA, OCSP). */
  keyUsage?: 'nonRepudiation' | 'digitalSignature';
  profile?: ProfileExtensions;
};

const ecdsaWithSha256 = () => new pkijs.AlgorithmIdentifier({ algorithmId: oids.ecdsaWithSha256 });

function issue(p: IssueParams): string {
  const spki = new pkijs.PublicKeyInfo({
    json: createPublicKey(p.subjectKey).export({ format: 'jwk' }),
  });
  const issuer = p.issuer ? parsedCertificate(p.issuer.cert) : null;
  const subject = Array.isArray(p.subject) ? buildName(p.subject) : p.subject;
  const basicConstraints = p.ca
    ? new pkijs.BasicConstraints({
        cA: true,
        ...(p.ca.pathLength === undefined ? {} : { pathLenConstraint: p.ca.pathLength }),
      })
    : new pkijs.BasicConstraints({});
  const extensions = [
    extension(oids.basicConstraints, true, basicConstraints.toSchema()),
    extension(
      oids.keyUsage,
      true,
      p.ca
        ? new asn1js.BitString({ valueHex: Uint8Array.of(0x06), unusedBits: 1 }) // keyCertSign (5), cRLSign (6)
        : p.keyUsage === 'digitalSignature'
          ? new asn1js.BitString({ valueHex: Uint8Array.of(0x80), unusedBits: 7 }) // digitalSignature (0)
          : new asn1js.BitString({ valueHex: Uint8Array.of(0xc0), unusedBits: 6 }), // digitalSignature (0), nonRepudiation (1)
    ),
    extension(
      oids.subjectKeyIdentifier,
      false,
      new asn1js.OctetString({ valueHex: keyIdentifier(spki) }),
    ),
  ];
  if (issuer) {
    const aki = new pkijs.AuthorityKeyIdentifier({
      keyIdentifier: new asn1js.OctetString({ valueHex: subjectKeyIdentifier(issuer) }),
    });
    extensions.push(extension(oids.authorityKeyIdentifier, false, aki.toSchema()));
  }
  if (p.policy) {
    const policies = new pkijs.CertificatePolicies({
      certificatePolicies: [new pkijs.PolicyInformation({ policyIdentifier: p.policy })],
    });
    extensions.push(extension(oids.certificatePolicies, false, policies.toSchema()));
  }
  if (p.profile) extensions.push(...profileExtensions(p.profile));
  const cert = new PkiCertificate({
    version: 2,
    serialNumber: serialNumber(),
    signature: ecdsaWithSha256(),
    // The issuer's subject as parsed from its certificate: pkijs re-emits those bytes
    // verbatim, so name matching never depends on re-encoding.
    issuer: issuer ? issuer.subject : subject,
    notBefore: time(p.notBefore),
    notAfter: time(p.notAfter),
    subject,
    subjectPublicKeyInfo: spki,
    extensions,
    signatureAlgorithm: ecdsaWithSha256(),
  });
  // The private-key operation is node:crypto's: ECDSA (DER Ecdsa-Sig-Value) over the DER
  // TBSCertificate as pkijs encodes it; toSchema() then wraps that same TBS schema.
  cert.tbsView = new Uint8Array(cert.encodeTBS().toBER());
  const signature = sign('sha256', cert.tbsView, p.issuer ? p.issuer.key : p.subjectKey);
  cert.signatureValue = new asn1js.BitString({ valueHex: signature });
  const x509 = new X509Certificate(Buffer.from(cert.toSchema().toBER()));
  const pem = x509.toString();
  // The certificate is about to sign: keep what pkijs built rather than parse it again.
  remember(pem, x509);
  byX509.set(x509, cert);
  return pem;
}

export type CertificateFields = { serial: Buffer; issuer: Buffer; subject: Buffer };

/** The DER of a certificate's serialNumber INTEGER, issuer and subject Names, verbatim. */
export function certificateFields(cert: X509Certificate): CertificateFields {
  const parsed = parsedCertificate(cert);
  return {
    serial: Buffer.from(parsed.serialNumber.toBER()),
    issuer: Buffer.from(parsed.issuer.toSchema().toBER()),
    subject: Buffer.from(parsed.subject.toSchema().toBER()),
  };
}

export function generateKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
}

export function certified(certPem: string, key: KeyObject): CertifiedKey {
  return { certPem, cert: certificateFromPem(certPem), key };
}

export function encryptKey(ck: CertifiedKey, passphrase: string): StoredCertifiedKey {
  return {
    certPem: ck.certPem,
    encryptedKeyPem: ck.key
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
      .toString(),
  };
}

export const lifetimes = {
  root: 20 * year,
  /** Outlives the TSA and OCSP certificates it issues by five years. */
  issuing: 15 * year,
  partyB: 3 * year,
  /**
   * Ten years: a relying party checks a timestamp token, and the OCSP responses in a DSS,
   * against these certificates' validity; documents must validate years after signing.
   */
  trustService: 10 * year,
} as const;

/** node:crypto on Node 20 has no validToDate. */
export function notAfterOf(cert: X509Certificate): Date {
  return new Date(cert.validTo);
}

const defaultPublicUrl = 'http://localhost:3000';

function orgName(ca: CaCertificate): string {
  const o = /^O=(.*)$/m.exec(ca.cert.subject);
  return o?.[1] ?? 'Qiyue';
}

/** Issues an issuing CA under the root (the root's key is needed: the command does this). */
export function issueIssuingCa(root: CertifiedKey, publicUrl: string, now: Date = new Date()): IssuingCa {
  const org = orgName(root);
  const key = generateKey();
  const certPem = issue({
    subject: [
      { type: 'countryName', value: 'CN' },
      { type: 'organizationName', value: org },
      { type: 'commonName', value: `${org} 契约平台签发证书` },
    ],
    issuer: root,
    subjectKey: key,
    notBefore: new Date(now.getTime() - backdate),
    notAfter: new Date(Math.min(now.getTime() + lifetimes.issuing, notAfterOf(root.cert).getTime())),
    ca: { pathLength: 0 },
    profile: issuingCaProfile(publicUrl),
  });
  return { ...certified(certPem, key), publicUrl };
}

/** A leaf under the issuing CA never outlives it. */
function leafNotAfter(issuing: IssuingCa, now: Date, lifetime: number): Date {
  return new Date(Math.min(now.getTime() + lifetime, notAfterOf(issuing.cert).getTime()));
}

/**
 * Party B's organisation certificate. `subject` is the identity to certify, or the Name of
 * the certificate it replaces (a rollover keeps the subject byte for byte).
 */
export function issuePartyBCertificate(
  issuing: IssuingCa,
  subject: PartyBIdentity | pkijs.RelativeDistinguishedNames,
  now: Date = new Date(),
): CertifiedKey {
  const key = generateKey();
  const certPem = issue({
    subject:
      subject instanceof pkijs.RelativeDistinguishedNames
        ? subject
        : [
            { type: 'countryName', value: 'CN' },
            { type: 'organizationName', value: subject.name },
            { type: 'serialNumber', value: subject.creditCode },
            { type: 'commonName', value: subject.name },
          ],
    issuer: issuing,
    subjectKey: key,
    notBefore: new Date(now.getTime() - backdate),
    notAfter: leafNotAfter(issuing, now, lifetimes.partyB),
    ca: null,
    policy: policyOids.partyBOrganisation,
    profile: leafProfile(issuing.publicUrl),
  });
  return certified(certPem, key);
}

/** The embedded TSA's certificate: critical EKU id-kp-timeStamping only (RFC 3161 2.3). */
export function issueTsaCertificate(issuing: IssuingCa, now: Date = new Date()): CertifiedKey {
  const org = orgName(issuing);
  const key = generateKey();
  const certPem = issue({
    subject: [
      { type: 'countryName', value: 'CN' },
      { type: 'organizationName', value: org },
      { type: 'commonName', value: `${org} 契约平台时间戳服务` },
    ],
    issuer: issuing,
    subjectKey: key,
    notBefore: new Date(now.getTime() - backdate),
    notAfter: leafNotAfter(issuing, now, lifetimes.trustService),
    ca: null,
    keyUsage: 'digitalSignature',
    policy: servicePolicyOids.tsaCertificate,
    profile: { ...leafProfile(issuing.publicUrl), extendedKeyUsage: [profileOids.kpTimeStamping] },
  });
  return certified(certPem, key);
}

/**
 * The delegated OCSP responder (RFC 6960 4.2.2.2): id-kp-OCSPSigning, and id-pkix-ocsp-nocheck
 * so that relying parties do not ask the responder about itself. It names no OCSP URL.
 */
export function issueOcspResponderCertificate(issuing: IssuingCa, now: Date = new Date()): CertifiedKey {
  const org = orgName(issuing);
  const key = generateKey();
  const profile = leafProfile(issuing.publicUrl);
  const certPem = issue({
    subject: [
      { type: 'countryName', value: 'CN' },
      { type: 'organizationName', value: org },
      { type: 'commonName', value: `${org} 契约平台证书状态服务` },
    ],
    issuer: issuing,
    subjectKey: key,
    notBefore: new Date(now.getTime() - backdate),
    notAfter: leafNotAfter(issuing, now, lifetimes.trustService),
    ca: null,
    keyUsage: 'digitalSignature',
    policy: servicePolicyOids.ocspResponderCertificate,
    profile: {
      crlUrl: profile.crlUrl,
      caIssuersUrl: profile.caIssuersUrl,
      extendedKeyUsage: [profileOids.kpOcspSigning],
      ocspNoCheck: true,
    },
  });
  return certified(certPem, key);
}

/**
 * The root's CRL, valid until the newest issuing CA expires: the root key signs it only when
 * the command creates or rolls an issuing CA. Its number is the issue time in seconds, so
 * that it increases across runs without reading the previous one.
 */
export function issueRootCrl(
  root: CertifiedKey,
  o: { revoked: { serial: string; revokedAt: Date }[]; nextUpdate: Date; now?: Date },
): Buffer {
  const now = o.now ?? new Date();
  return signCrl({
    issuer: parsedCertificate(root.cert),
    key: root.key,
    revoked: o.revoked.map((r) => ({ ...r, reason: 'superseded' as const })),
    thisUpdate: new Date(now.getTime() - backdate),
    nextUpdate: o.nextUpdate,
    crlNumber: Math.floor(now.getTime() / 1000),
  });
}

/** Creates a new root CA, issuing CA, Party B, TSA and OCSP responder certificates, and the root CRL. */
export function createPlatformPki(options: {
  keyPassphrase: string;
  partyB: PartyBIdentity;
  publicUrl?: string;
  now?: Date;
}): StoredPkiV2 {
  if (!options.keyPassphrase) throw new Error('a key passphrase is required');
  const now = options.now ?? new Date();
  const publicUrl = options.publicUrl ?? defaultPublicUrl;
  const org = options.partyB.name;

  const rootKey = generateKey();
  const root = certified(
    issue({
      subject: [
        { type: 'countryName', value: 'CN' },
        { type: 'organizationName', value: org },
        { type: 'commonName', value: `${org} 契约平台根证书` },
      ],
      issuer: null,
      subjectKey: rootKey,
      notBefore: new Date(now.getTime() - backdate),
      notAfter: new Date(now.getTime() + lifetimes.root),
      ca: {},
    }),
    rootKey,
  );
  const issuing = issueIssuingCa(root, publicUrl, now);
  const pass = options.keyPassphrase;
  return {
    format: 'qiyue-pki-v2',
    algorithm: 'ECDSA-P256-SHA256',
    createdAt: now.toISOString(),
    publicUrl,
    root: encryptKey(root, pass),
    issuing: encryptKey(issuing, pass),
    partyB: encryptKey(issuePartyBCertificate(issuing, options.partyB, now), pass),
    tsa: encryptKey(issueTsaCertificate(issuing, now), pass),
    ocsp: encryptKey(issueOcspResponderCertificate(issuing, now), pass),
    rootCrl: issueRootCrl(root, { revoked: [], nextUpdate: notAfterOf(issuing.cert), now }).toString('base64'),
  };
}

export function decryptKey(stored: StoredCertifiedKey, passphrase: string, what: string): CertifiedKey {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: stored.encryptedKeyPem, format: 'pem', passphrase });
  } catch {
    throw new PkiPassphraseError();
  }
  const ck = certified(stored.certPem, key);
  if (!ck.cert.checkPrivateKey(key)) {
    throw new Error(`the stored ${what} key does not belong to its certificate`);
  }
  return ck;
}

/**
 * A v1 PKI with the certificates v2 adds. The root key is decrypted this once, for the root
 * CRL; the issuing CA and Party B stay as they are (they name no CRL or OCSP location until
 * the issuing-CA command rolls them).
 */
export function upgradeStoredPki(
  stored: StoredPkiV1,
  keyPassphrase: string,
  options: { publicUrl?: string; now?: Date } = {},
): StoredPkiV2 {
  const now = options.now ?? new Date();
  const publicUrl = options.publicUrl ?? defaultPublicUrl;
  const root = decryptKey(stored.root, keyPassphrase, 'root CA');
  const issuing: IssuingCa = { ...decryptKey(stored.issuing, keyPassphrase, 'issuing CA'), publicUrl };
  return {
    ...stored,
    format: 'qiyue-pki-v2',
    publicUrl,
    tsa: encryptKey(issueTsaCertificate(issuing, now), keyPassphrase),
    ocsp: encryptKey(issueOcspResponderCertificate(issuing, now), keyPassphrase),
    rootCrl: issueRootCrl(root, { revoked: [], nextUpdate: notAfterOf(issuing.cert), now }).toString('base64'),
  };
}

/**
 * Decrypts the stored PKI's working keys: the issuing CA's and the leaves'; never the root's.
 * A v1 PKI is upgraded in memory (persist the upgrade with `upgradeStoredPki`). `publicUrl`
 * is what event certificates issued from now on name. Throws PkiPassphraseError for a wrong
 * passphrase.
 */
export function loadPlatformPki(stored: StoredPki, keyPassphrase: string, options: { publicUrl?: string } = {}): PlatformPki {
  if (stored?.format === 'qiyue-pki-v1') stored = upgradeStoredPki(stored, keyPassphrase, options);
  if (stored?.format !== 'qiyue-pki-v2') throw new Error('unknown stored PKI format');
  const root: CaCertificate = { certPem: stored.root.certPem, cert: certificateFromPem(stored.root.certPem) };
  const pki: PlatformPki = {
    root,
    issuing: { ...decryptKey(stored.issuing, keyPassphrase, 'issuing CA'), publicUrl: options.publicUrl ?? stored.publicUrl },
    partyB: decryptKey(stored.partyB, keyPassphrase, 'Party B'),
    partyBChain: [],
    tsa: decryptKey(stored.tsa, keyPassphrase, 'TSA'),
    ocsp: decryptKey(stored.ocsp, keyPassphrase, 'OCSP responder'),
    rootCrl: Buffer.from(stored.rootCrl, 'base64'),
    retiredIssuing: (stored.retiredIssuing ?? []).map((r) => ({ certPem: r.certPem, cert: certificateFromPem(r.certPem) })),
  };
  if (!pki.issuing.cert.verify(pki.root.cert.publicKey)) {
    throw new Error('the stored issuing CA is not signed by the stored root');
  }
  pki.partyBChain = [pki.issuing.cert, pki.root.cert];
  for (const [what, ck] of [['Party B', pki.partyB], ['TSA', pki.tsa], ['OCSP responder', pki.ocsp]] as const) {
    if (!ck.cert.verify(pki.issuing.cert.publicKey)) throw new Error(`the stored ${what} certificate is not signed by the issuing CA`);
  }
  return pki;
}

/** Event certificates live long enough to sign one contract, and a little more. */
export const eventCertificateLifetimeMs = day;

/**
 * Issues Party A's event certificate for one signing. The subject carries the verified
 * identity: CN = name; the credit code (enterprise) or a SHA-256 of the ID number (person)
 * in serialNumber — never the ID number itself. It names the issuing CA's CRL and OCSP
 * responder under the issuing CA's public URL.
 */
export function issueEventCertificate(
  pki: Pick<PlatformPki, 'issuing'>,
  subject: EventSubject,
  now: Date = new Date(),
): IssuedCertificate {
  let name: NameAttribute[];
  if (subject.subjectType === 'enterprise') {
    name = [
      { type: 'countryName', value: 'CN' },
      { type: 'organizationName', value: subject.name },
      { type: 'serialNumber', value: subject.creditCode },
      { type: 'commonName', value: subject.name },
    ];
  } else {
    if (!/^[0-9a-f]{64}$/.test(subject.idNumberHash)) {
      throw new Error('idNumberHash must be a lowercase hex SHA-256');
    }
    name = [
      { type: 'countryName', value: 'CN' },
      { type: 'serialNumber', value: subject.idNumberHash },
      { type: 'commonName', value: subject.name },
    ];
  }
  const key = generateKey();
  const certPem = issue({
    subject: name,
    issuer: pki.issuing,
    subjectKey: key,
    notBefore: new Date(now.getTime() - backdate),
    notAfter: new Date(now.getTime() + eventCertificateLifetimeMs),
    ca: null,
    policy: policyOids.partyAEvent,
    profile: leafProfile(pki.issuing.publicUrl),
  });
  return { certPem, key };
}

/** The certificates a signature embeds after the signer's own, nearest issuer first. */
export function chainPems(pki: Pick<SigningPki, 'root' | 'issuing'>): string[] {
  return [pki.issuing.certPem, pki.root.certPem];
}
