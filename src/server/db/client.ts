import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite, types } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { hookTransactions } from './commit-hook.js';
import { logRowStatements } from './row-statement.js';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
/** A database or a transaction on it: operations take either. */
export type Database = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export type DatabaseHandle = {
  db: Database;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
};

const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');

// Any fixed number: every instance sharing a PostgreSQL database migrates one at a time.
const migrationLockId = 727_110_001;

/**
 * Opens PostgreSQL when a URL is given, else PGlite in `dataDir` ('memory://' for tests),
 * and applies the committed migrations.
 */
export async function openDatabase(options: {
  databaseUrl?: string;
  dataDir: string;
  /** Where "waiting for the database" goes; console.error by default. */
  log?: (message: string) => void;
  /** Sees every statement the app sends (the query-plan test explains them). */
  logQuery?: (query: string, params: unknown[]) => void;
  /**
   * For an in-memory PGlite: a dump (`dumpDataDir`) of a migrated database to start from. Most
   * of opening an empty one is initdb; the test suite opens one per test app.
   */
  template?: Blob;
}): Promise<DatabaseHandle> {
  const logger = options.logQuery ? { logQuery: options.logQuery } : undefined;
  if (options.databaseUrl) {
    const log = options.log ?? ((message: string) => console.error(message));
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 10,
      // While the server is unreachable a request waits at most this long for a connection,
      // then answers 503, instead of piling up behind a connect that never completes.
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
    });
    // A connection that drops (a server restart, a failover) must not end the process: an idle
    // one is reported to the pool; a checked-out one between two queries emits on the client
    // itself, where node-postgres has no listener and the error would be unhandled. The query
    // that meets the dead connection fails and answers 503; the pool replaces the connection.
    pool.on('error', (error) => log(`PostgreSQL connection lost: ${error.message}`));
    pool.on('connect', (client) => {
      client.on('error', (error) => log(`PostgreSQL connection lost: ${error.message}`));
    });
    await migrateWhenReachable(pool, log);
    const db = hookTransactions(drizzlePg(pool, { schema, logger }) as unknown as Database);
    logRowStatements(db, options.logQuery);
    return { db, kind: 'postgres', close: () => pool.end() };
  }
  let dataDir = options.dataDir;
  if (!dataDir.startsWith('memory://')) {
    dataDir = path.join(options.dataDir, 'pgdata');
    fs.mkdirSync(dataDir, { recursive: true });
  }
  if (!dataDir.startsWith('memory://') && !fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    // Creating the cluster (initdb) grows the WebAssembly memory to several hundred MB for
    // good; an instance of its own, closed again, leaves the server the memory of a restart.
    const creating = await PGlite.create(dataDir, pgliteOptions);
    await migratePglite(drizzlePglite(creating, { schema }), { migrationsFolder });
    await creating.close();
  }
  const fromTemplate = options.template && dataDir.startsWith('memory://') ? { loadDataDir: options.template } : {};
  const client = withoutPerQueryParsers(await PGlite.create(dataDir, { ...pgliteOptions, ...fromTemplate }));
  const db = drizzlePglite(client, { schema, logger });
  await migratePglite(db, { migrationsFolder });
  const hooked = hookTransactions(db as unknown as Database);
  logRowStatements(hooked, options.logQuery);
  return { db: hooked, kind: 'pglite', close: () => client.close() };
}

/**
 * Applies the migrations, waiting for the server as long as it takes: a start while the
 * database is down (or still starting) retries with a growing pause instead of exiting.
 */
async function migrateWhenReachable(pool: pg.Pool, log: (message: string) => void) {
  for (let attempt = 1; ; attempt++) {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      const delay = Math.min(10_000, 500 * 2 ** Math.min(attempt, 5));
      log(`PostgreSQL is not reachable (${(error as Error).message || (error as { code?: string }).code}); retrying in ${delay / 1000} s (attempt ${attempt})`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      continue;
    }
    let lost = false;
    try {
      await client.query('select pg_advisory_lock($1)', [migrationLockId]);
      await migratePg(drizzlePg(client, { schema }), { migrationsFolder });
      if (attempt > 1) log('PostgreSQL is reachable; migrations applied');
      return;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      lost = true;
      log(`PostgreSQL went away during migration (${(error as Error).message}); retrying`);
    } finally {
      if (!lost) await client.query('select pg_advisory_unlock($1)', [migrationLockId]).catch(() => {});
      client.release(lost);
    }
  }
}

