// Contracts are dated in China Standard Time whatever the server's zone.
const beijing = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

export function beijingDate(d: Date): { year: number; month: number; day: number } {
  const [year, month, day] = beijing.format(d).split('-').map(Number) as [number, number, number];
  return { year, month, day };
}

/**
 * The exclusive end of a term of `years` from `start`: midnight, China time, of the
 * anniversary, so that the last day in force is the day before it — a one-year agreement
 * effective on 1 Dec 2026 runs to 30 Nov 2027 inclusive and `expiresAt` is
 * 2027-11-30T16:00:00Z. A start on 29 February ends on 1 March's eve of the later year.
 */
export function addYears(start: Date, years: number): Date {
  const { year, month, day } = beijingDate(start);
  // Date.UTC rolls 29 Feb of a common year over to 1 Mar; China time is UTC+8 all year.
  return new Date(Date.UTC(year + years, month - 1, day) - 8 * 3600_000);
}

export function frameworkNumber(year: number, seq: number): string {
  return `FA${year}${String(seq).padStart(6, '0')}`;
}

/** Two digits up to A99 as the SPEC prints them; the 100th attachment is A100, not a refusal. */
export function attachmentNumber(frameworkNo: string, seq: number): string {
  return `${frameworkNo}-A${String(seq).padStart(2, '0')}`;
}
