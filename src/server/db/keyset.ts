import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { AppError } from '../../shared/errors.js';

/**
 * Where a keyset page ends: the last row's time as PostgreSQL holds it (microseconds, UTC,
 * `2026-12-01T08:55:02.123456Z`) and its id. A JavaScript Date keeps milliseconds only, so a
 * cursor built from one would skip rows created later in the same millisecond.
 */
export type Keyset = { at: string; id: string };

/** The column as cursor text, to select beside the row: formatted by PostgreSQL, never by Date. */
export const keysetTime = (column: AnyPgColumn | SQL) =>
  sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export function encodeCursor(key: Keyset): string {
  return Buffer.from(JSON.stringify([key.at, key.id])).toString('base64url');
}

const timePattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?Z$/;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A calendar time that PostgreSQL's timestamptz and JavaScript's Date can both hold. */
function isCursorTime(text: string): boolean {
  const m = timePattern.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (year < 1 || hour > 23 || minute > 59 || second > 59) return false;
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const invalidCursor = () =>
  new AppError('invalid_cursor', 'The cursor is not one this list gave out', { errors: [{ path: 'cursor', message: 'not a cursor from this list' }] });

/** The page end a cursor names; anything else, however crafted, answers 400 invalid_cursor. */
export function decodeCursor(cursor: string): Keyset {
  if (!/^[A-Za-z0-9_-]{1,300}$/.test(cursor)) throw invalidCursor();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(value) || value.length !== 2) throw invalidCursor();
  const [at, id] = value as unknown[];
  if (typeof at !== 'string' || typeof id !== 'string' || !isCursorTime(at) || !uuidPattern.test(id)) throw invalidCursor();
  return { at, id: id.toLowerCase() };
}

/** A cursor for a list ordered by a unique text key (an account's ICP filing numbers). */
export function encodeTextCursor(key: string): string {
  return Buffer.from(JSON.stringify(['k', key])).toString('base64url');
}

export function decodeTextCursor(cursor: string, pattern: RegExp): string {
  if (!/^[A-Za-z0-9_-]{1,300}$/.test(cursor)) throw invalidCursor();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(value) || value.length !== 2 || value[0] !== 'k' || typeof value[1] !== 'string' || !pattern.test(value[1])) throw invalidCursor();
  return value[1];
}

/**
 * The rows after `key` in (time, id) order: one row comparison, which an index on
 * (…, time, id) positions on directly instead of reading and discarding the pages before.
 */
export function afterKeyset(time: AnyPgColumn, id: AnyPgColumn, key: Keyset, direction: 'desc' | 'asc' = 'desc'): SQL {
  const op = direction === 'desc' ? sql.raw('<') : sql.raw('>');
  return sql`(${time}, ${id}) ${op} (${key.at}::timestamptz, ${key.id}::uuid)`;
}

/** The page and the cursor of the next one, from `limit + 1` rows that carry their keyset. */
export function keysetPage<T extends { keysetAt: string; id: string }>(rows: T[], limit: number): { page: T[]; nextCursor: string | null } {
  const page = rows.length > limit ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return { page, nextCursor: rows.length > limit && last ? encodeCursor({ at: last.keysetAt, id: last.id }) : null };
}

/** `%text%` for LIKE and ILIKE, with the user's own % and _ taken literally. */
export const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

/**
 * Whether a search text needs ILIKE. A text without letters that have case (digits, Chinese:
 * most numbers and company names searched) matches the same rows under LIKE, which does not
 * lowercase every row it checks: two fifths of an operator's search by a company name at a
 * million contracts. Both are served by the same trigram indexes.
 */
export const foldsCase = (text: string) => text.toLowerCase() !== text.toUpperCase();

/** `value` contains the text of `pattern` (containsPattern), ignoring case only where it has any. */
export const contains = (value: SQLWrapper, pattern: string | SQLWrapper, ignoreCase: boolean): SQL =>
  ignoreCase ? sql`${value} ilike ${pattern}` : sql`${value} like ${pattern}`;
