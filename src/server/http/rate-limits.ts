import rateLimit from '@fastify/rate-limit';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../shared/errors.js';
import { type Database, queryRows } from '../db/client.js';

type Limit = { method: string; url: RegExp; max: number; windowMs: number; group: string };

const minute = 60_000;

/**
 * Per-IP limits, the one place that says which routes have them: matched on each route as it
 * is declared, so route files carry no rate-limit code. Costly or guessable operations only;
 * per-e-mail login throttling is login-throttle.ts.
 */
export const rateLimits: Limit[] = [
  { group: 'register', method: 'POST', url: /^\/api\/v1\/auth\/register$/, max: 20, windowMs: 10 * minute },
  { group: 'login', method: 'POST', url: /^\/api\/v1\/auth\/login$/, max: 30, windowMs: minute },
  // Each request may mail someone; each completion hashes a password.
  { group: 'password-reset', method: 'POST', url: /^\/api\/v1\/auth\/password-reset(\/complete)?$/, max: 10, windowMs: 10 * minute },
  { group: 'password', method: 'POST', url: /^\/api\/v1\/auth\/password$/, max: 10, windowMs: 10 * minute },
  { group: 'verify', method: 'POST', url: /^\/api\/v1\/verify(\/|$)/, max: 30, windowMs: minute },
  // A download finding new audit events signs a new evidence report.
  { group: 'evidence', method: 'GET', url: /^\/api\/v1\/contracts\/[^/]+\/evidence\.pdf$/, max: 60, windowMs: minute },
  // Every draft preview renders a PDF.
  { group: 'preview', method: 'POST', url: /\/preview$/, max: 60, windowMs: minute },
  // Each start renders a draft and sends a code; each confirm renders and issues a certificate.
  { group: 'signings', method: 'POST', url: /^\/api\/v1\/signings(\/|$)/, max: 300, windowMs: minute },
  // Every print package renders its paper originals; a scan is up to 20 MB.
  { group: 'print', method: 'GET', url: /\/stamping-requests\/[^/]+\/print\.pdf$/, max: 30, windowMs: minute },
  { group: 'scan', method: 'POST', url: /\/stamping-requests\/[^/]+\/scan$/, max: 30, windowMs: minute },
  { group: 'integration', method: '*', url: /^\/api\/v1\/integration\//, max: 1200, windowMs: minute },
];

export function limitFor(method: string, url: string): Limit | undefined {
  return rateLimits.find((l) => (l.method === '*' || l.method === method) && l.url.test(url));
}

/**
 * The plugin's store in the database, so that every instance counts the same requests (and
 * PGlite deployments need no Redis): a fixed window per key, counted and read in one statement.
 */
function databaseStore(db: Database) {
  return class DatabaseStore {
    constructor(
      private readonly options: { timeWindow?: number },
      private readonly prefix = '',
    ) {}

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow?: number) {
      const windowMs = timeWindow ?? this.options.timeWindow ?? minute;
      queryRows<{ hits: number; ttl: number }>(
        db,
        sql`
        insert into rate_limit_hits as r (key, hits, reset_at)
        values (${this.prefix + key}, 1, now() + make_interval(secs => ${windowMs / 1000}))
        on conflict (key) do update set
          hits = case when r.reset_at <= now() then 1 else r.hits + 1 end,
          reset_at = case when r.reset_at <= now() then excluded.reset_at else r.reset_at end
        returning hits, greatest(0, ceil(extract(epoch from (reset_at - now())) * 1000))::int as ttl`,
      ).then(
        ([row]) => callback(null, { current: row!.hits, ttl: row!.ttl }),
        (error: Error) => callback(error),
      );
    }

    child(routeOptions: { timeWindow?: number; groupId?: string }) {
      return new DatabaseStore(routeOptions, 'ip|');
    }
  };
}

/** Registers @fastify/rate-limit with the table above; call before any route is declared. */
export async function registerRateLimits(app: FastifyInstance, db: Database) {
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const limit = methods.map((m) => limitFor(String(m).toUpperCase(), route.url)).find(Boolean);
    if (!limit) return;
    route.config = { ...route.config, rateLimit: { max: limit.max, timeWindow: limit.windowMs, groupId: limit.group } };
  });
  await app.register(rateLimit, {
    global: false,
    store: databaseStore(db) as never,
    // The client address as Fastify resolves it: the socket's, or the one `trustProxy` hops
    // from the right of X-Forwarded-For, never an entry the client wrote itself.
    keyGenerator: (request) => request.ip,
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    errorResponseBuilder: (_request, context) =>
      new AppError('rate_limited', `Too many requests from this address; retry in ${context.after}`, {
        headers: { 'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))) },
      }),
  });
}
