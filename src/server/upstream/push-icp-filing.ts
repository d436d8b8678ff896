import { and, eq, ne, or, sql } from 'drizzle-orm';
import type { IcpFilingPushBody } from '../../shared/schemas/attachment.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { icpFilings } from '../db/schema/index.js';
import { assertAccountExists } from './account-exists.js';

/** Creates or updates an ICP filing from the filing system; idempotent like pushOrder. */
export async function pushIcpFiling(
  ctx: AppContext,
  options: { accountId: string; filingNumber: string; body: IcpFilingPushBody; actor: Actor },
) {
  const { accountId, filingNumber, body } = options;
  await assertAccountExists(ctx.db, accountId);
  const values = { ...body, domains: [...new Set(body.domains)], approvedAt: new Date(body.approvedAt) };
  return ctx.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(icpFilings)
      .values({ accountId, filingNumber, ...values })
      .onConflictDoNothing()
      .returning({ id: icpFilings.id });
    let changed = Boolean(created);
    if (!created) {
      const updated = await tx
        .update(icpFilings)
        .set({ ...values, updatedAt: new Date() })
        .where(
          and(
            eq(icpFilings.accountId, accountId),
            eq(icpFilings.filingNumber, filingNumber),
            or(
              ne(icpFilings.siteName, values.siteName),
              sql`${icpFilings.domains} <> ${JSON.stringify(values.domains)}::jsonb`,
              ne(icpFilings.entityName, values.entityName),
              ne(icpFilings.status, values.status),
              ne(icpFilings.approvedAt, values.approvedAt),
            ),
          ),
        )
        .returning({ id: icpFilings.id });
      changed = updated.length > 0;
    }
    if (changed)
      await appendEvent(tx, {
        accountId,
        actor: options.actor,
        action: created ? 'integration.icp_filing_created' : 'integration.icp_filing_updated',
        subject: { type: 'icp_filing', id: filingNumber },
        data: { status: body.status },
      });
    return { created: Boolean(created) };
  });
}
