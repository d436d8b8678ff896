import { createHash, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/**
 * A certificate as the verifier uses it: pkijs for its ASN.1 fields, node:crypto (OpenSSL)
 * for signature checks. Parsed once per DER encoding.
 */
export type Cert = {
  der: Buffer;
  /** SHA-256 of the DER: identity for sets and caches. */
  id: string;
  parsed: pkijs.Certificate;
  x509: X509Certificate;
  subjectDer: Buffer;
  issuerDer: Buffer;
};

export const extOids = {
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  basicConstraints: '2.5.29.19',
  certificatePolicies: '2.5.29.32',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
} as const;

export const ekuOids = {
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
} as const;

/**
 * Parsed certificates by DER digest, shared by every verification in this thread: the
 * platform's CA, TSA and OCSP certificates recur in every document (several times each), and
 * a pkijs parse costs far more than a hash. Entries are immutable.
 */
const parsedCache = new Map<string, Cert>();
const parsedCacheLimit = 1024;

function parse(bytes: Buffer, id: string): Cert | undefined {
  const known = parsedCache.get(id);
  if (known) return known;
  const asn = asn1js.fromBER(new Uint8Array(bytes));
  if (asn.offset === -1) return undefined;
  const parsed = new pkijs.Certificate({ schema: asn.result });
  const cert: Cert = {
    der: bytes,
    id,
    parsed,
    x509: new X509Certificate(bytes),
    subjectDer: Buffer.from(parsed.subject.toSchema().toBER()),
    issuerDer: Buffer.from(parsed.issuer.toSchema().toBER()),
  };
  if (parsedCache.size >= parsedCacheLimit) parsedCache.delete(parsedCache.keys().next().value!);
  parsedCache.set(id, cert);
  return cert;
}

/** The certificates one verification has seen (from the CMS, timestamps, OCSP and the DSS). */
export class CertPool {
  private readonly byId = new Map<string, Cert>();

  /** Parses (or finds) a certificate from its DER; undefined if the bytes are not one. */
  add(der: Uint8Array): Cert | undefined {
    try {
      const bytes = Buffer.from(der);
      const id = createHash('sha256').update(bytes).digest('hex');
      const known = this.byId.get(id);
      if (known) return known;
      const cert = parse(bytes, id);
      if (cert) this.byId.set(id, cert);
      return cert;
    } catch {
      return undefined;
    }
  }

  all(): Cert[] {
    return [...this.byId.values()];
  }

  bySubject(subjectDer: Buffer): Cert[] {
    return this.all().filter((c) => c.subjectDer.equals(subjectDer));
  }
}

type Extension = { critical: boolean; value: asn1js.AsnType };

// A certificate's decoded extensions, as long as the certificate is cached: every chain and
// revocation check asks for the same few (key usage, basic constraints, EKU, policies) again.
const extensionCache = new WeakMap<Cert, Map<string, Extension | null>>();

export function extension(cert: Cert, oid: string): Extension | null {
  let decoded = extensionCache.get(cert);
  if (!decoded) {
    decoded = new Map();
    extensionCache.set(cert, decoded);
  }
  const known = decoded.get(oid);
  if (known !== undefined) return known;
  const ext = cert.parsed.extensions?.find((e) => e.extnID === oid);
  const parsed = ext ? asn1js.fromBER(ext.extnValue.valueBlock.valueHexView) : undefined;
  const value = ext && parsed && parsed.offset !== -1 ? { critical: ext.critical, value: parsed.result } : null;
  decoded.set(oid, value);
  return value;
}

/** Key usage bits (bit 0 = digitalSignature), or null when the extension is absent. */
export function keyUsage(cert: Cert): Set<number> | null {
  const ext = extension(cert, extOids.keyUsage);
  if (!ext || !(ext.value instanceof asn1js.BitString)) return null;
  const bytes = ext.value.valueBlock.valueHexView;
  const bits = new Set<number>();
  for (let i = 0; i < bytes.length * 8; i++) if ((bytes[i >> 3]! >> (7 - (i & 7))) & 1) bits.add(i);
  return bits;
}

export const keyUsageBits = { digitalSignature: 0, nonRepudiation: 1, keyCertSign: 5, cRLSign: 6 } as const;

export function extendedKeyUsage(cert: Cert): { critical: boolean; oids: string[] } | null {
  const ext = extension(cert, extOids.extKeyUsage);
  if (!ext || !(ext.value instanceof asn1js.Sequence)) return null;
  const oids = ext.value.valueBlock.value
    .filter((v): v is asn1js.ObjectIdentifier => v instanceof asn1js.ObjectIdentifier)
    .map((v) => v.valueBlock.toString());
  return { critical: ext.critical, oids };
}

export function isCa(cert: Cert): boolean {
  const ext = extension(cert, extOids.basicConstraints);
  if (!ext || !(ext.value instanceof asn1js.Sequence)) return false;
  const first = ext.value.valueBlock.value[0];
  return first instanceof asn1js.Boolean && first.valueBlock.value;
}

const policyDer = new Map<string, Buffer>();

/**
 * Whether the certificate asserts the policy. Compared as DER: asn1js encodes UUID arcs
 * (2.25.<128-bit>) correctly but prints them in hex.
 */
export function hasPolicy(cert: Cert, policy: string): boolean {
  const ext = extension(cert, extOids.certificatePolicies);
  if (!ext || !(ext.value instanceof asn1js.Sequence)) return false;
  let wanted = policyDer.get(policy);
  if (!wanted) {
    wanted = Buffer.from(new asn1js.ObjectIdentifier({ value: policy }).toBER());
    policyDer.set(policy, wanted);
  }
  return ext.value.valueBlock.value.some((info) => {
    const id = info instanceof asn1js.Sequence ? info.valueBlock.value[0] : undefined;
    return id instanceof asn1js.ObjectIdentifier && Buffer.from(id.toBER()).equals(wanted);
  });
}

export function validAt(cert: Cert, at: Date): boolean {
  const t = at.getTime();
  return cert.parsed.notBefore.value.getTime() <= t && t <= cert.parsed.notAfter.value.getTime();
}

export function commonName(cert: Cert): string {
  return /(?:^|\n)CN=([^\n]*)/.exec(cert.x509.subject)?.[1] ?? cert.x509.subject;
}

/** Whether `issuer` signed `cert` (names chain and the signature verifies). Cached. */
const issuedCache = new Map<string, boolean>();
export function issuedBy(cert: Cert, issuer: Cert): boolean {
  const key = `${cert.id}:${issuer.id}`;
  let ok = issuedCache.get(key);
  if (ok === undefined) {
    ok = cert.issuerDer.equals(issuer.subjectDer) && safeVerify(cert, issuer);
    if (issuedCache.size > 10_000) issuedCache.clear();
    issuedCache.set(key, ok);
  }
  return ok;
}

function safeVerify(cert: Cert, issuer: Cert): boolean {
  try {
    return cert.x509.verify(issuer.x509.publicKey);
  } catch {
    return false;
  }
}
