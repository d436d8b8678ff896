import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { contracts } from './contracts.js';
import { bytea } from './bytea.js';

/**
 * Evidence reports (出证报告), signed by Party B: one made with the contract, and a new one
 * whenever a download finds audit events the newest report does not list yet. Each is stored
 * once, with its own hash, so that /verify recognises it as issued here.
 */
export const evidenceReports = pgTable(
  'evidence_reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    contractId: uuid('contract_id')
      .notNull()
      .references(() => contracts.id),
    sha256: text('sha256').notNull(),
    /** The contract file's SHA-256 the report states. */
    contractSha256: text('contract_sha256').notNull(),
    /** The last audit event of the contract the report lists (its seq in the account's chain). */
    lastEventSeq: integer('last_event_seq').notNull(),
    bytes: bytea('bytes').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('evidence_reports_sha256_unique').on(t.sha256),
    index('evidence_reports_contract_idx').on(t.contractId, t.lastEventSeq),
    check('evidence_reports_sha256_hex', sql`${t.sha256} ~ '^[0-9a-f]{64}$' and ${t.contractSha256} ~ '^[0-9a-f]{64}$'`),
  ],
);
