/**
 * Calendar arithmetic on ISO dates (YYYY-MM-DD) as day numbers: days since 1970-01-01 in the proleptic
 * Gregorian calendar. Dates in the registry are calendar dates without a time zone, so nothing here
 * depends on the machine's zone or clock.
 */

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of an ISO date; undefined when the text is not a valid calendar date. */
export function dayOf(isoDate: string): number | undefined {
  const match = ISO_DATE.exec(isoDate);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  // Date.UTC rolls 2025-02-30 over into March; a real date survives the round trip.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return undefined;
  return ms / DAY_MS;
}

/** Day number of an ISO date that must be valid; throws with `what` otherwise. */
export function requireDay(isoDate: string, what: string): number {
  const day = dayOf(isoDate);
  if (day === undefined) throw new RangeError(`${what} is not a calendar date (YYYY-MM-DD): ${JSON.stringify(isoDate)}`);
  return day;
}

export function isoOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export interface YearMonthDay {
  readonly year: number;
  /** 1-12 */
  readonly month: number;
  readonly day: number;
}

export function partsOf(day: number): YearMonthDay {
  const date = new Date(day * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

export function dayFromParts(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/** The last day of the month that `month` (1-12, may overflow) falls in. */
export function lastDayOfMonth(year: number, month: number): number {
  return Date.UTC(year, month, 0) / DAY_MS;
}

/**
 * Whole calendar months from `from` to `to` (a person who left on 15 March and came back on 14 September
 * was away 5 whole months; back on 15 September, 6). Negative when `to` is before `from`.
 */
export function completeMonths(from: number, to: number): number {
  if (to < from) return -completeMonths(to, from);
  const a = partsOf(from);
  const b = partsOf(to);
  let months = (b.year - a.year) * 12 + (b.month - a.month);
  if (b.day < a.day) {
    // Departing on the 31st and returning on the last day of a shorter month still completes that month.
    const endOfMonth = lastDayOfMonth(b.year, b.month);
    if (to !== endOfMonth) months -= 1;
  }
  return months;
}