/** PostgreSQL's unique_violation, whichever driver raised it. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = findPgError(error);
  return e?.code === '23505' && (!constraint || e.constraint === constraint);
}

export function findPgError(error: unknown): { code?: string; constraint?: string; message?: string } | undefined {
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth++) {
    const candidate = e as { code?: unknown; constraint?: string; cause?: unknown };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) return candidate as never;
    e = candidate.cause;
  }
  return undefined;
}

const unreachableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const unreachableMessage = /Connection terminated|connection timeout|not queryable|Cannot use a pool after calling end|timeout exceeded when trying to connect/i;

/**
 * Whether an error means the database could not be reached or went away (a restart, a
 * failover, a network cut): SQLSTATE class 08, an administrator shutdown (57P01–57P03),
 * too many connections, or a socket error of the driver. The request did nothing durable.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth++) {
    const candidate = e as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    const code = typeof candidate.code === 'string' ? candidate.code : '';
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300') return true;
    if (unreachableCodes.has(code)) return true;
    if (typeof candidate.message === 'string' && unreachableMessage.test(candidate.message)) return true;
    // An AggregateError of every address tried (IPv4 and IPv6 of localhost).
    if (Array.isArray(candidate.errors) && candidate.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    e = candidate.cause;
  }
  return false;
}

/**
 * The types drizzle reads as PostgreSQL's text and maps itself (dates, times, intervals and
 * their arrays): what it asks PGlite for with every query. As the instance's own parsers they
 * need not travel with each one (see withoutPerQueryParsers).
 */
const textAsIs = (value: string) => value;
const drizzleTextParsers = Object.fromEntries(
  [types.TIMESTAMP, types.TIMESTAMPTZ, types.INTERVAL, types.DATE, 1231, 1115, 1185, 1187, 1182].map((oid) => [oid, textAsIs]),
);

const pgliteOptions = {
  // The embedded server's memory is WebAssembly memory, which never shrinks: PostgreSQL's
  // default 128 MB of shared buffers is a fixed cost of every instance, and more than the
  // embedded database's working set needs.
  // The trigram indexes of substring search (migration 0007) need the extension loaded.
  extensions: { pg_trgm },
  startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB', '-c', 'work_mem=2MB', '-c', 'temp_buffers=2MB'],
  // PGlite's own bytea conversions go through a hex string one byte at a time (tens of ms
  // for a signed contract). A Uint8Array parameter that reaches the wire protocol as is
  // travels in binary; results still arrive as hex text, which Buffer decodes natively.
  serializers: { [types.BYTEA]: (bytes: Uint8Array) => bytes as unknown as string },
  parsers: { ...drizzleTextParsers, [types.BYTEA]: (hex: string) => Buffer.from(hex.slice(2), 'hex') },
};

/**
 * A dump of a new in-memory PGlite with every migration applied: what `openDatabase`'s
 * `template` takes.
 */
export async function dumpMigratedDatabase(): Promise<Blob> {
  const client = await PGlite.create('memory://', pgliteOptions);
  try {
    await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder });
    return await client.dumpDataDir('none');
  } finally {
    await client.close();
  }
}

type QueryOptions = { parsers?: Record<number, unknown> } & Record<string, unknown>;

/**
 * PGlite merges a query's own parsers into a copy of all of its parsers (some hundred types)
 * for every query: drizzle passes the same few with each, and the copies were nearly half of
 * what the request thread allocated while signing contracts. The instance holds them already
 * (drizzleTextParsers), so a query's options go without them; any other parsers still pass.
 */
function withoutPerQueryParsers(client: PGlite): PGlite {
  const strip = (options?: QueryOptions) => {
    if (!options?.parsers) return options;
    const keys = Object.keys(options.parsers);
    if (!keys.every((k) => k in drizzleTextParsers)) return options;
    const { parsers: _same, ...rest } = options;
    return rest;
  };
  type Query = (query: string, params?: unknown[], options?: QueryOptions) => Promise<unknown>;
  const wrap = <T extends { query: Query }>(target: T): T => {
    const query = target.query.bind(target);
    target.query = ((q: string, params?: unknown[], options?: QueryOptions) => query(q, params, strip(options))) as T['query'];
    return target;
  };
  wrap(client as unknown as { query: Query });
  const transaction = client.transaction.bind(client);
  client.transaction = ((fn: (tx: { query: Query }) => Promise<unknown>) => transaction((tx) => fn(wrap(tx as unknown as { query: Query })))) as PGlite['transaction'];
  return client;
}

/** Rows of a raw query; node-postgres and PGlite both answer `{ rows }`. */
export async function queryRows<T>(db: Database, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
