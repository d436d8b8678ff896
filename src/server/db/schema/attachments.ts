import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { contracts } from './contracts.js';

/** Orders pushed by the provider's billing system. */
export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    orderNo: text('order_no').notNull(),
    product: text('product').notNull(),
    spec: text('spec').notNull(),
    quantity: integer('quantity').notNull(),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    paidAt: timestamp('paid_at', { withTimezone: true }).notNull(),
    status: text('status', { enum: ['paid', 'refunded'] }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('orders_account_order_no').on(t.accountId, t.orderNo),
    index('orders_account_paid_idx').on(t.accountId, t.paidAt, t.id),
    check('orders_amount', sql`${t.amountFen} >= 0`),
    check('orders_quantity', sql`${t.quantity} > 0`),
  ],
);

/** ICP filings pushed by the provider's filing system. */
export const icpFilings = pgTable(
  'icp_filings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    filingNumber: text('filing_number').notNull(),
    siteName: text('site_name').notNull(),
    domains: jsonb('domains').$type<string[]>().notNull(),
    entityName: text('entity_name').notNull(),
    status: text('status', { enum: ['active', 'cancelled'] }).notNull(),
    approvedAt: timestamp('approved_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('icp_filings_account_number').on(t.accountId, t.filingNumber)],
);

/**
 * Which order or filing an attachment covers, with the item as printed. `inForce` is cleared
 * when the attachment ends; the partial unique index keeps each item in at most one
 * attachment in force, whatever the concurrency and the number of instances. An attachment
 * re-issued under a scheduled successor (续签) holds its items as `scheduled` until the
 * successor starts, when they pass to in force as its predecessor's end: at most one
 * scheduled per item, too, so that the hand-over never finds two.
 */
export const attachmentItems = pgTable(
  'attachment_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    contractId: uuid('contract_id')
      .notNull()
      .references(() => contracts.id),
    itemKind: text('item_kind', { enum: ['order', 'icp_filing'] }).notNull(),
    itemId: uuid('item_id').notNull(),
    position: integer('position').notNull(),
    snapshot: jsonb('snapshot').notNull(),
    inForce: boolean('in_force').notNull().default(true),
    scheduled: boolean('scheduled').notNull().default(false),
  },
  (t) => [
    uniqueIndex('attachment_items_one_in_force').on(t.itemKind, t.itemId).where(sql`${t.inForce}`),
    uniqueIndex('attachment_items_one_scheduled').on(t.itemKind, t.itemId).where(sql`${t.scheduled}`),
    check('attachment_items_scheduled_not_in_force', sql`not (${t.inForce} and ${t.scheduled})`),
    uniqueIndex('attachment_items_position').on(t.contractId, t.position),
    index('attachment_items_item_idx').on(t.itemId),
  ],
);
