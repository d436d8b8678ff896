import { and, eq, inArray } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import type { EndingRule } from '../contracts/end-contract.js';
import { stampingRequestContracts, stampingRequests } from '../db/schema/index.js';

/**
 * A customer may not void a contract that is in an open stamping request, nor one whose paper
 * copy both sides stamped (a completed request): only an operator can terminate that one.
 */
export const customerVoidRule: EndingRule = {
  async assertMayEnd(tx, contractIds) {
    const open = await tx
      .select({ contractId: stampingRequestContracts.contractId })
      .from(stampingRequestContracts)
      .where(and(inArray(stampingRequestContracts.contractId, contractIds), eq(stampingRequestContracts.isOpen, true)))
      .limit(1);
    if (open.length) throw new AppError('contract_in_open_request');
    const completed = await tx
      .select({ id: stampingRequests.id })
      .from(stampingRequestContracts)
      .innerJoin(stampingRequests, eq(stampingRequests.id, stampingRequestContracts.requestId))
      .where(and(inArray(stampingRequestContracts.contractId, contractIds), eq(stampingRequests.status, 'completed')))
      .limit(1);
    if (completed.length) throw new AppError('invalid_state', 'A paper copy stamped by both parties exists; ask the provider to terminate the contract');
  },
};
