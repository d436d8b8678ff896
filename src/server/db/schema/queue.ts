import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { Actor } from '../../audit/events.js';
import type { SigningLink } from '../../signings/link-signing.js';
import { accounts } from './accounts.js';
import { contracts } from './contracts.js';

/**
 * A periodic task shared by every instance: whichever claims its row when it is due runs it
 * and schedules the next run, so each runs once per interval however many instances there are.
 */
export const periodicTasks = pgTable('periodic_tasks', {
  name: text('name').primaryKey(),
  nextRunAt: timestamp('next_run_at', { withTimezone: true }).notNull().defaultNow(),
  claimedUntil: timestamp('claimed_until', { withTimezone: true }),
  claimToken: uuid('claim_token'),
  lastRunAt: timestamp('last_run_at', { withTimezone: true }),
});

/**
 * Contract generation in the background (attachments above the synchronous limit). A worker
 * claims a job with a lease it renews; a job whose worker died is claimed again once the lease
 * has run out. `contract_id` is set in the transaction that inserts the contract, guarded by
 * the claim token, so a job never yields two contracts.
 */
export const contractJobs = pgTable(
  'contract_jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    frameworkId: uuid('framework_id')
      .notNull()
      .references(() => contracts.id),
    kind: text('kind', { enum: ['icp_attachment', 'order_attachment'] }).notNull(),
    itemIds: jsonb('item_ids').$type<string[]>().notNull(),
    /** Who asked: the audit event of the generated contract names them, as the direct path does. */
    actor: jsonb('actor').$type<Actor>().notNull(),
    /**
     * The signing the contract completes: a platform-held key's confirmation, or a signing with
     * Party A's own key, whose document the job prepares before it waits for the signature.
     */
    signing: jsonb('signing').$type<SigningLink>(),
    state: text('state', { enum: ['queued', 'running', 'awaiting_signature', 'done', 'failed'] })
      .notNull()
      .default('queued'),
    progress: integer('progress').notNull().default(0),
    contractId: uuid('contract_id').references(() => contracts.id),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    attempts: integer('attempts').notNull().default(0),
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
    claimToken: uuid('claim_token'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('contract_jobs_contract_unique').on(t.contractId),
    index('contract_jobs_pending_idx').on(t.createdAt).where(sql`${t.state} in ('queued', 'running')`),
    index('contract_jobs_account_idx').on(t.accountId, t.createdAt),
    // Completing a signing looks up the job that prepared it.
    index('contract_jobs_signing_idx').on(sql`(${t.signing} ->> 'id')`),
    check('contract_jobs_progress', sql`${t.progress} between 0 and 100`),
    check(
      'contract_jobs_outcome',
      sql`(${t.state} = 'done') = (${t.contractId} is not null) and (${t.state} = 'failed') = (${t.errorCode} is not null)`,
    ),
  ],
);

/**
 * The items a pending job will cover: reserved when the job is accepted, so that another job or
 * a direct request is refused at once, and released when the job ends (its attachment's items
 * then hold them, or nobody does).
 */
export const contractJobItems = pgTable(
  'contract_job_items',
  {
    jobId: uuid('job_id')
      .notNull()
      .references(() => contractJobs.id, { onDelete: 'cascade' }),
    itemKind: text('item_kind', { enum: ['order', 'icp_filing'] }).notNull(),
    itemId: uuid('item_id').notNull(),
  },
  (t) => [uniqueIndex('contract_job_items_reserved').on(t.itemKind, t.itemId), index('contract_job_items_job_idx').on(t.jobId)],
);
