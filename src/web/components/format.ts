// Contracts are made in China and their PDFs carry China dates: the console shows every date
// and time in Asia/Shanghai, wherever the browser is, so that both agree to the day.

export const chinaTimeZone = 'Asia/Shanghai';
/** China has had no daylight saving time since 1991: the offset is always +8. */
export const chinaZoneLabel = 'UTC+8';

const parts = new Intl.DateTimeFormat('en-CA', {
  timeZone: chinaTimeZone,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function chinaParts(iso: string | null | undefined): Record<string, string> | null {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  return Object.fromEntries(parts.formatToParts(d).map((p) => [p.type, p.value]));
}

/** `2026-05-01 09:30 UTC+8`: an event's time in China, with its zone. */
export function formatDateTime(iso: string | null | undefined): string {
  const p = chinaParts(iso);
  return p ? `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${chinaZoneLabel}` : '—';
}

/** `2026-05-01`: the China calendar day, the one the contract's PDF shows. */
export function formatDate(iso: string | null | undefined): string {
  const p = chinaParts(iso);
  return p ? `${p.year}-${p.month}-${p.day}` : '—';
}

/** The China calendar day as `YYYY-MM-DD`, for comparing with a date range. */
export const chinaDay = formatDate;

/** Numbers, codes and hashes: a monospace face keeps their characters apart and aligned. */
export const monospace = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' };
