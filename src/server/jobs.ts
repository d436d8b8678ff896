import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from './context.js';
import { expireContracts } from './contracts/expire-contracts.js';
import { createMailer, deliverOutbox } from './notifications/deliver-outbox.js';
import { completeReturnedRequests } from './stamping/advance-request.js';

/**
 * Periodic work of every instance: each task is safe to run on several at once (row locks
 * with SKIP LOCKED, state-guarded updates). Returns a function that stops them.
 */
export function startJobs(ctx: AppContext, log: FastifyBaseLogger): () => void {
  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, name: string, task: () => Promise<unknown>) => {
    let running = false;
    const run = async () => {
      if (running) return;
      running = true;
      try {
        await task();
      } catch (error) {
        log.error({ err: error, job: name }, 'job failed');
      } finally {
        running = false;
      }
    };
    timers.push(setInterval(run, ms).unref());
    setTimeout(run, 1000).unref();
  };

  every(10 * 60_000, 'complete-returned-stamping', () => completeReturnedRequests(ctx));
  every(10 * 60_000, 'expire-contracts', () => expireContracts(ctx.db));
  if (ctx.config.smtpUrl) {
    const mailer = createMailer(ctx.config.smtpUrl);
    every(2_000, 'deliver-outbox', () => deliverOutbox(ctx.db, { mailer, from: ctx.config.smtpFrom }));
  }
  return () => {
    for (const t of timers) clearInterval(t);
  };
}
