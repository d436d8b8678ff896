import type { X509Certificate } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { pkiCertificates } from '../db/schema/index.js';
import type { ValidationMaterial } from '../signing/dss.js';
import type { TimestampAuthority } from '../signing/timestamps.js';
import { timestampAuthorityFrom, type TsaSetup } from '../signing/tsa-setup.js';
import { crlReasonCodes } from './ca/crl-signer.js';
import { buildOcspResponse, type CertificateStatus } from './ocsp-response.js';
import { parsedCertificate, type PlatformPki } from './platform-pki.js';

export type { TimestampAuthority, ValidationMaterial };

export type TrustServices = {
  tsa: TimestampAuthority;
  /** How signing threads reach the TSA. */
  tsaSetup: TsaSetup;
  /** The TSA's certificate first, then its CAs. */
  tsaChain: X509Certificate[];
  /**
   * For each certificate and every CA above it to the root: the CA certificates, an OCSP
   * response of the platform responder for each leaf, and the root's CRL for the issuing CA.
   */
  validationMaterial(certs: X509Certificate[]): Promise<ValidationMaterial>;
};

/** OCSP responses are valid for a week; validators judge them at the time a timestamp proves. */
export const ocspValidityMs = 7 * 24 * 60 * 60 * 1000;
/** Responses for long-lived certificates (Party B, TSA) are reused this long. */
const cacheMs = 60 * 60 * 1000;

/** The registry's word on a certificate the issuing CA issued. */
export async function certificateStatus(db: Database, cert: X509Certificate): Promise<CertificateStatus> {
  const [row] = await db
    .select({ revokedAt: pkiCertificates.revokedAt, reason: pkiCertificates.revocationReason })
    .from(pkiCertificates)
    .where(eq(pkiCertificates.serial, cert.serialNumber.toUpperCase().replace(/^(00)+/, '')));
  if (!row) return { status: 'unknown' };
  if (row.revokedAt) return { status: 'revoked', revokedAt: row.revokedAt, reasonCode: crlReasonCodes[row.reason ?? 'unspecified'] };
  return { status: 'good' };
}

export function createTrustServices(o: { db: Database; pki: PlatformPki; config?: unknown; tsaSetup?: TsaSetup }): TrustServices {
  const { pki } = o;
  const tsaSetup: TsaSetup = o.tsaSetup ?? { kind: 'embedded', certPem: pki.tsa.certPem, key: pki.tsa.key, chainPems: [pki.issuing.certPem, pki.root.certPem] };
  const cached = new Map<string, { der: Buffer; until: number }>();

  const ocspFor = async (cert: X509Certificate): Promise<Buffer> => {
    const hit = cached.get(cert.fingerprint256);
    if (hit && hit.until > Date.now()) return hit.der;
    const status = await certificateStatus(o.db, cert);
    const der = buildOcspResponse({
      responder: pki.ocsp,
      entries: [{ issuer: pki.issuing.cert, serialNumber: parsedCertificate(cert).serialNumber, ...status }],
      validityMs: ocspValidityMs,
    });
    // Event certificates sign once; only the long-lived ones are asked for again.
    if (Date.now() - new Date(cert.validFrom).getTime() > cacheMs) cached.set(cert.fingerprint256, { der, until: Date.now() + cacheMs });
    return der;
  };

  return {
    tsa: timestampAuthorityFrom(tsaSetup),
    tsaSetup,
    tsaChain: [pki.tsa.cert, pki.issuing.cert, pki.root.cert],
    async validationMaterial(certs) {
      const certificates = new Map<string, Buffer>();
      const ocspResponses: Buffer[] = [];
      const crls: Buffer[] = [];
      const add = (c: X509Certificate) => certificates.set(c.fingerprint256, c.raw);
      for (const cert of certs) {
        add(cert);
        if (cert.checkIssued(pki.issuing.cert) && cert.verify(pki.issuing.cert.publicKey)) {
          ocspResponses.push(await ocspFor(cert));
          add(pki.ocsp.cert);
          add(pki.issuing.cert);
          add(pki.root.cert);
          if (!crls.includes(pki.rootCrl)) crls.push(pki.rootCrl);
        }
      }
      return { certificates: [...certificates.values()], ocspResponses, crls };
    },
  };
}

