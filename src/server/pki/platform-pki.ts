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

export type StoredPki = {
  format: 'qiyue-pki-v1';
  algorithm: 'ECDSA-P256-SHA256';
  createdAt: string;
  root: StoredCertifiedKey;
  issuing: StoredCertifiedKey;
  partyB: StoredCertifiedKey;
};

export type CertifiedKey = { certPem: string; cert: X509Certificate; key: KeyObject };

export type PlatformPki = {
  root: CertifiedKey;
  issuing: CertifiedKey;
  partyB: CertifiedKey;
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
  subject: NameAttribute[];
  issuer: CertifiedKey | null;
  subjectKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  ca: { pathLength?: number } | null;
  policy?: string;
};

const ecdsaWithSha256 = () => new pkijs.AlgorithmIdentifier({ algorithmId: oids.ecdsaWithSha256 });

function issue(p: IssueParams): string {
  const spki = new pkijs.PublicKeyInfo({
    json: createPublicKey(p.subjectKey).export({ format: 'jwk' }),
  });
  const issuer = p.issuer ? parsedCertificate(p.issuer.cert) : null;
  const subject = buildName(p.subject);
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

function generateKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
}

function certified(certPem: string, key: KeyObject): CertifiedKey {
  return { certPem, cert: certificateFromPem(certPem), key };
}

function encrypt(ck: CertifiedKey, passphrase: string): StoredCertifiedKey {
  return {
    certPem: ck.certPem,
    encryptedKeyPem: ck.key
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
      .toString(),
  };
}

/** Creates a new root CA, issuing CA and Party B organisation certificate. */
export function createPlatformPki(options: {
  keyPassphrase: string;
  partyB: PartyBIdentity;
  now?: Date;
}): StoredPki {
  if (!options.keyPassphrase) throw new Error('a key passphrase is required');
  const now = options.now ?? new Date();
  const notBefore = new Date(now.getTime() - backdate);
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
      notBefore,
      notAfter: new Date(now.getTime() + 20 * year),
      ca: {},
    }),
    rootKey,
  );

  const issuingKey = generateKey();
  const issuing = certified(
    issue({
      subject: [
        { type: 'countryName', value: 'CN' },
        { type: 'organizationName', value: org },
        { type: 'commonName', value: `${org} 契约平台签发证书` },
      ],
      issuer: root,
      subjectKey: issuingKey,
      notBefore,
      notAfter: new Date(now.getTime() + 10 * year),
      ca: { pathLength: 0 },
    }),
    issuingKey,
  );

  const partyBKey = generateKey();
  const partyB = certified(
    issue({
      subject: [
        { type: 'countryName', value: 'CN' },
        { type: 'organizationName', value: org },
        { type: 'serialNumber', value: options.partyB.creditCode },
        { type: 'commonName', value: org },
      ],
      issuer: issuing,
      subjectKey: partyBKey,
      notBefore,
      notAfter: new Date(now.getTime() + 3 * year),
      ca: null,
      policy: policyOids.partyBOrganisation,
    }),
    partyBKey,
  );

  const pass = options.keyPassphrase;
  return {
    format: 'qiyue-pki-v1',
    algorithm: 'ECDSA-P256-SHA256',
    createdAt: now.toISOString(),
    root: encrypt(root, pass),
    issuing: encrypt(issuing, pass),
    partyB: encrypt(partyB, pass),
  };
}

function decrypt(stored: StoredCertifiedKey, passphrase: string, what: string): CertifiedKey {
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

/** Decrypts the stored PKI. Throws PkiPassphraseError for a wrong passphrase. */
export function loadPlatformPki(stored: StoredPki, keyPassphrase: string): PlatformPki {
  if (stored?.format !== 'qiyue-pki-v1') throw new Error('unknown stored PKI format');
  const pki = {
    root: decrypt(stored.root, keyPassphrase, 'root CA'),
    issuing: decrypt(stored.issuing, keyPassphrase, 'issuing CA'),
    partyB: decrypt(stored.partyB, keyPassphrase, 'Party B'),
  };
  if (!pki.issuing.cert.verify(pki.root.cert.publicKey)) {
    throw new Error('the stored issuing CA is not signed by the stored root');
  }
  if (!pki.partyB.cert.verify(pki.issuing.cert.publicKey)) {
    throw new Error('the stored Party B certificate is not signed by the issuing CA');
  }
  return pki;
}

/** Event certificates live long enough to sign one contract, and a little more. */
export const eventCertificateLifetimeMs = day;

/**
 * Issues Party A's event certificate for one signing. The subject carries the verified
 * identity: CN = name; the credit code (enterprise) or a SHA-256 of the ID number (person)
 * in serialNumber — never the ID number itself.
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
  });
  return { certPem, key };
}

/** The certificates a signature embeds after the signer's own, nearest issuer first. */
export function chainPems(pki: Pick<SigningPki, 'root' | 'issuing'>): string[] {
  return [pki.issuing.certPem, pki.root.certPem];
}
