import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import type { AppContext } from '../context.js';
import { checkAttachment, generateAttachment } from '../contracts/create-attachment.js';
import { type Database, isDatabaseUnavailable } from '../db/client.js';
import { contractJobItems, contractJobs, signings } from '../db/schema/index.js';
import { prepareSigningInBackground } from '../signings/prepare-signing.js';
import { claim, heldBy, type Lease, leaseFree, release, whileLeased } from '../queue/lease.js';
import { contractJobQueue as queue, maxJobAttempts } from './job-queue.js';

class LeaseLost extends Error {}

const pending = inArray(contractJobs.state, ['queued', 'running']);
/**
 * Rendering the rows is most of the work; the rest (signing, storing) takes the last part. A job
 * for Party A's own key waits at the end of rendering for the signature, then jumps to 100.
 */
const renderedShare = (fraction: number) => 5 + Math.round(fraction * 85);
const progressWriteMs = 500;

/** Claims and runs one job by id (the instance that accepted it); false when another holds it. */
export async function runContractJob(ctx: AppContext, jobId: string): Promise<boolean> {
  const [lease] = await claimJobs(ctx, and(eq(contractJobs.id, jobId), pending, leaseFree(queue), lt(contractJobs.attempts, maxJobAttempts))!, 1);
  if (!lease) return false;
  await runClaimed(ctx, lease);
  return true;
}

/**
 * The periodic work of every instance: jobs nobody holds (queued, or whose instance died and
 * whose lease ran out) are claimed and run one at a time; a job claimed too often fails.
 */
export async function workContractJobs(ctx: AppContext): Promise<number> {
  await failExhausted(ctx.db);
  await failUnsigned(ctx.db);
  let ran = 0;
  for (;;) {
    const [lease] = await claimJobs(ctx, and(pending, leaseFree(queue), lt(contractJobs.attempts, maxJobAttempts))!, 1);
    if (!lease) return ran;
    await runClaimed(ctx, lease);
    ran += 1;
  }
}

function claimJobs(ctx: AppContext, due: ReturnType<typeof and> & {}, limit: number) {
  return claim(ctx.db, queue, {
    due,
    order: contractJobs.createdAt,
    limit,
    leaseSeconds: ctx.config.contractJobLeaseSeconds,
    set: sql`"state" = 'running', "updated_at" = now()`,
  });
}

