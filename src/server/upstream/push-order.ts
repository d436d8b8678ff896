import { and, eq, or, ne } from 'drizzle-orm';
import type { OrderPushBody } from '../../shared/schemas/attachment.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { orders } from '../db/schema/index.js';
import { assertAccountExists } from './account-exists.js';

/**
 * Creates or updates an order from billing. Idempotent: the same body twice changes nothing
 * and records nothing. An order already in an attachment keeps that attachment as it is.
 */
export async function pushOrder(ctx: AppContext, options: { accountId: string; orderNo: string; body: OrderPushBody; actor: Actor }) {
  const { accountId, orderNo, body } = options;
  await assertAccountExists(ctx.db, accountId);
  const values = { ...body, paidAt: new Date(body.paidAt) };
  return ctx.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(orders)
      .values({ accountId, orderNo, ...values })
      .onConflictDoNothing()
      .returning({ id: orders.id });
    let changed = Boolean(created);
    if (!created) {
      const updated = await tx
        .update(orders)
        .set({ ...values, updatedAt: new Date() })
        .where(
          and(
            eq(orders.accountId, accountId),
            eq(orders.orderNo, orderNo),
            or(
              ne(orders.product, values.product),
              ne(orders.spec, values.spec),
              ne(orders.quantity, values.quantity),
              ne(orders.amountFen, values.amountFen),
              ne(orders.paidAt, values.paidAt),
              ne(orders.status, values.status),
            ),
          ),
        )
        .returning({ id: orders.id });
      changed = updated.length > 0;
    }
    if (changed)
      await appendEvent(tx, {
        accountId,
        actor: options.actor,
        action: created ? 'integration.order_created' : 'integration.order_updated',
        subject: { type: 'order', id: orderNo },
        data: { status: body.status, amountFen: body.amountFen },
      });
    return { created: Boolean(created) };
  });
}
