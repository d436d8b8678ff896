import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgSequence, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts, users } from './accounts.js';
import { contracts } from './contracts.js';
import { bytea } from './bytea.js';

export const stampingNumberSeq = pgSequence('stamping_number_seq', { startWith: 1 });

export const stampingRequests = pgTable(
  'stamping_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    number: text('number').notNull(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    status: text('status', { enum: ['awaiting_shipment', 'submitted', 'received', 'stamped', 'returned', 'completed', 'rejected', 'cancelled'] }).notNull(),
    // Absent while the request awaits shipment: the customer enters them after mailing.
    carrier: text('carrier'),
    trackingNumber: text('tracking_number'),
    returnCarrier: text('return_carrier'),
    returnTrackingNumber: text('return_tracking_number'),
    rejectReason: text('reject_reason'),
    returnedAt: timestamp('returned_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('stamping_requests_number_unique').on(t.number),
    index('stamping_requests_status_idx').on(t.status, t.createdAt, t.id),
    index('stamping_requests_account_idx').on(t.accountId, t.createdAt, t.id),
    index('stamping_requests_created_idx').on(t.createdAt, t.id),
    index('stamping_requests_tracking_idx').on(t.trackingNumber),
    index('stamping_requests_number_trgm_idx').using('gin', t.number.op('gin_trgm_ops')),
    index('stamping_requests_tracking_trgm_idx').using('gin', t.trackingNumber.op('gin_trgm_ops')),
    index('stamping_requests_return_tracking_trgm_idx').using('gin', t.returnTrackingNumber.op('gin_trgm_ops')),
    // The auto-completion sweep reads only requests waiting for the customer's confirmation.
    index('stamping_requests_returned_due_idx').on(t.returnedAt).where(sql`${t.status} = 'returned'`),
    check('stamping_requests_returned', sql`${t.status} not in ('returned', 'completed') or ${t.returnTrackingNumber} is not null`),
    check('stamping_requests_courier_pair', sql`(${t.carrier} is null) = (${t.trackingNumber} is null)`),
    check('stamping_requests_shipped', sql`${t.status} in ('awaiting_shipment', 'cancelled') or ${t.trackingNumber} is not null`),
    check('stamping_requests_rejected', sql`(${t.status} = 'rejected') = (${t.rejectReason} is not null)`),
  ],
);

/** Written once at submission; a trigger (migration 0004) refuses every UPDATE and DELETE. */
export const stampingReturnAddresses = pgTable('stamping_return_addresses', {
  requestId: uuid('request_id')
    .primaryKey()
    .references(() => stampingRequests.id),
  recipient: text('recipient').notNull(),
  phone: text('phone').notNull(),
  province: text('province').notNull(),
  city: text('city').notNull(),
  district: text('district').notNull(),
  street: text('street').notNull(),
  postalCode: text('postal_code').notNull(),
});

/** The contracts of a request; `isOpen` mirrors the request, so one contract is in one open request. */
export const stampingRequestContracts = pgTable(
  'stamping_request_contracts',
  {
    requestId: uuid('request_id')
      .notNull()
      .references(() => stampingRequests.id),
    contractId: uuid('contract_id')
      .notNull()
      .references(() => contracts.id),
    copies: integer('copies').notNull(),
    isOpen: boolean('is_open').notNull().default(true),
  },
  (t) => [
    uniqueIndex('stamping_request_contracts_pk').on(t.requestId, t.contractId),
    uniqueIndex('stamping_one_open_request_per_contract').on(t.contractId).where(sql`${t.isOpen}`),
    // Every contract list joins each row's latest request through this.
    index('stamping_request_contracts_contract_idx').on(t.contractId),
  ],
);

export const stampingHistory = pgTable(
  'stamping_history',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => stampingRequests.id),
    status: text('status').notNull(),
    // 'status' for a step; 'courier_changed' for a corrected tracking number (note: old → new).
    kind: text('kind', { enum: ['status', 'courier_changed'] }).notNull().default('status'),
    actorUserId: uuid('actor_user_id').references(() => users.id),
    actorRole: text('actor_role').notNull(),
    note: text('note'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('stamping_history_request_idx').on(t.requestId, t.at)],
);

/**
 * The scan of one fully stamped paper original, uploaded by the desk when returning: stored
 * once with its hash, never re-rendered, one per contract.
 */
export const contractStampedScans = pgTable(
  'contract_stamped_scans',
  {
    contractId: uuid('contract_id')
      .primaryKey()
      .references(() => contracts.id),
    requestId: uuid('request_id')
      .notNull()
      .references(() => stampingRequests.id),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    bytes: bytea('bytes').notNull(),
    uploadedBy: uuid('uploaded_by').references(() => users.id),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('contract_stamped_scans_request_idx').on(t.requestId),
    check('contract_stamped_scans_sha256', sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
    check('contract_stamped_scans_size', sql`${t.size} > 0 and ${t.size} <= 20971520`),
  ],
);

/** E-mails to send, written in the transaction of the change they announce. */
export const outbox = pgTable(
  'outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id').references(() => accounts.id),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    // SMS rows are the embedded SmsSender's: shown in the outbox view, never sent by SMTP.
    channel: text('channel', { enum: ['email', 'sms'] }).notNull().default('email'),
    // A one-time code: with SMTP configured the operators' outbox view never shows it.
    carriesCode: boolean('carries_code').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    // A sender claims a message for a while; another instance takes it over only after that.
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    lastError: text('last_error'),
    // One message per event and recipient: a second instance announcing the same event (a
    // job run twice, a retried request) inserts nothing.
    dedupeKey: text('dedupe_key'),
  },
  (t) => [
    index('outbox_pending_idx').on(t.nextAttemptAt).where(sql`${t.sentAt} is null`),
    uniqueIndex('outbox_dedupe_key_unique').on(t.dedupeKey),
  ],
);
