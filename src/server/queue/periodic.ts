import { and, eq, lte, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { periodicTasks } from '../db/schema/index.js';
import { assign, claim, type LeasedQueue, leaseFree, release, whileLeased } from './lease.js';

const queue: LeasedQueue = { table: periodicTasks, id: periodicTasks.name, claimedUntil: periodicTasks.claimedUntil, claimToken: periodicTasks.claimToken };
const leaseSeconds = 60;

/**
 * Runs a periodic task shared by all instances if it is due: the instance that claims it runs
 * it, and the next run is due a little before one interval later (so that the instance whose
 * timer comes round again finds it due). A failed run is due again at once. Returns whether
 * this instance ran it.
 */
export async function runIfDue(db: Database, name: string, intervalMs: number, task: () => Promise<unknown>): Promise<boolean> {
  await db.insert(periodicTasks).values({ name }).onConflictDoNothing();
  const nextRun = sql`now() + make_interval(secs => ${(intervalMs * 0.9) / 1000})`;
  const [lease] = await claim(db, queue, {
    due: and(eq(periodicTasks.name, name), lte(periodicTasks.nextRunAt, sql`now()`), leaseFree(queue))!,
    order: periodicTasks.name,
    limit: 1,
    leaseSeconds,
    set: sql`${assign(periodicTasks.nextRunAt, nextRun)}, ${assign(periodicTasks.lastRunAt, sql`now()`)}`,
  });
  if (!lease) return false;
  try {
    await whileLeased(db, queue, lease, leaseSeconds, () => task());
  } catch (error) {
    await release(db, queue, lease, assign(periodicTasks.nextRunAt, sql`now()`)).catch(() => {});
    throw error;
  }
  await release(db, queue, lease);
  return true;
}
