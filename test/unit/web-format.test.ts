import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime } from '../../src/web/components/format.js';

// The console's dates are China dates wherever the browser runs; the e2e suite checks the same
// in Chromium set to Los Angeles. Here the process's own zone must not matter either.

describe('console date formatting', () => {
  it('shows the China day of an instant that is still the previous day in UTC and in Los Angeles', () => {
    // 2026-12-01 00:30 in Shanghai is 2026-11-30 16:30 UTC and 08:30 in Los Angeles.
    expect(formatDate('2026-11-30T16:30:00.000Z')).toBe('2026-12-01');
    expect(formatDateTime('2026-11-30T16:30:00.000Z')).toBe('2026-12-01 00:30 UTC+8');
  });

  it('shows midnight as 00, not 24, and a dash for missing or broken values', () => {
    expect(formatDateTime('2026-05-01T16:00:00Z')).toBe('2026-05-02 00:00 UTC+8');
    expect(formatDate(null)).toBe('—');
    expect(formatDateTime('not a date')).toBe('—');
  });
});
