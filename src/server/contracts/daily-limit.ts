import { and, count, eq, sql } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import type { Database } from '../db/client.js';
import { contracts } from '../db/schema/index.js';

/** Contracts the account generated since midnight in China Standard Time, where contracts are dated. */
export async function contractsGeneratedToday(db: Database, accountId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(contracts)
    .where(
      and(
        eq(contracts.accountId, accountId),
        sql`${contracts.createdAt} >= (date_trunc('day', now() at time zone 'Asia/Shanghai') at time zone 'Asia/Shanghai')`,
      ),
    );
  return row?.n ?? 0;
}

/**
 * Refuses once the account reached its daily limit. Checked before rendering (a refused request
 * costs nothing) and again inside the inserting transaction; two requests racing for the last
 * slot may both pass, which a limit against runaway scripts tolerates.
 */
export async function assertDailyLimit(db: Database, accountId: string, limit: number) {
  if ((await contractsGeneratedToday(db, accountId)) >= limit) throw new AppError('daily_limit_reached');
}
