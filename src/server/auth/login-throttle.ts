import { inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { loginThrottle } from '../db/schema/index.js';

// Failures counted in a window; past the limit the key is blocked for the block time.
const windowMs = 15 * 60 * 1000;
const blockMs = 15 * 60 * 1000;
const limits = { email: 5, ip: 20 } as const;

const keysFor = (email: string, ip: string) => ({ email: `email:${email}`, ip: `ip:${ip}` });

/** Seconds until the caller may try again, or 0 when it may try now. */
export async function loginRetryAfter(db: Database, email: string, ip: string): Promise<number> {
  const keys = keysFor(email, ip);
  const rows = await db
    .select({ blockedUntil: loginThrottle.blockedUntil })
    .from(loginThrottle)
    .where(inArray(loginThrottle.key, [keys.email, keys.ip]));
  const now = Date.now();
  const until = Math.max(0, ...rows.map((r) => r.blockedUntil?.getTime() ?? 0));
  return until > now ? Math.ceil((until - now) / 1000) : 0;
}

export async function recordLoginFailure(db: Database, email: string, ip: string): Promise<void> {
  const keys = keysFor(email, ip);
  for (const [kind, key] of Object.entries(keys) as [keyof typeof limits, string][]) {
    // One statement per key, so that concurrent failures on several instances all count.
    await db.execute(sql`
      insert into login_throttle (key, failures, window_started_at, blocked_until)
      values (${key}, 1, now(), null)
      on conflict (key) do update set
        failures = case when login_throttle.window_started_at < now() - make_interval(secs => ${windowMs / 1000})
                        then 1 else login_throttle.failures + 1 end,
        window_started_at = case when login_throttle.window_started_at < now() - make_interval(secs => ${windowMs / 1000})
                                 then now() else login_throttle.window_started_at end,
        blocked_until = case when login_throttle.window_started_at >= now() - make_interval(secs => ${windowMs / 1000})
                                  and login_throttle.failures + 1 >= ${limits[kind]}
                             then now() + make_interval(secs => ${blockMs / 1000}) else login_throttle.blocked_until end`);
  }
}

export async function clearLoginFailures(db: Database, email: string): Promise<void> {
  await db.delete(loginThrottle).where(inArray(loginThrottle.key, [`email:${email}`]));
}
