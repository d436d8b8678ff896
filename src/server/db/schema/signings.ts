import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts, users } from './accounts.js';
import { contracts } from './contracts.js';
import { bytea } from './bytea.js';

/** What a signing is for: the terms the code is bound to, and the attachment's items. */
export type SigningTerms =
  | { kind: 'framework'; termYears: 1 | 2 | 3; copies: 2 | 3 }
  /** The successor of framework agreement `frameworkId` (续签). */
  | { kind: 'renewal'; frameworkId: string; termYears: 1 | 2 | 3; copies: 2 | 3 }
  | { kind: 'icp_attachment' | 'order_attachment'; frameworkId: string; itemIds: string[] };

/** Party A's revision laid out and its signed attributes, kept until the signature arrives. */
export type PreparedSigning = {
  contentsStart: number;
  contentsEnd: number;
  effectiveAt: string;
  expiresAt: string;
  /** The ETSI signature timestamp is taken at completion; this is the /M claimed at confirm. */
  claimedTime: string;
  partyBWidget?: [number, number, number, number];
  /** `draft`: the revision is the draft's bytes followed by `prepared`, which holds the rest only. */
  base?: 'draft';
};

/**
 * A framework agreement's document to sign, laid out once when the signing starts: where the
 * signatures go, and the moment its dates were printed for.
 */
export type SigningLayout = {
  signatureRects: { partyA: [number, number, number, number]; partyB: [number, number, number, number] };
  renderedAt: string;
};

/**
 * A Party A signature under way (意愿认证 then signing): the draft it was confirmed for, the
 * one-time code as an HMAC only, and after confirmation the prepared revision, the event
 * certificate and the DER Party A signs. An attachment's number is held here from confirmation
 * to completion or expiry (one at a time per framework), so that numbers stay consecutive.
 */
export const signings = pgTable(
  'signings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind', { enum: ['framework', 'renewal', 'icp_attachment', 'order_attachment'] }).notNull(),
    frameworkId: uuid('framework_id').references(() => contracts.id),
    terms: jsonb('terms').$type<SigningTerms>().notNull(),
    status: text('status', { enum: ['awaiting_code', 'awaiting_signature', 'completed', 'ended'] }).notNull(),
    draftSha256: text('draft_sha256').notNull(),
    draft: bytea('draft').notNull(),
    /** Set when `draft` is the very document to sign (framework agreements and renewals). */
    draftLayout: jsonb('draft_layout').$type<SigningLayout>(),
    codeHash: text('code_hash').notNull(),
    codeExpiresAt: timestamp('code_expires_at', { withTimezone: true }).notNull(),
    codeSentAt: timestamp('code_sent_at', { withTimezone: true }).notNull(),
    wrongTries: integer('wrong_tries').notNull().default(0),
    /** The masked destinations the code went to, e.g. {email:"z***@example.com", sms:"138****0000"}. */
    destinations: jsonb('destinations').$type<{ email: string; sms?: string }>().notNull(),
    number: text('number'),
    attachmentSeq: integer('attachment_seq'),
    keyCustody: text('key_custody', { enum: ['signer', 'platform'] }),
    certificatePem: text('certificate_pem'),
    prepared: bytea('prepared'),
    preparedMeta: jsonb('prepared_meta').$type<PreparedSigning>(),
    toBeSigned: bytea('to_be_signed'),
    contractId: uuid('contract_id').references(() => contracts.id),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('signings_account_idx').on(t.accountId, t.createdAt),
    // A contract completes one signing; its evidence report finds the confirmation through it.
    uniqueIndex('signings_contract_unique').on(t.contractId),
    check('signings_kind', sql`${t.kind} in ('framework', 'renewal', 'icp_attachment', 'order_attachment')`),
    check('signings_status', sql`${t.status} in ('awaiting_code', 'awaiting_signature', 'completed', 'ended')`),
    check('signings_key_custody', sql`${t.keyCustody} is null or ${t.keyCustody} in ('signer', 'platform')`),
    // At most one attachment number held per framework and sequence number.
    uniqueIndex('signings_held_seq_unique')
      .on(t.frameworkId, t.attachmentSeq)
      .where(sql`${t.status} = 'awaiting_signature'`),
    check('signings_wrong_tries', sql`${t.wrongTries} between 0 and 5`),
    check(
      'signings_kind_shape',
      sql`(${t.kind} = 'framework' and ${t.frameworkId} is null) or (${t.kind} <> 'framework' and ${t.frameworkId} is not null)`,
    ),
    check('signings_draft_sha256', sql`${t.draftSha256} ~ '^[0-9a-f]{64}$'`),
    check('signings_completed', sql`${t.status} <> 'completed' or ${t.contractId} is not null`),
    // Only attachments hold a sequence number of their framework agreement.
    check('signings_seq_attachment', sql`${t.attachmentSeq} is null or ${t.kind} in ('icp_attachment', 'order_attachment')`),
    // The code stays a hash: never the six digits themselves.
    check('signings_code_hash', sql`${t.codeHash} ~ '^[0-9a-f]{64}$'`),
    // Held from the moment its number is reserved; the prepared revision follows.
    check('signings_number_held', sql`${t.status} <> 'awaiting_signature' or ${t.number} is not null`),
  ],
);
