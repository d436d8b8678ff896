import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Database } from '../db/client.js';
import { outbox } from '../db/schema/index.js';
import { claim, type LeasedQueue, leaseFree } from '../queue/lease.js';

const outboxQueue: LeasedQueue = { table: outbox, id: outbox.id, claimedUntil: outbox.claimedUntil, attempts: outbox.attempts };

const claimSeconds = 60;
const maxAttempts = 8;

export function createMailer(smtpUrl: string): Transporter {
  return nodemailer.createTransport(smtpUrl);
}

/**
 * Sends due messages. Each is claimed for a minute before sending (the lease of
 * src/server/queue), so several instances never send one message at the same time; a failure is retried with exponential backoff. The
 * Message-ID is the outbox id, so a retry after a crash mid-send can be recognised as a
 * duplicate by the receiving side.
 */
export async function deliverOutbox(db: Database, options: { mailer: Transporter; from: string; batch?: number }): Promise<number> {
  const leases = await claim(db, outboxQueue, {
    due: and(isNull(outbox.sentAt), lte(outbox.nextAttemptAt, sql`now()`), leaseFree(outboxQueue), sql`${outbox.attempts} < ${maxAttempts}`)!,
    order: outbox.createdAt,
    limit: options.batch ?? 20,
    leaseSeconds: claimSeconds,
  });
  const claimed = leases.length
    ? await db
        .select()
        .from(outbox)
        .where(inArray(outbox.id, leases.map((l) => l.id)))
        .orderBy(asc(outbox.createdAt))
    : [];

  let sent = 0;
  for (const message of claimed) {
    try {
      await options.mailer.sendMail({
        from: options.from,
        to: message.toAddress,
        subject: message.subject,
        text: message.body,
        messageId: `<${message.id}@qiyue>`,
      });
      await db.update(outbox).set({ sentAt: sql`now()`, claimedUntil: null, lastError: null }).where(eq(outbox.id, message.id));
      sent += 1;
    } catch (error) {
      const backoffSeconds = Math.min(3600, 5 * 2 ** message.attempts);
      await db
        .update(outbox)
        .set({
          claimedUntil: null,
          lastError: String((error as Error).message).slice(0, 500),
          nextAttemptAt: sql`now() + make_interval(secs => ${backoffSeconds})`,
        })
        .where(eq(outbox.id, message.id));
    }
  }
  return sent;
}
