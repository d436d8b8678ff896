import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/client.js';
import { outsideRequest } from '../db/commit-hook.js';
import { contractJobs } from '../db/schema/index.js';
import type { SigningRow } from '../signings/load-signing.js';
import { runContractJob } from './run-contract-job.js';

/**
 * In the confirmation's transaction: the job that prepares Party A's own-key signature of a big
 * attachment. It reserves no items: the signing holds the framework's next number, which
 * refuses every other attachment of the framework until it completes or ends. The job is
 * created at the confirmation's time, the time its document states.
 */
export async function insertSigningJob(tx: Database, o: { signing: SigningRow; number: string; actor: Actor; at: Date }) {
  const terms = o.signing.terms;
  if (terms.kind !== 'icp_attachment' && terms.kind !== 'order_attachment') throw new Error('only attachments are prepared by a job');
  const [job] = await tx
    .insert(contractJobs)
    .values({
      accountId: o.signing.accountId,
      frameworkId: terms.frameworkId,
      kind: terms.kind,
      itemIds: terms.itemIds,
      actor: o.actor,
      signing: { id: o.signing.id, keyCustody: 'signer', number: o.number },
      createdAt: o.at,
      updatedAt: o.at,
    })
    .returning();
  return job!;
}

/** The accepting instance starts a job at once, after its request commits; any instance takes it over if it dies. */
export function startContractJob(ctx: AppContext, jobId: string) {
  if (ctx.config.startContractJobs) outsideRequest(() => void runContractJob(ctx, jobId).catch(() => {}));
}
