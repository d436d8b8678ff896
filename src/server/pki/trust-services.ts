import { X509Certificate } from 'node:crypto';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { createOcspResponder, type OcspResponder, registryLookup } from './ocsp.js';
import type { PlatformPki } from './platform-pki.js';
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
  /** Anchors the verifier trusts: the platform root and the roots of an external TSA's chain. */
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
  const httpTsa = external && createHttpTsa(external);
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
      const known = () => [pki.issuing.cert, pki.root.cert, ...pki.retiredIssuing.map((r) => r.cert), ...externalChain];
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
      return [pki.root.cert, ...externalChain.filter(isSelfSigned)];
    },
    transferableTsa,
    tsaSetup: () =>
      external
        ? { kind: 'http', url: external.url, username: external.username, password: external.password, timeoutMs: external.timeoutMs }
        : { kind: 'embedded', ...transferableTsa() },
    ocsp,
  };
}
