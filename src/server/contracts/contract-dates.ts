// Contracts are dated in China Standard Time whatever the server's zone.
const beijing = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

export function beijingDate(d: Date): { year: number; month: number; day: number } {
  const [year, month, day] = beijing.format(d).split('-').map(Number) as [number, number, number];
  return { year, month, day };
}

/**
 * The end of a term of `years` from `start`: the same instant that many years later, so that
 * a one-year agreement confirmed on 26 Nov 2026 runs until 26 Nov 2027.
 */
export function addYears(start: Date, years: number): Date {
  const end = new Date(start);
  end.setUTCFullYear(end.getUTCFullYear() + years);
  return end;
}

export function frameworkNumber(year: number, seq: number): string {
  return `FA${year}${String(seq).padStart(6, '0')}`;
}

/** Two digits up to A99 as the SPEC prints them; the 100th attachment is A100, not a refusal. */
export function attachmentNumber(frameworkNo: string, seq: number): string {
  return `${frameworkNo}-A${String(seq).padStart(2, '0')}`;
}
