import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors.js';
import { decodeCursor, encodeCursor, foldsCase } from '../../src/server/db/keyset.js';

const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
const crafted = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function codeOf(cursor: string): string | undefined {
  try {
    decodeCursor(cursor);
    return undefined;
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
}

describe('keyset cursors', () => {
  it('round-trips the full microsecond time and the id', () => {
    const key = { at: '2026-12-01T08:55:02.123456Z', id };
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
    expect(decodeCursor(crafted(['0001-01-01T00:00:00Z', id.toUpperCase()]))).toEqual({ at: '0001-01-01T00:00:00Z', id });
    expect(decodeCursor(crafted(['9999-12-31T23:59:59.999999Z', id])).at).toBe('9999-12-31T23:59:59.999999Z');
  });

  it.each([
    ['bad base64', '***'],
    ['empty', ''],
    ['not JSON', Buffer.from('not json').toString('base64url')],
    ['an object', crafted({ at: '2026-01-01T00:00:00Z', id })],
    ['numbers', crafted([1, 2])],
    ['three entries', crafted(['2026-01-01T00:00:00Z', id, 'x'])],
    ['year 0000', crafted(['0000-01-01T00:00:00Z', id])],
    ['year -271821', crafted(['-271821-04-20T00:00:00.000Z', id])],
    ['year +275760', crafted(['+275760-09-13T00:00:00.000Z', id])],
    ['30 February', crafted(['2026-02-30T00:00:00Z', id])],
    ['hour 24', crafted(['2026-01-01T24:00:00Z', id])],
    ['an offset', crafted(['2026-01-01T00:00:00+08:00', id])],
    ['seven fraction digits', crafted(['2026-01-01T00:00:00.1234567Z', id])],
    ['a bad uuid', crafted(['2026-01-01T00:00:00Z', 'not-a-uuid'])],
    ['a uuid with SQL', crafted(['2026-01-01T00:00:00Z', `${id}' or 1=1 --`])],
    ['too long', 'A'.repeat(400)],
  ])('refuses %s with invalid_cursor', (_, cursor) => {
    expect(codeOf(cursor)).toBe('invalid_cursor');
  });
});

describe('text search', () => {
  it('folds case only for a text with letters that have case', () => {
    expect(['FA2026', 'fa', 'Ärger', 'ß', 'Σ'].map(foldsCase)).toEqual([true, true, true, true, true]);
    expect(['0000001', '漳州云帆信息', '（有限）-_%', ''].map(foldsCase)).toEqual([false, false, false, false]);
  });
});
