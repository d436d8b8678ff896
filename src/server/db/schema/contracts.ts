import { sql } from 'drizzle-orm';
import {
  check,
  index,
  boolean,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import type { PartySnapshot, SignatureRecord } from '../../contracts/types.js';
import { accounts, users } from './accounts.js';
import { verifications } from './verification.js';
import { bytea } from './bytea.js';

/** Framework agreement numbers FA{year}{seq}; gaps are allowed, duplicates never. */
export const frameworkNumberSeq = pgSequence('framework_number_seq', { startWith: 1 });

export const contracts = pgTable(
  'contracts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    number: text('number').notNull(),
    kind: text('kind', { enum: ['framework', 'icp_attachment', 'order_attachment', 'supplement'] }).notNull(),
    frameworkId: uuid('framework_id').references((): AnyPgColumn => contracts.id),
    attachmentSeq: integer('attachment_seq'),
    /** A supplement's -Snn, counted per framework apart from the attachments' -Ann. */
    supplementSeq: integer('supplement_seq'),
    /** The re-verification (new company name) a supplement records; one supplement per framework and rename. */
    renameVerificationId: uuid('rename_verification_id').references(() => verifications.id),
    // 'expired' is written by the sweep and when a new framework is applied for; readers also
    // derive it from expires_at so that a contract past its term never shows as effective.
    // 'scheduled' is a renewal waiting for its predecessor to end; the periodic task makes it
    // 'effective' once effective_at has passed.
    status: text('status', { enum: ['scheduled', 'effective', 'expired', 'voided', 'terminated'] }).notNull(),
    /** The framework agreement this one renews (续签); one successor per agreement. */
    renewsId: uuid('renews_id').references((): AnyPgColumn => contracts.id),
    remark: text('remark'),
    /** Hidden from the default list (voided and terminated contracts only); never deleted. */
    hidden: boolean('hidden').notNull().default(false),
    copies: integer('copies').notNull(),
    termYears: integer('term_years'),
    effectiveAt: timestamp('effective_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    partyA: jsonb('party_a').$type<PartySnapshot>().notNull(),
    // A plain column for lists and substring search: lists never decode the JSONB snapshots.
    partyAName: text('party_a_name')
      .notNull()
      .generatedAlwaysAs(sql`party_a ->> 'name'`),
    partyB: jsonb('party_b').$type<PartySnapshot>().notNull(),
    templateVersion: text('template_version').notNull(),
    sha256: text('sha256').notNull(),
    signatures: jsonb('signatures').$type<SignatureRecord[]>().notNull(),
    statusReason: text('status_reason'),
    statusChangedAt: timestamp('status_changed_at', { withTimezone: true }),
    statusChangedBy: uuid('status_changed_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('contracts_number_unique').on(t.number),
    // One framework agreement in force and one scheduled successor per account, whatever the
    // concurrency: a fresh application checks both, a renewal only adds the scheduled one.
    uniqueIndex('contracts_one_effective_framework')
      .on(t.accountId, t.status)
      .where(sql`${t.kind} = 'framework' and ${t.status} in ('effective', 'scheduled')`),
    uniqueIndex('contracts_renews_unique').on(t.renewsId),
    // The activation task reads only the scheduled ones, soonest start first.
    index('contracts_scheduled_start_idx').on(t.effectiveAt).where(sql`${t.status} = 'scheduled'`),
    uniqueIndex('contracts_attachment_seq_unique').on(t.frameworkId, t.attachmentSeq),
    uniqueIndex('contracts_supplement_seq_unique').on(t.frameworkId, t.supplementSeq),
    // Two instances reacting to the same rename make one supplement per framework.
    uniqueIndex('contracts_supplement_rename_unique').on(t.frameworkId, t.renameVerificationId),
    index('contracts_account_created_idx').on(t.accountId, t.createdAt, t.id),
    index('contracts_created_idx').on(t.createdAt, t.id),
    index('contracts_framework_idx').on(t.frameworkId),
    // The operators' filters, each followed by the keyset order so a page is an index range.
    index('contracts_status_created_idx').on(t.status, t.createdAt, t.id),
    index('contracts_kind_status_created_idx').on(t.kind, t.status, t.createdAt, t.id),
    // Substring search (ILIKE '%…%') on number and Party A's name; pg_trgm, migration 0006.
    index('contracts_number_trgm_idx').using('gin', t.number.op('gin_trgm_ops')),
    index('contracts_party_a_name_trgm_idx').using('gin', t.partyAName.op('gin_trgm_ops')),
    // The expiry sweep reads only the contracts still marked in force, soonest end first.
    index('contracts_effective_expiry_idx').on(t.expiresAt).where(sql`${t.status} = 'effective'`),
    check(
      'contracts_kind_shape',
      sql`(${t.kind} = 'framework' and ${t.frameworkId} is null and ${t.attachmentSeq} is null and ${t.supplementSeq} is null and ${t.termYears} in (1, 2, 3))
       or (${t.kind} in ('icp_attachment', 'order_attachment') and ${t.frameworkId} is not null and ${t.attachmentSeq} >= 1 and ${t.supplementSeq} is null and ${t.termYears} is null)
       or (${t.kind} = 'supplement' and ${t.frameworkId} is not null and ${t.supplementSeq} >= 1 and ${t.attachmentSeq} is null and ${t.termYears} is null and ${t.renameVerificationId} is not null)`,
    ),
    check('contracts_copies', sql`${t.copies} in (2, 3)`),
    check('contracts_term', sql`${t.expiresAt} > ${t.effectiveAt}`),
    check('contracts_sha256', sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
    check('contracts_remark_length', sql`char_length(${t.remark}) <= 200`),
    check('contracts_hidden_ended', sql`not ${t.hidden} or ${t.status} in ('voided', 'terminated')`),
    check('contracts_status_reason', sql`${t.status} not in ('voided', 'terminated') or ${t.statusReason} is not null`),
  ],
);

/** The signed bytes, stored once in the same transaction as the contract row. */
export const contractDocuments = pgTable(
  'contract_documents',
  {
    contractId: uuid('contract_id')
      .primaryKey()
      .references(() => contracts.id),
    sha256: text('sha256').notNull(),
    /** Stored uncompressed (STORAGE EXTERNAL, migration 0005): the PDF is deflated already. */
    bytes: bytea('bytes').notNull(),
  },
  (t) => [uniqueIndex('contract_documents_sha256_unique').on(t.sha256)],
);

/** The platform PKI (certificates, encrypted keys), shared by every instance. */
export const pkiMaterial = pgTable('pki_material', {
  id: text('id').primaryKey(),
  data: jsonb('data').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Answers to POSTs that carried an Idempotency-Key, replayed for the same key and body. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    route: text('route').notNull(),
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code'),
    response: jsonb('response'),
    // Renewed while its request runs: a key whose request died is free again once it passes.
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    // The row the request created, written in the same transaction as that row: after a crash
    // between commit and answer, a retry answers from it instead of doing the work again.
    effectId: uuid('effect_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
);

/** Expiry reminders sent (30, 7 and 1 days before the end): the key makes each one go out once. */
export const contractReminders = pgTable(
  'contract_reminders',
  {
    contractId: uuid('contract_id')
      .notNull()
      .references(() => contracts.id),
    daysBefore: integer('days_before').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.contractId, t.daysBefore] }), check('contract_reminders_days', sql`${t.daysBefore} in (30, 7, 1)`)],
);
