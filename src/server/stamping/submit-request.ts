import { and, eq, inArray, sql } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { isValidTrackingNumber, normalizeTrackingNumber } from '../../shared/ids.js';
import type { Courier, SubmitStampingBody } from '../../shared/schemas/stamping.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { isUniqueViolation, queryRows } from '../db/client.js';
import { contracts, stampingRequestContracts, stampingRequests, stampingReturnAddresses } from '../db/schema/index.js';
import { beijingDate } from '../contracts/contract-dates.js';
import { currentStatus } from '../contracts/present-contract.js';
import { recordStampingStep } from './record-step.js';

/** The courier with its tracking number normalised, or invalid_tracking_number. */
export function checkedCourier(courier: Courier): Courier {
  const trackingNumber = normalizeTrackingNumber(courier.trackingNumber);
  if (!isValidTrackingNumber(courier.carrier, trackingNumber))
    throw new AppError('invalid_tracking_number', `${trackingNumber} is not a ${courier.carrier} tracking number`, {
      errors: [{ path: 'courier.trackingNumber', message: `not a ${courier.carrier} tracking number` }],
    });
  return { carrier: courier.carrier, trackingNumber };
}

/**
 * Creates a request: its number is issued and its return address locked at once. Without a
 * courier it awaits shipment (the customer prints the package, which carries the number, then
 * mails it and ships the request); with one it starts submitted, as before.
 */
export async function submitStampingRequest(ctx: AppContext, options: { accountId: string; body: SubmitStampingBody; actor: Actor }) {
  const { accountId, body } = options;
  const courier = body.courier ? checkedCourier(body.courier) : null;
  const contractIds = [...new Set(body.contractIds)];
  const rows = await ctx.db.select().from(contracts).where(and(eq(contracts.accountId, accountId), inArray(contracts.id, contractIds)));
  if (rows.length !== contractIds.length) throw new AppError('not_found', 'A contract does not exist');
  const notInForce = rows.filter((c) => currentStatus(c) !== 'effective');
  if (notInForce.length)
    throw new AppError('invalid_state', `Only contracts in force can be stamped: ${notInForce.map((c) => c.number).join(', ')}`);

  try {
    return await ctx.db.transaction(async (tx) => {
      // Locks the contracts against a concurrent void or termination, then checks them again.
      const locked = await tx.select().from(contracts).where(inArray(contracts.id, contractIds)).for('update');
      if (locked.some((c) => currentStatus(c) !== 'effective')) throw new AppError('invalid_state', 'A contract ended meanwhile');
      const [next] = await queryRows<{ seq: number }>(tx, sql`select nextval('stamping_number_seq')::int as seq`);
      const number = `SR${beijingDate(new Date()).year}${String(next!.seq).padStart(6, '0')}`;
      const [request] = await tx
        .insert(stampingRequests)
        .values({
          number,
          accountId,
          status: courier ? 'submitted' : 'awaiting_shipment',
          carrier: courier?.carrier ?? null,
          trackingNumber: courier?.trackingNumber ?? null,
        })
        .returning();
      await tx.insert(stampingReturnAddresses).values({ requestId: request!.id, ...body.returnAddress });
      await tx.insert(stampingRequestContracts).values(rows.map((c) => ({ requestId: request!.id, contractId: c.id, copies: c.copies })));
      await recordStampingStep(tx, ctx.config, {
        request: request!,
        contractIds,
        status: request!.status,
        actor: options.actor,
        note: courier ? `${courier.carrier} ${courier.trackingNumber}` : null,
      });
      return request!;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'stamping_one_open_request_per_contract')) throw new AppError('contract_in_open_request');
    throw error;
  }
}
