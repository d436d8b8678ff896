import { eq } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import type { SessionUser } from '../auth/sessions.js';
import type { Database } from '../db/client.js';
import { contractJobs, contracts } from '../db/schema/index.js';
import { failUnsigned } from './run-contract-job.js';

/**
 * A job and, once done, its contract, if the caller may see them (as loadContract); else 404.
 * A job waiting for Party A's signature whose signing is over is failed first, so that the
 * caller reads what is true now rather than at the next periodic sweep.
 */
export async function getContractJob(db: Database, jobId: string, viewer: Pick<SessionUser, 'role' | 'accountId'>) {
  let [job] = await db.select().from(contractJobs).where(eq(contractJobs.id, jobId));
  if (!job || (viewer.role !== 'operator' && job.accountId !== viewer.accountId)) throw new AppError('not_found');
  if (job.state === 'awaiting_signature') {
    await failUnsigned(db, job.id);
    [job] = await db.select().from(contractJobs).where(eq(contractJobs.id, jobId));
    if (!job) throw new AppError('not_found');
  }
  const [contract] = job.contractId ? await db.select().from(contracts).where(eq(contracts.id, job.contractId)) : [];
  return { job, contract: contract ?? null };
}

export async function isContractJob(db: Database, id: string) {
  return (await db.select({ id: contractJobs.id }).from(contractJobs).where(eq(contractJobs.id, id))).length > 0;
}
