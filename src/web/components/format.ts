// Contracts are made in China and their PDFs carry China dates: the console shows every date
// and time in Asia/Shanghai, wherever the browser is, so that both agree to the day.

export const chinaTimeZone = 'Asia/Shanghai';
/** China has had no daylight saving time since 1991: the offset is always +8. */
export const chinaZoneLabel = 'UTC+8';

const chinaOffsetMs = 8 * 60 * 60 * 1000;

/**
 * `YYYY-MM-DDTHH:MM` in China time, by the fixed offset: an Intl.DateTimeFormat with a time
 * zone costs ~100 ms of ICU set-up on a phone's first page, before any row can show.
 */
function chinaClock(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const time = new Date(iso).getTime();
  if (Number.isNaN(time)) return null;
  return new Date(time + chinaOffsetMs).toISOString().slice(0, 16);
}

/** `2026-05-01 09:30 UTC+8`: an event's time in China, with its zone. */
export function formatDateTime(iso: string | null | undefined): string {
  const clock = chinaClock(iso);
  return clock ? `${clock.slice(0, 10)} ${clock.slice(11)} ${chinaZoneLabel}` : '—';
}

/** `2026-05-01`: the China calendar day, the one the contract's PDF shows. */
export function formatDate(iso: string | null | undefined): string {
  return chinaClock(iso)?.slice(0, 10) ?? '—';
}

/** The China calendar day as `YYYY-MM-DD`, for comparing with a date range. */
export const chinaDay = formatDate;

/**
 * The last day in force of a term whose end (`expiresAt`) is exclusive: midnight China time
 * of the anniversary, so a term from 2026-12-01 shows 2027-11-30, as the contract says.
 */
export function formatLastDay(expiresAt: string | null | undefined): string {
  if (!expiresAt) return '—';
  const end = new Date(expiresAt).getTime();
  return Number.isNaN(end) ? '—' : formatDate(new Date(end - 1).toISOString());
}

/** Numbers, codes and hashes: a monospace face keeps their characters apart and aligned. */
export const monospace = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' };
