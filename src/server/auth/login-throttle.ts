import { sql } from 'drizzle-orm';
import { type Database, queryRows } from '../db/client.js';

// A key's attempts are forgotten after this long without any; `window_started_at` holds the
// time of the key's last attempt that was let through.
const quietSeconds = 15 * 60;
// Attempts let through before the delays start; from then on each attempt let through makes
// the next wait twice as long as the one before: 2 s, 4 s, 8 s … at most 15 minutes.
export const throttleLimits = { pair: 5, ip: 20 } as const;
const firstDelaySeconds = 2;
const longestDelaySeconds = 15 * 60;

/** The wait after the `attempts`-th attempt of a key whose limit is `limit` (0: none). */
export function delayAfter(attempts: number, limit: number): number {
  if (attempts < limit) return 0;
  return Math.min(longestDelaySeconds, firstDelaySeconds * 2 ** Math.min(attempts - limit, 20));
}

// Counted per (e-mail, address) pair and per address, never per e-mail alone: an attacker's
// guesses from one address slow that address, not the owner signing in from another.
const pairKey = (email: string, ip: string) => `pair:${email}|${ip}`;
const ipKey = (ip: string) => `ip:${ip}`;

type ThrottleRow = { key: string; attempts: number; retry_after: number | null; is_quiet: boolean };

/**
 * Counts a login attempt before its password is checked and answers the seconds until the
 * caller may try again (0: go ahead). Both keys are locked, judged and counted in one
 * transaction, so that of 40 parallel guesses on any number of instances exactly the limit
 * get through (checking first and counting after the slow password hash let them all pass),
 * and an attempt that is held back counts against neither key.
 */
export async function reserveLoginAttempt(db: Database, email: string, ip: string): Promise<number> {
  const keys = { pair: pairKey(email, ip), ip: ipKey(ip) };
  return db.transaction(async (tx) => {
    for (const key of Object.values(keys)) {
      await tx.execute(sql`insert into login_throttle (key, failures, window_started_at) values (${key}, 0, now()) on conflict (key) do nothing`);
    }
    // Locked in key order, the same on every instance, so that two logins cannot deadlock.
    const rows = await queryRows<ThrottleRow>(
      tx,
      sql`select key, failures as attempts,
                 case when blocked_until > now() then ceil(extract(epoch from (blocked_until - now())))::int end as retry_after,
                 window_started_at < now() - make_interval(secs => ${quietSeconds}) as is_quiet
          from login_throttle where key in (${keys.pair}, ${keys.ip}) order by key for update`,
    );
    const retryAfter = Math.max(0, ...rows.map((r) => r.retry_after ?? 0));
    if (retryAfter > 0) return retryAfter;
    for (const row of rows) {
      const attempts = row.is_quiet ? 1 : Number(row.attempts) + 1;
      const delay = delayAfter(attempts, row.key === keys.pair ? throttleLimits.pair : throttleLimits.ip);
      await tx.execute(
        sql`update login_throttle set failures = ${attempts}, window_started_at = now(),
                   blocked_until = ${delay > 0 ? sql`now() + make_interval(secs => ${delay})` : sql`null`}
            where key = ${row.key}`,
      );
    }
    return 0;
  });
}

/**
 * After a successful login: the pair's attempts are forgotten, and the attempt is given back
 * to the address, which counts guesses, not the logins of an office behind one NAT (a delay
 * this very login started ends with it when the address is back under its limit).
 */
export async function clearLoginFailures(db: Database, email: string, ip: string): Promise<void> {
  await db.execute(sql`delete from login_throttle where key = ${pairKey(email, ip)}`);
  await db.execute(
    sql`update login_throttle set failures = greatest(failures - 1, 0),
               blocked_until = case when failures - 1 < ${throttleLimits.ip} then null else blocked_until end
        where key = ${ipKey(ip)}`,
  );
}
