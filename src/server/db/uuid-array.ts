import { type AnyColumn, type SQL, sql } from 'drizzle-orm';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Many UUIDs as one `uuid[]` parameter. `inArray` sends one parameter per id: for a 5,000-item
 * attachment that is 5,000 placeholders for Drizzle to build and the server to parse, per
 * query. Ids reach here validated; anything else is a bug, refused before the database sees it.
 */
export function uuidArray(ids: readonly string[]): SQL {
  for (const id of ids) if (!uuidPattern.test(id)) throw new TypeError(`not a UUID: ${JSON.stringify(id).slice(0, 60)}`);
  return sql`${`{${ids.join(',')}}`}::uuid[]`;
}

/** `column = any(ids)`, the one-parameter `inArray` for UUID columns. */
export function inUuids(column: AnyColumn, ids: readonly string[]): SQL {
  return sql`${column} = any(${uuidArray(ids)})`;
}
