import { desc, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { outbox } from '../db/schema/index.js';

const message = z.object({
  id: z.string(),
  toAddress: z.string(),
  subject: z.string(),
  body: z.string(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  channel: z.enum(['email', 'sms']),
  /** A one-time signing code, shown only in the demo (no SMTP): then marked as such. */
  carriesCode: z.boolean(),
});

/**
 * Without SMTP the e-mails stay readable here, for the contract desk. With SMTP, messages
 * carrying a signing code are left out: Party B's staff must never be able to confirm for Party A.
 */
export const outboxRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/admin/outbox',
    { config: { access: ['operators.manage', 'stamping.desk'] }, schema: { tags: ['admin'], response: { 200: z.object({ items: z.array(message), smtpConfigured: z.boolean() }) } } },
    async () => {
      const smtp = Boolean(ctx.config.smtpUrl);
      const rows = await ctx.db
        .select()
        .from(outbox)
        .where(smtp ? eq(outbox.carriesCode, false) : undefined)
        .orderBy(desc(outbox.createdAt))
        .limit(200);
      return {
        smtpConfigured: smtp,
        items: rows.map((r) => ({
          id: r.id,
          toAddress: r.toAddress,
          subject: r.subject,
          body: r.body,
          createdAt: r.createdAt.toISOString(),
          sentAt: r.sentAt?.toISOString() ?? null,
          attempts: r.attempts,
          lastError: r.lastError,
          channel: r.channel,
          carriesCode: r.carriesCode,
        })),
      };
    },
  );
};
