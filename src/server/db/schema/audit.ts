import { bigserial, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';

export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    // An account's id, or 'platform' for events that belong to no account (operator sign-ins).
    chainKey: text('chain_key').notNull(),
    seq: integer('seq').notNull(),
    actorUserId: uuid('actor_user_id'),
    actorRole: text('actor_role').notNull(),
    // The member who acted, by e-mail as well (a user may later be removed), and the API key when one did.
    actorEmail: text('actor_email'),
    actorApiKeyId: uuid('actor_api_key_id'),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    data: jsonb('data').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [unique('audit_events_chain_seq').on(t.chainKey, t.seq), index('audit_events_subject_idx').on(t.subjectType, t.subjectId)],
);
