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
import * as der from './der.js';

/**
 * The platform PKI: a root CA, an issuing CA below it, Party B's organisation certificate
 * and short-lived Party A event certificates. Storage-agnostic: the caller persists
 * `StoredPki` (plain JSON, private keys encrypted with the configured passphrase).
 *
 * ECDSA P-256 throughout: an event key is generated per contract, and an RSA-2048 key pair
 * takes ~50–100 ms to generate against ~0.1 ms for P-256. pdfsig (NSS) and OpenSSL both
 * verify ECDSA CMS signatures. der.ts writes the ASN.1; node:crypto does every key operation.
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

function buildName(attributes: NameAttribute[]): der.Der {
  // One attribute per RDN, in the order given (C, O, serialNumber, CN).
  return der.sequence(
    ...attributes.map((a) =>
      der.setOf(
        der.sequence(
          der.oid(oids[a.type]),
          // Country and serialNumber are PrintableString by X.520; names may be Chinese.
          a.type === 'countryName' || a.type === 'serialNumber'
            ? der.printableString(a.value)
            : der.utf8String(a.value),
        ),
      ),
    ),
  );
}

function serialNumber(): Buffer {
  const bytes = randomBytes(16);
  // Positive INTEGER without a leading zero byte.
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return bytes;
}

function extension(extnID: string, critical: boolean, value: der.Der): der.Der {
  return der.sequence(
    der.oid(extnID),
    ...(critical ? [der.boolean(true)] : []),
    der.octetString(value),
  );
}

/** The EC point (subjectPublicKey BIT STRING value) of a key. */
function publicPoint(key: KeyObject): Buffer {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  if (jwk.crv !== 'P-256' || !jwk.x || !jwk.y) throw new Error('expected a P-256 key');
  return Buffer.concat([
    Buffer.from([0x04]),
    Buffer.from(jwk.x, 'base64url'),
    Buffer.from(jwk.y, 'base64url'),
  ]);
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING value. */
function keyIdentifier(key: KeyObject): Buffer {
  return createHash('sha1').update(publicPoint(key)).digest();
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

const ecdsaWithSha256 = der.sequence(der.oid(oids.ecdsaWithSha256));

function issue(p: IssueParams): string {
  const extensions = [
    extension(
      oids.basicConstraints,
      true,
      p.ca
        ? der.sequence(
            der.boolean(true),
            ...(p.ca.pathLength === undefined ? [] : [der.integer(p.ca.pathLength)]),
          )
        : der.sequence(),
    ),
    extension(
      oids.keyUsage,
      true,
      p.ca
        ? der.bitString(Buffer.from([0x06]), 1) // keyCertSign (5), cRLSign (6)
        : der.bitString(Buffer.from([0xc0]), 6), // digitalSignature (0), nonRepudiation (1)
    ),
    extension(oids.subjectKeyIdentifier, false, der.octetString(keyIdentifier(p.subjectKey))),
  ];
  if (p.issuer) {
    extensions.push(
      extension(
        oids.authorityKeyIdentifier,
        false,
        der.sequence(der.tlv(0x80, keyIdentifier(p.issuer.key))),
      ),
    );
  }
  if (p.policy) {
    extensions.push(
      extension(oids.certificatePolicies, false, der.sequence(der.sequence(der.oid(p.policy)))),
    );
  }
  const subject = buildName(p.subject);
  const tbs = der.sequence(
    der.explicit(0, der.integer(2)),
    der.integer(serialNumber()),
    ecdsaWithSha256,
    // The issuer's subject bytes verbatim, so name matching never depends on re-encoding.
    p.issuer ? subjectDer(p.issuer.cert) : subject,
    der.sequence(der.time(p.notBefore), der.time(p.notAfter)),
    subject,
    createPublicKey(p.subjectKey).export({ type: 'spki', format: 'der' }),
    der.explicit(3, der.sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, p.issuer ? p.issuer.key : p.subjectKey);
  const cert = der.sequence(tbs, ecdsaWithSha256, der.bitString(signature));
  return `-----BEGIN CERTIFICATE-----\n${cert
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

export type CertificateFields = { serial: Buffer; issuer: Buffer; subject: Buffer };

const fieldCache = new WeakMap<X509Certificate, CertificateFields>();

/** The DER of a certificate's serialNumber INTEGER, issuer and subject Names, verbatim. */
export function certificateFields(cert: X509Certificate): CertificateFields {
  let out = fieldCache.get(cert);
  if (!out) {
    const raw = cert.raw;
    const tbs = der.readTlv(raw, der.readTlv(raw).start);
    const fields: Buffer[] = [];
    let at = tbs.start;
    while (at < tbs.end && fields.length < 6) {
      const f = der.readTlv(raw, at);
      fields.push(Buffer.from(raw.subarray(at, f.end)));
      at = f.end;
    }
    // version [0] is optional (absent in v1 certificates).
    const [serial, , issuer, , subject] = fields[0]?.[0] === 0xa0 ? fields.slice(1) : fields;
    if (!serial || !issuer || !subject) throw new Error('malformed certificate');
    out = { serial, issuer, subject };
    fieldCache.set(cert, out);
  }
  return out;
}

function subjectDer(cert: X509Certificate): Buffer {
  return certificateFields(cert).subject;
}

function generateKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
}

function certified(certPem: string, key: KeyObject): CertifiedKey {
  return { certPem, cert: new X509Certificate(certPem), key };
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
  pki: PlatformPki,
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
export function chainPems(pki: PlatformPki): string[] {
  return [pki.issuing.certPem, pki.root.certPem];
}
