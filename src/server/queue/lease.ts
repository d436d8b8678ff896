import { randomUUID } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { type Database, queryRows } from '../db/client.js';

/**
 * The project's one claim-and-lease mechanism, shared by the e-mail outbox, the periodic tasks
 * and the contract jobs: a row is claimed by setting its lease (and a fresh token) in one
 * statement over `FOR UPDATE SKIP LOCKED`, so that of several instances each row goes to one;
 * the holder renews the lease while it works; a holder that died loses the row when the lease
 * runs out, and the next claim takes it over. Works on PostgreSQL and on PGlite alike (no
 * LISTEN/NOTIFY, no advisory locks across connections).
 */
export type LeasedQueue = {
  table: PgTable;
  id: PgColumn;
  claimedUntil: PgColumn;
  /** A holder that lost its lease finds its token replaced and its writes refused. */
  claimToken?: PgColumn;
  /** Counted up by each claim, for a bound on retries. */
  attempts?: PgColumn;
};

export type Lease = { id: string; token: string };

const column = (c: PgColumn) => sql.identifier(c.name);
const leaseUntil = (seconds: number) => sql`now() + make_interval(secs => ${seconds})`;

/** Rows free to claim: unclaimed or with a lease that ran out. */
export const leaseFree = (q: LeasedQueue): SQL => sql`(${q.claimedUntil} is null or ${q.claimedUntil} <= now())`;

/** The row is still held by this lease (for the holder's own guarded updates). */
export const heldBy = (q: LeasedQueue, lease: Lease): SQL =>
  q.claimToken ? sql`${q.id} = ${lease.id} and ${q.claimToken} = ${lease.token}` : sql`${q.id} = ${lease.id}`;

/**
 * Claims up to `limit` rows matching `due` (which should include `leaseFree`), oldest first by
 * `order`, for `leaseSeconds`; `set` adds assignments made in the same statement.
 */
export async function claim(
  db: Database,
  q: LeasedQueue,
  o: { due: SQL; order: SQL | PgColumn; limit: number; leaseSeconds: number; set?: SQL },
): Promise<Lease[]> {
  const token = randomUUID();
  const assignments = [sql`${column(q.claimedUntil)} = ${leaseUntil(o.leaseSeconds)}`];
  if (q.claimToken) assignments.push(sql`${column(q.claimToken)} = ${token}`);
  if (q.attempts) assignments.push(sql`${column(q.attempts)} = ${q.attempts} + 1`);
  if (o.set) assignments.push(o.set);
  const rows = await queryRows<{ id: string }>(
    db,
    sql`update ${q.table} set ${sql.join(assignments, sql`, `)}
        where ${q.id} in (select ${q.id} from ${q.table} where ${o.due} order by ${o.order} limit ${o.limit} for update skip locked)
        returning ${q.id} as id`,
  );
  return rows.map((r) => ({ id: r.id, token }));
}

/** Extends the lease; false once another holder has taken the row over. */
export async function renew(db: Database, q: LeasedQueue, lease: Lease, leaseSeconds: number): Promise<boolean> {
  const rows = await queryRows(
    db,
    sql`update ${q.table} set ${column(q.claimedUntil)} = ${leaseUntil(leaseSeconds)} where ${heldBy(q, lease)} returning ${q.id}`,
  );
  return rows.length > 0;
}

/** Gives the row up at once (e.g. to retry it later), with `set` made in the same statement. */
export async function release(db: Database, q: LeasedQueue, lease: Lease, set?: SQL): Promise<void> {
  const assignments = [sql`${column(q.claimedUntil)} = null`];
  if (set) assignments.push(set);
  await db.execute(sql`update ${q.table} set ${sql.join(assignments, sql`, `)} where ${heldBy(q, lease)}`);
}

/**
 * Renews the lease every third of its length while `work` runs; `lost` (an AbortSignal) fires
 * when a renewal finds the row taken over. A renewal that fails for another reason (the
 * database briefly away) is tried again at the next tick: the lease has time left.
 */
export async function whileLeased<T>(db: Database, q: LeasedQueue, lease: Lease, leaseSeconds: number, work: (lost: AbortSignal) => Promise<T>): Promise<T> {
  const lost = new AbortController();
  const timer = setInterval(
    () =>
      void renew(db, q, lease, leaseSeconds)
        .then((held) => {
          if (!held) lost.abort();
        })
        .catch(() => {}),
    Math.max(200, (leaseSeconds * 1000) / 3),
  );
  timer.unref();
  try {
    return await work(lost.signal);
  } finally {
    clearInterval(timer);
  }
}

/** Column assignment for `set`: `col = value`, unqualified as UPDATE requires. */
export const assign = (c: PgColumn, value: SQL | unknown): SQL => sql`${column(c)} = ${value}`;
