import { sql } from 'drizzle-orm';
import { type AnyPgColumn, boolean, check, index, integer, pgTable, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts, users } from './accounts.js';
import { bytea } from './bytea.js';

export const verifications = pgTable(
  'verifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    subjectType: text('subject_type', { enum: ['personal', 'enterprise'] }).notNull(),
    name: text('name').notNull(),
    idNumber: text('id_number'),
    creditCode: text('credit_code'),
    legalRepresentative: text('legal_representative'),
    // 'superseded': a verified identity replaced by the re-verification of a new company name.
    status: text('status', { enum: ['pending', 'verified', 'rejected', 'superseded'] }).notNull(),
    /**
     * A re-verification of the new name of a renamed company (same credit code): the verified
     * row it replaces once verified. While pending it claims nothing; the row it replaces holds the code.
     */
    renamesId: uuid('renames_id').references((): AnyPgColumn => verifications.id),
    rejectReason: text('reject_reason'),
    decidedBy: uuid('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    // An appeal claims an identity another account holds; it waits for an operator with its
    // evidence and does not count as a claim until approved.
    isAppeal: boolean('is_appeal').notNull().default(false),
    // The separate consent (PIPL) to process the ID number or the licence: its text's version and time.
    consentVersion: text('consent_version'),
    consentedAt: timestamp('consented_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // At most one verification waiting or in force per account, whatever the concurrency.
    uniqueIndex('verifications_one_open_per_account')
      .on(t.accountId)
      .where(sql`${t.status} = 'verified' or (${t.status} = 'pending' and ${t.renamesId} is null)`),
    // And at most one rename waiting beside it.
    uniqueIndex('verifications_one_pending_rename').on(t.accountId).where(sql`${t.status} = 'pending' and ${t.renamesId} is not null`),
    // An identity waiting or in force belongs to one account: a second account's claim on the
    // same credit code or ID number fails here, on every instance at once (409 identity_in_use).
    uniqueIndex('verifications_credit_code_claimed')
      .on(t.creditCode)
      .where(sql`(${t.status} = 'verified' or (${t.status} = 'pending' and ${t.renamesId} is null)) and not ${t.isAppeal}`),
    uniqueIndex('verifications_id_number_claimed')
      .on(t.idNumber)
      .where(sql`(${t.status} = 'verified' or (${t.status} = 'pending' and ${t.renamesId} is null)) and not ${t.isAppeal}`),
    index('verifications_status_idx').on(t.status, t.createdAt, t.id),
    check(
      'verifications_identity',
      sql`(${t.subjectType} = 'personal' and ${t.idNumber} is not null and ${t.creditCode} is null)
       or (${t.subjectType} = 'enterprise' and ${t.creditCode} is not null and ${t.legalRepresentative} is not null and ${t.idNumber} is null)`,
    ),
    check('verifications_reject_reason', sql`(${t.status} = 'rejected') = (${t.rejectReason} is not null)`),
  ],
);

export const partyAProfiles = pgTable('party_a_profiles', {
  accountId: uuid('account_id')
    .primaryKey()
    .references(() => accounts.id),
  address: text('address'),
  contactName: text('contact_name'),
  contactPhone: text('contact_phone'),
  contactEmail: text('contact_email'),
  bankName: text('bank_name'),
  bankAccount: text('bank_account'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Evidence for a verification: the business licence, or the two sides of an ID card. */
export const verificationDocuments = pgTable(
  'verification_documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    // Set when a submission refers to the document; a document serves one verification.
    verificationId: uuid('verification_id').references(() => verifications.id),
    type: text('type', { enum: ['image/png', 'image/jpeg', 'application/pdf'] }).notNull(),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    bytes: bytea('bytes').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The same file uploaded twice by an account is stored once.
    unique('verification_documents_account_sha256').on(t.accountId, t.sha256),
    index('verification_documents_verification_idx').on(t.verificationId),
  ],
);