async function runClaimed(ctx: AppContext, lease: Lease) {
  const [job] = await ctx.db.select().from(contractJobs).where(eq(contractJobs.id, lease.id));
  if (!job) return;
  let progress = job.progress;
  let written = progress;
  const writeProgress = () => {
    if (progress === written) return;
    written = progress;
    void ctx.db
      .update(contractJobs)
      .set({ progress, updatedAt: sql`now()` })
      .where(and(heldBy(queue, lease), eq(contractJobs.state, 'running'), lt(contractJobs.progress, progress)))
      .catch(() => {});
  };
  const ticker = setInterval(writeProgress, progressWriteMs);
  ticker.unref();
  try {
    await whileLeased(ctx.db, queue, lease, ctx.config.contractJobLeaseSeconds, async () => {
      if (job.signing?.keyCustody === 'signer') {
        // Party A's own key: the job prepares the signature, and the signing's completion ends it.
        progress = Math.max(progress, 5);
        writeProgress();
        await prepareSigningInBackground(ctx, {
          signingId: job.signing.id,
          number: job.signing.number,
          at: job.createdAt,
          onProgress: (fraction) => {
            progress = Math.max(progress, renderedShare(fraction));
          },
          beforeCommit: async (tx) => {
            const prepared = await tx
              .update(contractJobs)
              .set({ state: 'awaiting_signature', progress: renderedShare(1), updatedAt: sql`now()`, claimedUntil: null })
              .where(and(heldBy(queue, lease), eq(contractJobs.state, 'running')))
              .returning({ id: contractJobs.id });
            if (!prepared.length) throw new LeaseLost();
          },
        });
        return;
      }
      const checked = await checkAttachment(ctx, {
        accountId: job.accountId,
        frameworkId: job.frameworkId,
        body: { kind: job.kind, itemIds: job.itemIds, accept: true },
        actor: job.actor,
        exceptJob: job.id,
      });
      progress = Math.max(progress, 5);
      writeProgress();
      await generateAttachment(ctx, { ...checked, signing: job.signing ?? undefined }, {
        jobId: job.id,
        onProgress: (fraction) => {
          progress = Math.max(progress, renderedShare(fraction));
        },
        beforeCommit: async (tx, contract) => {
          const done = await tx
            .update(contractJobs)
            .set({ state: 'done', progress: 100, contractId: contract.id, finishedAt: sql`now()`, updatedAt: sql`now()`, claimedUntil: null })
            .where(and(heldBy(queue, lease), eq(contractJobs.state, 'running')))
            .returning({ id: contractJobs.id });
          // Another instance took the job over: this contract must not be the second one.
          if (!done.length) throw new LeaseLost();
          await tx.delete(contractJobItems).where(eq(contractJobItems.jobId, job.id));
        },
      });
    });
  } catch (error) {
    if (error instanceof LeaseLost) return;
    // The platform's trouble, not the request's: the job is tried again (within its attempts).
    if (isDatabaseUnavailable(error) || (error instanceof AppError && error.status >= 500)) {
      await release(ctx.db, queue, lease).catch(() => {});
      return;
    }
    const refusal = error instanceof AppError ? error : new AppError('contract_job_failed');
    await fail(ctx.db, and(heldBy(queue, lease), eq(contractJobs.state, 'running'))!, refusal).catch(() => {});
  } finally {
    clearInterval(ticker);
  }
}

/**
 * Ends jobs as failed (releasing their items), with the code the direct request would have
 * answered. A signing with Party A's own key that such a job prepared ends with it: its number
 * is free again, and Party A starts a new signing.
 */
async function fail(db: Database, which: ReturnType<typeof and> & {}, error: AppError) {
  await db.transaction(async (tx) => {
    const failed = await tx
      .update(contractJobs)
      .set({ state: 'failed', errorCode: error.code, errorMessage: error.message.slice(0, 500), finishedAt: sql`now()`, updatedAt: sql`now()`, claimedUntil: null })
      .where(which)
      .returning({ id: contractJobs.id, signing: contractJobs.signing });
    if (!failed.length) return;
    await tx.delete(contractJobItems).where(inArray(contractJobItems.jobId, failed.map((f) => f.id)));
    const ownKey = failed.flatMap((f) => (f.signing?.keyCustody === 'signer' ? [f.signing.id] : []));
    if (ownKey.length) await tx.update(signings).set({ status: 'ended' }).where(and(inArray(signings.id, ownKey), eq(signings.status, 'awaiting_signature')));
  });
}

/**
 * Jobs prepared for Party A's signature whose signing is over (expired unsigned, or ended): they
 * fail as the signature would have been refused. All of them, or the one job `jobId`.
 */
export function failUnsigned(db: Database, jobId?: string) {
  const over = sql`exists (select 1 from ${signings} where ${signings.id} = (${contractJobs.signing}->>'id')::uuid
    and (${signings.status} <> 'awaiting_signature' or ${signings.expiresAt} <= now()))`;
  return fail(db, and(eq(contractJobs.state, 'awaiting_signature'), jobId ? eq(contractJobs.id, jobId) : undefined, over)!, new AppError('signing_expired'));
}

/** Jobs whose every claim ended with its instance (or the platform) failing. */
function failExhausted(db: Database) {
  return fail(db, and(pending, leaseFree(queue), gte(contractJobs.attempts, maxJobAttempts))!, new AppError('contract_job_failed'));
}
