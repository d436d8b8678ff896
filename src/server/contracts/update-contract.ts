import { eq } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import type { PatchContractBody } from '../../shared/schemas/contract.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { contracts } from '../db/schema/index.js';
import { loadContract } from './load-contract.js';

/**
 * The customer's own bookkeeping on a contract: a remark (备注) and whether an ended contract
 * shows in the default list. Neither touches the signed document; both are audited.
 */
export async function updateContract(ctx: AppContext, options: { accountId: string; contractId: string; body: PatchContractBody; actor: Actor }) {
  const { body } = options;
  await loadContract(ctx.db, options.contractId, { role: 'customer', accountId: options.accountId });
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.select().from(contracts).where(eq(contracts.id, options.contractId)).for('update');
    if (!row) throw new AppError('not_found');
    if (body.hidden && row.status !== 'voided' && row.status !== 'terminated') throw new AppError('not_hideable');
    const remark = body.remark === undefined ? row.remark : body.remark || null;
    const hidden = body.hidden ?? row.hidden;
    const [updated] = await tx.update(contracts).set({ remark, hidden }).where(eq(contracts.id, row.id)).returning();
    await appendEvent(tx, {
      accountId: row.accountId,
      actor: options.actor,
      action: 'contract.updated',
      subject: { type: 'contract', id: row.id },
      data: {
        ...(body.remark !== undefined ? { remark: { from: row.remark, to: remark } } : {}),
        ...(body.hidden !== undefined ? { hidden: { from: row.hidden, to: hidden } } : {}),
      },
    });
    return updated!;
  });
}
