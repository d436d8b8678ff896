import { sql } from 'drizzle-orm';
import { bigint, check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { bytea } from './bytea.js';

export const certificatePurposes = ['root', 'issuing', 'party_b', 'event', 'tsa', 'ocsp'] as const;
export type CertificatePurpose = (typeof certificatePurposes)[number];

/** RFC 5280 5.3.1 CRLReason names, as stored; the operator's reasons map onto these. */
export const crlReasons = ['unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation'] as const;
export type CrlReason = (typeof crlReasons)[number];

const list = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

/**
 * Every certificate the platform ever issued, whether or not it signed anything: the OCSP
 * responder and the CRLs answer from here. Serial numbers are random 127-bit integers, so the
 * serial alone identifies a certificate across CA generations.
 */
export const pkiCertificates = pgTable(
  'pki_certificates',
  {
    /** Upper-case hex without leading zero bytes, as node:crypto's X509Certificate prints it. */
    serial: text('serial').primaryKey(),
    /** Serial of the issuing certificate; the root names itself. */
    issuerSerial: text('issuer_serial').notNull(),
    purpose: text('purpose', { enum: certificatePurposes }).notNull(),
    subject: text('subject').notNull(),
    notBefore: timestamp('not_before', { withTimezone: true }).notNull(),
    notAfter: timestamp('not_after', { withTimezone: true }).notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revocationReason: text('revocation_reason', { enum: crlReasons }),
    /** The account an event certificate was issued for, when the caller knew it. */
    accountId: uuid('account_id').references(() => accounts.id),
    der: bytea('der').notNull(),
  },
  (t) => [
    check('pki_certificates_purpose', sql`${t.purpose} in (${list(certificatePurposes)})`),
    check('pki_certificates_reason', sql`${t.revocationReason} in (${list(crlReasons)})`),
    check('pki_certificates_revoked', sql`(${t.revokedAt} is null) = (${t.revocationReason} is null)`),
    check('pki_certificates_serial_hex', sql`${t.serial} ~ '^[0-9A-F]+$' and ${t.issuerSerial} ~ '^[0-9A-F]+$'`),
    index('pki_certificates_revoked_idx').on(t.issuerSerial).where(sql`${t.revokedAt} is not null`),
  ],
);

/**
 * The current CRL of each CA that the service refreshes (the issuing CA's), shared by every
 * instance; a revocation deletes the row so that the next fetch issues a new CRL at once.
 */
export const pkiCrls = pgTable(
  'pki_crls',
  {
    issuerSerial: text('issuer_serial').primaryKey(),
    crlNumber: bigint('crl_number', { mode: 'number' }).notNull(),
    thisUpdate: timestamp('this_update', { withTimezone: true }).notNull(),
    nextUpdate: timestamp('next_update', { withTimezone: true }).notNull(),
    der: bytea('der').notNull(),
  },
  (t) => [check('pki_crls_window', sql`${t.nextUpdate} > ${t.thisUpdate}`)],
);
