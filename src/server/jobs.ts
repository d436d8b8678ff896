import { lt, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from './context.js';
import { deleteExpiredSessions } from './auth/sessions.js';
import { activateScheduled, expireContracts } from './contracts/expire-contracts.js';
import { issueMissingSupplements } from './contracts/issue-supplement.js';
import { sendExpiryReminders } from './contracts/send-expiry-reminders.js';
import { type Database, isDatabaseUnavailable } from './db/client.js';
import { idempotencyKeys, loginThrottle, rateLimitHits } from './db/schema/index.js';
import { syncRolledCertificates } from './pki/stored-platform-pki.js';
import { completeReturnedRequests } from './stamping/advance-request.js';
import { workContractJobs } from './contract-jobs/run-contract-job.js';
import { runIfDue } from './queue/periodic.js';

/**
 * Periodic work of every instance. A `shared` task runs once per interval across all instances
 * (src/server/queue/periodic.ts claims it with the lease the outbox and contract jobs use);
 * the others are per instance: syncing its own certificates, or claiming rows of a queue
 * (e-mail, contract jobs) itself. Returns a function that stops them.
 */
export function startJobs(ctx: AppContext, log: FastifyBaseLogger): () => void {
  const timers: NodeJS.Timeout[] = [];
  const shared = { shared: true };
  const every = (ms: number, name: string, work: () => Promise<unknown>, o: { shared?: boolean } = {}) => {
    const task = o.shared ? () => runIfDue(ctx.db, name, ms, work) : work;
    let running = false;
    // While the database is unreachable a task is paused: each tick tries again, quietly,
    // and the first success after the outage says it resumed.
    let paused = false;
    const run = async () => {
      if (running) return;
      running = true;
      try {
        await task();
        if (paused) log.info({ job: name }, 'job resumed: the database answers again');
        paused = false;
      } catch (error) {
        if (isDatabaseUnavailable(error)) {
          if (!paused) log.warn({ job: name, err: { message: (error as Error).message } }, 'job paused: the database is unreachable');
          paused = true;
        } else log.error({ err: error, job: name }, 'job failed');
      } finally {
        running = false;
      }
    };
    timers.push(setInterval(run, ms).unref());
    setTimeout(run, 1000).unref();
  };

  every(10 * 60_000, 'complete-returned-stamping', () => completeReturnedRequests(ctx), shared);
  every(10 * 60_000, 'expire-contracts', () => expireContracts(ctx.db), shared);
  // A renewal takes effect within a minute of its predecessor's end.
  every(60_000, 'activate-scheduled-contracts', () => activateScheduled(ctx.db), shared);
  every(10 * 60_000, 'send-expiry-reminders', () => sendExpiryReminders(ctx), shared);
  // Supplements a rename's own request could not issue (it answers once the rename committed).
  every(60_000, 'issue-rename-supplements', () => issueMissingSupplements(ctx), shared);
  every(60 * 60_000, 'forget-expired-sessions-and-keys', () => forgetExpired(ctx.db, ctx.config.sessionIdleMinutes), shared);
  // Another instance may have revoked and replaced Party B's (or the TSA's) certificate.
  every(30_000, 'sync-rolled-certificates', () =>
    syncRolledCertificates(ctx.db, ctx.pki, { key: ctx.config.key, partyBFromP12: Boolean(ctx.config.partyBP12) }),
  );
  // Contract jobs nobody holds: queued ones, and those of an instance that died.
  every(2_000, 'work-contract-jobs', () => workContractJobs(ctx));
  const smtpUrl = ctx.config.smtpUrl;
  if (smtpUrl) {
    // nodemailer loads only where e-mail is configured.
    const outbox = import('./notifications/deliver-outbox.js').then((m) => ({ ...m, mailer: m.createMailer(smtpUrl) }));
    every(2_000, 'deliver-outbox', async () => {
      const { deliverOutbox, mailer } = await outbox;
      return deliverOutbox(ctx.db, { mailer, from: ctx.config.smtpFrom });
    });
  }
  return () => {
    for (const t of timers) clearInterval(t);
  };
}

/** Sessions past their expiry or idle, idempotency keys older than a day, stale throttling and rate counters. */
async function forgetExpired(db: Database, idleMinutes: number) {
  await deleteExpiredSessions(db, { idleMinutes });
  await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, sql`now() - interval '1 day'`));
  await db.delete(loginThrottle).where(lt(loginThrottle.windowStartedAt, sql`now() - interval '1 day'`));
  await db.delete(rateLimitHits).where(lt(rateLimitHits.resetAt, sql`now()`));
}
