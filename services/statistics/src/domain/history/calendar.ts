/**
 * Calendar arithmetic on ISO dates (YYYY-MM-DD) as day numbers: days since 1970-01-01 in the proleptic
 * Gregorian calendar. Dates in the registry are calendar dates without a time zone, so nothing here
 * depends on the machine's zone or clock.
 */

const DAY_MS = 86_400_000;

/** The number written by the ASCII digits text[from, to), or -1 if one of them is not a digit. */
function digits(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Day number of an ISO date; undefined when the text is not a valid calendar date (years from 0100: no
 * registry date is older). Arithmetic on the characters rather than a regular expression and a Date: a
 * replay calls this for every dated event.
 */
export function dayOf(isoDate: string): number | undefined {
  if (isoDate.length !== 10 || isoDate.charCodeAt(4) !== 45 || isoDate.charCodeAt(7) !== 45) return undefined;
  const year = digits(isoDate, 0, 4);
  const month = digits(isoDate, 5, 7);
  const day = digits(isoDate, 8, 10);
  if (year < 100 || month < 1 || month > 12 || day < 1) return undefined;
  if (day > (month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!)) return undefined;
  // Days from 1970-01-01 in the proleptic Gregorian calendar, counting years from March (after H. Hinnant).
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/**
 * The registry records no date before 1900-01-01 (the registration service refuses one as implausible for
 * a working life). An older date in the history was stored before dates were checked: a replay cannot
 * place it, and says so rather than counting someone abroad since the year 1.
 */
export const EARLIEST_RECORDED_DAY = dayOf('1900-01-01')!;

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
