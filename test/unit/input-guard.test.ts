import { describe, expect, it } from 'vitest';
import { findBadString } from '../../src/server/http/input-guard.js';

describe('input guard', () => {
  it('does not walk binary bodies', () => {
    const bytes = Buffer.alloc(1024, 0);
    expect(findBadString(bytes, '')).toBeNull();
    expect(findBadString(new Uint8Array(16), '')).toBeNull();
  });

  it('finds a NUL byte or a lone surrogate in nested strings and keys', () => {
    expect(findBadString({ a: [{ b: 'x\u0000' }] }, '')).toBe('a.0.b');
    expect(findBadString({ ok: 'fine', bad: '\ud800' }, '')).toBe('bad');
    expect(findBadString({ 'k\u0000': 1 }, '')).toBe('k\u0000');
    expect(findBadString({ a: '中文 😀' }, '')).toBeNull();
  });

  it('refuses nesting deeper than any schema', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 30; i++) deep = [deep];
    expect(findBadString(deep, '')).not.toBeNull();
  });
});
