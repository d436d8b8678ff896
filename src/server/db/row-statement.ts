import { Placeholder } from 'drizzle-orm';
import type { Database } from './client.js';

type Driver = {
  // node-postgres's Pool and PGlite both take these two forms; each uses its own.
  query(config: { name?: string; text: string; values: unknown[]; rowMode: 'array' }): Promise<{ rows: unknown[][] }>;
  query(text: string, values: unknown[], options: { rowMode: 'array' }): Promise<{ rows: unknown[][] }>;
};

/** The rows drizzle's own execute would answer. */
type Rows<Q extends { execute(): Promise<unknown[]> }> = Awaited<ReturnType<Q['execute']>>;

const queryLoggers = new WeakMap<object, (query: string, params: unknown[]) => void>();

/** Lets `rowStatement`s report what they send, as drizzle's logger does for the rest. */
export function logRowStatements(db: Database, logQuery: ((query: string, params: unknown[]) => void) | undefined) {
  if (logQuery) queryLoggers.set(db, logQuery);
}

/**
 * A select that the busiest routes run many times a second, built once by drizzle and then
 * sent to the driver as it is, its rows read as arrays: drizzle's row mapping (a class check
 * per cell) was a tenth of the request thread's CPU on a 20-row contract page. Only for a flat
 * selection whose values the driver already answers in their final form (text, numbers,
 * booleans, JSON): nothing is decoded. `name` makes it a named statement on PostgreSQL
 * (planned once per connection); an empty name plans it each time.
 */
export function rowStatement<Q extends { toSQL(): { sql: string; params: unknown[] }; _: { selectedFields: object }; execute(): Promise<unknown[]> }>(
  db: Database,
  query: Q,
  name: string,
): { execute(values: Record<string, unknown>): Promise<Rows<Q>> } {
  const { sql: text, params } = query.toSQL();
  const keys = Object.keys(query._.selectedFields);
  const driver = (db as unknown as { $client: Driver }).$client;
  const isPostgres = !('exec' in driver);
  const logQuery = queryLoggers.get(db);
  const execute = async (values: Record<string, unknown>): Promise<unknown[]> => {
    const filled = params.map((p) => (p instanceof Placeholder ? values[p.name] : p));
    logQuery?.(text, filled);
    const { rows } = isPostgres
      ? await driver.query({ ...(name ? { name } : {}), text, values: filled, rowMode: 'array' })
      : await driver.query(text, filled, { rowMode: 'array' });
    return rows.map((row) => {
      const record: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) record[keys[i]!] = row[i];
      return record;
    });
  };
  return { execute: execute as (values: Record<string, unknown>) => Promise<Rows<Q>> };
}
