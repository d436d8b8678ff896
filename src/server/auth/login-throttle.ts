import { inArray, sql } from 'drizzle-orm';
import { type Database, queryRows } from '../db/client.js';
import { loginThrottle } from '../db/schema/index.js';

// Attempts counted in a window; past the limit the key is blocked for the block time.
const windowSeconds = 15 * 60;
const blockSeconds = 15 * 60;
const limits = { pair: 5, ip: 20 } as const;

// Counted per (e-mail, address) pair and per address, never per e-mail alone: an attacker's
// guesses from one address then block that address, not the owner signing in from another.
const pairKey = (email: string, ip: string) => `pair:${email}|${ip}`;
const keysFor = (email: string, ip: string) => ({ pair: pairKey(email, ip), ip: `ip:${ip}` });

/**
 * Counts a login attempt before its password is checked and answers the seconds until the
 * caller may try again (0: go ahead). Each key is counted and compared in one statement, so
 * that of 40 parallel guesses on any number of instances exactly the limit get through:
 * checking first and counting after the (slow) password hash let them all pass the check.
 */
export async function reserveLoginAttempt(db: Database, email: string, ip: string): Promise<number> {
  let retryAfter = 0;
  for (const [kind, key] of Object.entries(keysFor(email, ip)) as [keyof typeof limits, string][]) {
    const [row] = await queryRows<{ retry_after: number | null }>(
      db,
      sql`
      insert into login_throttle as t (key, failures, window_started_at, blocked_until)
      values (${key}, 1, now(), null)
      on conflict (key) do update set
        failures = case when t.blocked_until > now() then t.failures
                        when t.window_started_at < now() - make_interval(secs => ${windowSeconds}) then 1
                        else t.failures + 1 end,
        window_started_at = case when t.blocked_until > now() then t.window_started_at
                                 when t.window_started_at < now() - make_interval(secs => ${windowSeconds}) then now()
                                 else t.window_started_at end,
        blocked_until = case when t.blocked_until > now() then t.blocked_until
                             when t.window_started_at >= now() - make_interval(secs => ${windowSeconds})
                                  and t.failures + 1 > ${limits[kind]}
                             then now() + make_interval(secs => ${blockSeconds})
                             else null end
      returning ceil(extract(epoch from (blocked_until - now())))::int as retry_after`,
    );
    retryAfter = Math.max(retryAfter, row?.retry_after ?? 0);
  }
  return retryAfter;
}

/**
 * After a successful login: the pair's failures are forgotten, and the attempt is given
 * back to the address, which counts guesses, not the logins of an office behind one NAT.
 */
export async function clearLoginFailures(db: Database, email: string, ip: string): Promise<void> {
  await db.delete(loginThrottle).where(inArray(loginThrottle.key, [pairKey(email, ip)]));
  await db.execute(sql`update login_throttle set failures = greatest(failures - 1, 0) where key = ${`ip:${ip}`} and blocked_until is null`);
}
