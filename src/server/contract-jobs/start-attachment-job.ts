import { sql } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import type { AppContext } from '../context.js';
import type { CheckedAttachment } from '../contracts/create-attachment.js';
import { isUniqueViolation } from '../db/client.js';
import { contractJobs } from '../db/schema/index.js';
import { uuidArray } from '../db/uuid-array.js';
import { startContractJob } from './start-signing-job.js';

/**
 * Accepts an attachment request that passed its checks as a background job: the job and the
 * reservation of its items commit together, so another job or a direct request choosing one
 * of them is refused at once (409 item_already_covered), as it would be once the attachment is
 * in force. The accepting instance starts the job at once; any instance takes it over if it dies.
 */
export async function startAttachmentJob(ctx: AppContext, checked: CheckedAttachment) {
  const { selection } = checked;
  let job: typeof contractJobs.$inferSelect;
  try {
    job = await ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(contractJobs)
        .values({
          accountId: checked.accountId,
          frameworkId: checked.framework.id,
          kind: selection.kind,
          itemIds: checked.ids,
          actor: checked.actor,
          signing: checked.signing ?? null,
        })
        .returning();
      // The reservations as one array parameter, not three parameters per item.
      await tx.execute(
        sql`insert into contract_job_items (job_id, item_kind, item_id) select ${row!.id}::uuid, ${selection.itemKind}, unnest(${uuidArray(checked.ids)})`,
      );
      return row!;
    });
  } catch (error) {
    // Another job reserved an item between the checks and this insert.
    if (isUniqueViolation(error, 'contract_job_items_reserved'))
      throw new AppError('item_already_covered', 'Already in an attachment being generated');
    throw error;
  }
  startContractJob(ctx, job.id);
  return job;
}
