import { createHash, X509Certificate } from 'node:crypto';
import * as pkijs from 'pkijs';
import { profileOids } from './ca/profiles.js';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { createOcspResponder, type OcspResponder, registryLookup } from './ocsp.js';
import { parsedCertificate, type PlatformPki } from './platform-pki.js';
import { serialOf } from './registry.js';
import { createHttpTsa } from './tsa-client.js';
import type { TsaSetup } from '../signing/tsa-setup.js';
import { embeddedTsa, type TimestampAuthority, type TransferableTsa } from './tsa.js';

export type { TimestampAuthority, TransferableTsa } from './tsa.js';
export { embeddedTsa } from './tsa.js';

export type ValidationMaterial = { certificates: Buffer[]; ocspResponses: Buffer[]; crls: Buffer[] };

export type TrustServices = {
  /** The embedded platform TSA, or the HTTP client when QIYUE_TSA_URL is set. */
  tsa: TimestampAuthority;
  /** TSA certificate first, then its CAs (for an external TSA: the certificates of QIYUE_TSA_CA_FILE). */
  tsaChain: X509Certificate[];
  /**
   * For each certificate and every CA above it to the root: the certificates (those given
   * included, and the OCSP responder's), an OCSP
   * response for leaf certificates, the root CRL for the issuing CA. Proves status now; the
   * long-lived certificates' responses are cached up to an hour.
   */
  validationMaterial(certs: X509Certificate[]): Promise<ValidationMaterial>;
  /** Anchors the verifier trusts: the platform root, a PKCS#12 Party B's root, an external TSA's roots. */
  trustedRoots(): X509Certificate[];
  /** The embedded TSA as worker threads receive it. */
  transferableTsa(): TransferableTsa;
  /** How signing threads reach the TSA: the embedded one's key, or the external one's URL. */
  tsaSetup(): TsaSetup;
  ocsp: OcspResponder;
};

/** Long-lived certificates' OCSP responses, by serial; a revocation here drops them. */
const responseCache = new Map<string, { der: Buffer; at: number }>();
export const ocspCacheMs = 60 * 60 * 1000;

/** Forgets cached OCSP responses about a certificate (after a revocation in this process). */
export function forgetOcspResponse(serial: string): void {
  responseCache.delete(serial);
}

const day = 24 * 60 * 60 * 1000;

/** CRLs of external CAs (a licensed CA's Party B, an external TSA), by URL. */
const externalCrls = new Map<string, { der: Buffer; until: number }>();
const externalFetchMs = 10_000;

function crlUrls(cert: X509Certificate): string[] {
  const ext = parsedCertificate(cert).extensions?.find((e) => e.extnID === profileOids.crlDistributionPoints);
  const points = ext?.parsedValue instanceof pkijs.CRLDistributionPoints ? ext.parsedValue.distributionPoints : [];
  const urls: string[] = [];
  for (const p of points) {
    if (!Array.isArray(p.distributionPoint)) continue;
    for (const name of p.distributionPoint) if (name.type === 6 && /^https?:\/\//.test(String(name.value))) urls.push(String(name.value));
  }
  return urls;
}

/**
 * The CRL an external certificate names (the first location that answers), cached until its
 * nextUpdate and at most an hour. Best effort: when none answers, the material goes without
 * it (a validator then fetches it itself, or reports the status unknown); another CA's outage
 * must not stop contracts.
 */
async function externalCrl(cert: X509Certificate): Promise<Buffer | undefined> {
  const urls = crlUrls(cert);
  if (!urls.length) return undefined;
  const problems: string[] = [];
  for (const url of urls) {
    const cached = externalCrls.get(url);
    if (cached && Date.now() < cached.until) return cached.der;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(externalFetchMs) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const der = Buffer.from(await response.arrayBuffer());
      const crl = pkijs.CertificateRevocationList.fromBER(new Uint8Array(der));
      const nextUpdate = crl.nextUpdate?.value.getTime() ?? Date.now();
      externalCrls.set(url, { der, until: Math.min(nextUpdate, Date.now() + ocspCacheMs) });
      return der;
    } catch (error) {
      problems.push(`${url}: ${(error as Error).message}`);
    }
  }
  externalCrlProblems.set(serialOf(cert), problems.join('; '));
  return undefined;
}

