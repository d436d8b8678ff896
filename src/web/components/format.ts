const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-05-01 09:30`, in the browser's time zone, the way Chinese consoles show times. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatDate(iso: string | null | undefined): string {
  return formatDateTime(iso).slice(0, 10);
}

/**
 * The last day in force of a term whose end (`expiresAt`) is exclusive: midnight China time
 * of the anniversary, so a term from 2026-12-01 shows 2027-11-30, as the contract says.
 */
export function formatLastDay(expiresAt: string | null | undefined): string {
  if (!expiresAt) return '—';
  const end = new Date(expiresAt).getTime();
  if (Number.isNaN(end)) return '—';
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(end - 1));
}

/** Numbers, codes and hashes: a monospace face keeps their characters apart and aligned. */
export const monospace = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' };
