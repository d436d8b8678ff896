import { and, desc, eq, getTableColumns, gt, inArray, or, sql } from 'drizzle-orm';
import type { SessionUser } from '../auth/sessions.js';
import type { Database } from '../db/client.js';
import { contractJobs, contracts } from '../db/schema/index.js';
import type { JobSummary } from './present-contract-job.js';

const { itemIds: _itemIds, ...summaryColumns } = getTableColumns(contractJobs);

/**
 * The background jobs a user may come back to: those still under way (queued, running, waiting
 * for Party A's signature) and those that ended in the last day, newest first, with the
 * contract of each one done. A customer sees the account's, an operator every account's.
 */
export async function listRecentContractJobs(db: Database, viewer: Pick<SessionUser, 'role' | 'accountId'>) {
  const recent = or(inArray(contractJobs.state, ['queued', 'running', 'awaiting_signature']), gt(contractJobs.finishedAt, sql`now() - interval '1 day'`));
  const jobs: JobSummary[] = await db
    .select({ ...summaryColumns, items: sql<number>`jsonb_array_length(${contractJobs.itemIds})::int` })
    .from(contractJobs)
    .where(viewer.role === 'operator' ? recent : and(eq(contractJobs.accountId, viewer.accountId ?? '00000000-0000-0000-0000-000000000000'), recent))
    .orderBy(desc(contractJobs.createdAt))
    .limit(20);
  const ids = jobs.map((j) => j.contractId).filter((id): id is string => id !== null);
  const done = ids.length ? await db.select().from(contracts).where(inArray(contracts.id, ids)) : [];
  const byId = new Map(done.map((c) => [c.id, c]));
  return jobs.map((job) => ({ job, contract: job.contractId ? (byId.get(job.contractId) ?? null) : null }));
}