/** Why the CRL of an external certificate (by serial) could not be fetched, last time it was asked. */
export const externalCrlProblems = new Map<string, string>();
const isSelfSigned = (c: X509Certificate) => c.checkIssued(c) && c.verify(c.publicKey);

export function createTrustServices(o: { db: Database; pki: PlatformPki; config: Config }): TrustServices {
  const { pki } = o;
  const ocsp = createOcspResponder({ pki, lookup: registryLookup(o.db) });
  const external = o.config.tsa;
  const externalChain = (external?.caPems ?? []).map((p) => new X509Certificate(p));
  const transferableTsa = (): TransferableTsa => ({
    certPem: pki.tsa.certPem,
    key: pki.tsa.key,
    chainPems: [pki.issuing.certPem, pki.root.certPem],
  });
  const httpTsa = external && createHttpTsa({ ...external, trust: externalChain });
  // The embedded TSA reads pki.tsa on each call: a rolled TSA certificate takes effect at once.
  const tsa: TimestampAuthority = httpTsa ?? { timestamp: (digest) => embeddedTsa(transferableTsa()).timestamp(digest) };

  const responseFor = async (cert: X509Certificate): Promise<Buffer> => {
    const serial = serialOf(cert);
    // Event certificates live a day and sign once: always fresh. The others are asked often.
    const longLived = new Date(cert.validTo).getTime() - new Date(cert.validFrom).getTime() > 2 * day;
    const cached = longLived ? responseCache.get(serial) : undefined;
    if (cached && Date.now() - cached.at < ocspCacheMs) return cached.der;
    const der = await ocsp.ocspResponseFor(cert, pki.issuing.cert);
    if (longLived) responseCache.set(serial, { der, at: Date.now() });
    return der;
  };

  return {
    tsa,
    get tsaChain() {
      return external ? externalChain : [pki.tsa.cert, pki.issuing.cert, pki.root.cert];
    },
    async validationMaterial(certs) {
      const certificates = new Map<string, Buffer>();
      const ocspResponses: Buffer[] = [];
      const crls = new Map<string, Buffer>();
      const add = (c: X509Certificate) => certificates.set(c.fingerprint256, c.raw);
      const known = () => [pki.issuing.cert, pki.root.cert, ...pki.retiredIssuing.map((r) => r.cert), ...pki.partyBChain, ...externalChain];
      const seen = new Set<string>();
      for (const start of certs) {
        let cert: X509Certificate | undefined = start;
        while (cert && !seen.has(cert.fingerprint256)) {
          seen.add(cert.fingerprint256);
          const c: X509Certificate = cert;
          if (isSelfSigned(c)) {
            add(c);
            break;
          }
          const issuer = known().find((ca) => c.checkIssued(ca) && c.verify(ca.publicKey));
          add(c);
          if (issuer?.raw.equals(pki.issuing.cert.raw)) {
            // The delegated responder is not asked about itself (id-pkix-ocsp-nocheck).
            if (!c.raw.equals(pki.ocsp.cert.raw)) {
              ocspResponses.push(await responseFor(c));
              add(pki.ocsp.cert);
            }
          } else if (issuer?.raw.equals(pki.root.cert.raw)) {
            crls.set('root', pki.rootCrl);
          } else if (issuer && !pki.retiredIssuing.some((r) => r.cert.raw.equals(issuer.raw))) {
            // Another CA's certificate: its own CRL, from where the certificate says.
            const crl = await externalCrl(c);
            if (crl) crls.set(createHash('sha256').update(crl).digest('hex'), crl);
          }
          cert = issuer;
        }
      }
      // The OCSP responder's own chain is the issuing CA's: its status is in the root CRL.
      if (ocspResponses.length) {
        add(pki.issuing.cert);
        add(pki.root.cert);
        crls.set('root', pki.rootCrl);
      }
      return { certificates: [...certificates.values()], ocspResponses, crls: [...crls.values()] };
    },
    trustedRoots() {
      const roots = [pki.root.cert, ...pki.partyBChain.filter(isSelfSigned), ...externalChain.filter(isSelfSigned)];
      return roots.filter((r, i) => roots.findIndex((o) => o.raw.equals(r.raw)) === i);
    },
    transferableTsa,
    tsaSetup: () =>
      external
        ? { kind: 'http', url: external.url, username: external.username, password: external.password, timeoutMs: external.timeoutMs, trustPems: external.caPems }
        : { kind: 'embedded', ...transferableTsa() },
    ocsp,
  };
}
