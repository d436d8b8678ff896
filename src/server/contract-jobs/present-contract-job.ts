import type { ContractJob } from '../../shared/schemas/contract-job.js';
import { errorTitle, type ErrorCode } from '../../shared/errors.js';
import type { contractJobs } from '../db/schema/index.js';
import { type ContractRow, presentContract } from '../contracts/present-contract.js';

type JobRow = typeof contractJobs.$inferSelect;
/** A job without its item ids (up to 5,000 of them), which a list counts in the database. */
export type JobSummary = Omit<JobRow, 'itemIds'> & { items: number };

export function presentContractJob(job: JobRow | JobSummary, contract?: ContractRow | null): ContractJob {
  return {
    id: job.id,
    state: job.state,
    kind: job.kind,
    frameworkId: job.frameworkId,
    items: 'items' in job ? job.items : job.itemIds.length,
    progress: job.progress,
    ...(job.signing?.keyCustody === 'signer' ? { signingId: job.signing.id } : {}),
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    ...(contract ? { contract: presentContract(contract) } : {}),
    ...(job.errorCode ? { error: { code: job.errorCode, message: job.errorMessage ?? errorTitle[job.errorCode as ErrorCode] ?? job.errorCode } } : {}),
  };
}
