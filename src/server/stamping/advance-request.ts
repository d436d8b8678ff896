import { and, eq, inArray, sql } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { openStampingStatuses, type Courier, type StampingStatus } from '../../shared/schemas/stamping.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/client.js';
import { stampingHistory, stampingRequestContracts, stampingRequests } from '../db/schema/index.js';
import { recordStampingStep } from './record-step.js';
import { checkedCourier } from './submit-request.js';

export type StampingAction =
  | { kind: 'ship'; courier: Courier }
  | { kind: 'cancel' }
  | { kind: 'confirm_receipt' }
  | { kind: 'receive' }
  | { kind: 'stamp' }
  | { kind: 'return'; courier: Courier }
  | { kind: 'reject'; reason: string };

/** Who may take each step, from which states, to which state. */
const transitions: Record<StampingAction['kind'], { by: 'customer' | 'operator'; from: StampingStatus[]; to: StampingStatus }> = {
  ship: { by: 'customer', from: ['awaiting_shipment'], to: 'submitted' },
  cancel: { by: 'customer', from: ['awaiting_shipment', 'submitted'], to: 'cancelled' },
  confirm_receipt: { by: 'customer', from: ['returned'], to: 'completed' },
  receive: { by: 'operator', from: ['submitted'], to: 'received' },
  stamp: { by: 'operator', from: ['received'], to: 'stamped' },
  return: { by: 'operator', from: ['stamped'], to: 'returned' },
  reject: { by: 'operator', from: ['submitted', 'received'], to: 'rejected' },
};

/** Moves a request one step, in one transaction with its history, audit events and e-mail. */
export async function advanceStampingRequest(
  ctx: AppContext,
  options: { requestId: string; action: StampingAction; actor: Actor; viewer: { role: 'customer' | 'operator'; accountId: string | null } },
) {
  const { action, viewer } = options;
  const rule = transitions[action.kind];
  if (rule.by !== viewer.role) throw new AppError('forbidden');
  const returnCourier = action.kind === 'return' ? checkedCourier(action.courier) : null;
  const outboundCourier = action.kind === 'ship' ? checkedCourier(action.courier) : null;

  return ctx.db.transaction(async (tx) => {
    const [request] = await tx.select().from(stampingRequests).where(eq(stampingRequests.id, options.requestId)).for('update');
    if (!request || (viewer.role === 'customer' && request.accountId !== viewer.accountId)) throw new AppError('not_found');
    if (!rule.from.includes(request.status)) throw new AppError('invalid_state', `The request is ${request.status}`);
    const shown = returnCourier ?? outboundCourier;
    const note = action.kind === 'reject' ? action.reason : shown ? `${shown.carrier} ${shown.trackingNumber}` : null;
    return moveTo(tx, ctx, {
      request,
      to: rule.to,
      note,
      returnCourier,
      outboundCourier,
      actor: options.actor,
      rejectReason: action.kind === 'reject' ? action.reason : null,
    });
  });
}

async function moveTo(
  tx: Database,
  ctx: Pick<AppContext, 'config'>,
  step: {
    request: typeof stampingRequests.$inferSelect;
    to: StampingStatus;
    note: string | null;
    returnCourier: Courier | null;
    outboundCourier?: Courier | null;
    rejectReason: string | null;
    actor: Actor;
  },
) {
  const [updated] = await tx
    .update(stampingRequests)
    .set({
      status: step.to,
      updatedAt: new Date(),
      ...(step.returnCourier ? { returnCarrier: step.returnCourier.carrier, returnTrackingNumber: step.returnCourier.trackingNumber, returnedAt: new Date() } : {}),
      ...(step.outboundCourier ? { carrier: step.outboundCourier.carrier, trackingNumber: step.outboundCourier.trackingNumber } : {}),
      ...(step.rejectReason ? { rejectReason: step.rejectReason } : {}),
    })
    .where(eq(stampingRequests.id, step.request.id))
    .returning();
  const links = await tx.select({ contractId: stampingRequestContracts.contractId }).from(stampingRequestContracts).where(eq(stampingRequestContracts.requestId, step.request.id));
  if (!openStampingStatuses.includes(step.to))
    await tx.update(stampingRequestContracts).set({ isOpen: false }).where(eq(stampingRequestContracts.requestId, step.request.id));
  await recordStampingStep(tx, ctx.config, {
    request: updated!,
    contractIds: links.map((l) => l.contractId),
    status: step.to,
    actor: step.actor,
    note: step.note,
  });
  return updated!;
}

export const autoCompleteAfterDays = 15;

/**
 * Completes requests returned more than 15 days ago. Safe with several instances: each row is
 * taken with SKIP LOCKED and moved only from 'returned'.
 */
export async function completeReturnedRequests(ctx: Pick<AppContext, 'db' | 'config'>, now: Date = new Date()): Promise<number> {
  return ctx.db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(stampingRequests)
      .where(
        and(
          eq(stampingRequests.status, 'returned'),
          sql`${stampingRequests.returnedAt} <= ${now.toISOString()}::timestamptz - make_interval(days => ${autoCompleteAfterDays})`,
        ),
      )
      .limit(100)
      .for('update', { skipLocked: true });
    for (const request of due) {
      await moveTo(tx, ctx, {
        request,
        to: 'completed',
        note: `${autoCompleteAfterDays} 天未确认，自动完成`,
        returnCourier: null,
        rejectReason: null,
        actor: { userId: null, role: 'system' },
      });
    }
    return due.length;
  });
}

/** Corrects the outbound tracking number while the request is still submitted. */
export async function changeCourier(
  ctx: AppContext,
  options: { requestId: string; accountId: string; courier: Courier; actor: Actor },
) {
  const courier = checkedCourier(options.courier);
  return ctx.db.transaction(async (tx) => {
    const [request] = await tx.select().from(stampingRequests).where(eq(stampingRequests.id, options.requestId)).for('update');
    if (!request || request.accountId !== options.accountId) throw new AppError('not_found');
    if (request.status !== 'submitted') throw new AppError('invalid_state', `The request is ${request.status}`);
    const before = `${request.carrier} ${request.trackingNumber}`;
    const after = `${courier.carrier} ${courier.trackingNumber}`;
    if (before === after) return request;
    const [updated] = await tx
      .update(stampingRequests)
      .set({ carrier: courier.carrier, trackingNumber: courier.trackingNumber, updatedAt: new Date() })
      .where(eq(stampingRequests.id, request.id))
      .returning();
    const links = await tx.select({ contractId: stampingRequestContracts.contractId }).from(stampingRequestContracts).where(inArray(stampingRequestContracts.requestId, [request.id]));
    // On the timeline too, so that the desk compares the parcel against the number in force.
    await tx.insert(stampingHistory).values({
      requestId: request.id,
      status: request.status,
      kind: 'courier_changed',
      actorUserId: options.actor.userId,
      actorRole: options.actor.role,
      note: `${before} → ${after}`,
    });
    for (const l of links)
      await appendEvent(tx, {
        accountId: request.accountId,
        actor: options.actor,
        action: 'stamping.courier_changed',
        subject: { type: 'contract', id: l.contractId },
        data: { request: request.number, courier: after, previous: before },
      });
    return updated!;
  });
}
