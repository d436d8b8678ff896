import type { X509Certificate } from 'node:crypto';
import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { type CertificatePurpose, pkiCertificates } from '../db/schema/index.js';
import { certificateFromPem, type PlatformPki } from './platform-pki.js';

/** A serial as the registry keys it: upper-case hex, no leading zero bytes (node:crypto's form). */
export function normalizeSerial(hex: string): string {
  const h = hex.toUpperCase().replace(/^(00)+(?=[0-9A-F])/, '');
  return h || '0';
}

export function serialOf(cert: X509Certificate): string {
  return normalizeSerial(cert.serialNumber);
}

/** Printable subject, one line, as contract signature records show it. */
export function subjectText(cert: X509Certificate): string {
  return cert.subject.replaceAll('\n', ', ');
}

/**
 * CA certificates by subject, read from the registry once per process: a record names the
 * serial of its issuer, and an event certificate is recorded for every contract request.
 */
const knownCas = new Map<string, X509Certificate[]>();

async function issuerSerialOf(db: Database, cert: X509Certificate): Promise<string> {
  if (cert.checkIssued(cert) && cert.verify(cert.publicKey)) return serialOf(cert);
  const find = () => knownCas.get(cert.issuer)?.find((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey));
  let issuer = find();
  if (!issuer) {
    const rows = await db
      .select({ der: pkiCertificates.der, subject: pkiCertificates.subject })
      .from(pkiCertificates)
      .where(inArray(pkiCertificates.purpose, ['root', 'issuing']));
    knownCas.clear();
    for (const row of rows) {
      const ca = certificateFromPem(derToPem(row.der));
      knownCas.set(ca.subject, [...(knownCas.get(ca.subject) ?? []), ca]);
    }
    issuer = find();
  }
  if (!issuer) throw new Error(`the issuer of certificate ${serialOf(cert)} is not in the certificate registry`);
  return serialOf(issuer);
}

export function derToPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/**
 * Records a certificate the platform issued. Call it as soon as it is issued, before whatever
 * may still refuse the request: the OCSP responder knows only recorded serials. Recording the
 * same certificate twice is harmless. The issuer (root or issuing CA) must be recorded first.
 */
export async function recordCertificate(
  db: Database,
  cert: X509Certificate,
  purpose: CertificatePurpose,
  options: { accountId?: string | null } = {},
): Promise<void> {
  await db
    .insert(pkiCertificates)
    .values({
      serial: serialOf(cert),
      issuerSerial: await issuerSerialOf(db, cert),
      purpose,
      subject: subjectText(cert),
      notBefore: new Date(cert.validFrom),
      notAfter: new Date(cert.validTo),
      accountId: options.accountId ?? null,
      der: cert.raw,
    })
    .onConflictDoNothing();
}

/** Records every certificate of the loaded PKI (idempotent), CAs first. */
export async function recordPlatformCertificates(db: Database, pki: PlatformPki): Promise<void> {
  const all: [X509Certificate, CertificatePurpose][] = [
    [pki.root.cert, 'root'],
    ...pki.retiredIssuing.map((ca) => [ca.cert, 'issuing'] as [X509Certificate, CertificatePurpose]),
    [pki.issuing.cert, 'issuing'],
    [pki.partyB.cert, 'party_b'],
    [pki.tsa.cert, 'tsa'],
    [pki.ocsp.cert, 'ocsp'],
  ];
  // The root first: every other record names its issuer's serial.
  for (const [cert, purpose] of all) await recordCertificate(db, cert, purpose);
}

export type RegisteredCertificate = typeof pkiCertificates.$inferSelect;

export async function findCertificate(db: Database, serial: string): Promise<RegisteredCertificate | undefined> {
  const [row] = await db.select().from(pkiCertificates).where(eq(pkiCertificates.serial, normalizeSerial(serial)));
  return row;
}

/** The revoked certificates a CA issued, for its CRL. */
export async function revokedBy(db: Database, issuerSerial: string) {
  return db
    .select({ serial: pkiCertificates.serial, revokedAt: pkiCertificates.revokedAt, reason: pkiCertificates.revocationReason })
    .from(pkiCertificates)
    .where(and(eq(pkiCertificates.issuerSerial, issuerSerial), isNotNull(pkiCertificates.revokedAt)));
}
