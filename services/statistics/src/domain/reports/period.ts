import { assertNever } from '@homeward/assert-never';
import { dayFromParts, dayOf, isoOf, lastDayOfMonth, partsOf } from '../history/calendar';

/** How finely flows are broken down in time. */
export type Frequency = 'month' | 'quarter' | 'year';
export const FREQUENCIES: readonly Frequency[] = ['month', 'quarter', 'year'];

/** The reference period of a report: whole days, both ends included. */
export interface ReferencePeriod {
  readonly kind: 'year' | 'quarter' | 'month' | 'range';
  /** First day (day number). */
  readonly from: number;
  /** Last day (day number), included. */
  readonly to: number;
  /** The SDMX TIME_PERIOD code: 2025, 2025-Q1, 2025-01, or a time range 2025-01-01/P181D. */
  readonly code: string;
  readonly name: string;
}

/** A time code of a table: the whole period, or one of its months, quarters or years (clipped to the period). */
export interface TimeSlice {
  readonly code: string;
  readonly name: string;
  readonly from: number;
  readonly to: number;
}

/**
 * The most time periods (months, quarters or years) a flow table may break its reference period into.
 * Every table is dense (every combination of codes, zeros included) and its size grows with the periods:
 * a 101-year range by month ran for 24 s and then failed for want of memory. Five years by month, fifteen
 * by quarter, sixty by year.
 */
export const MAX_TIME_SLICES = 60;

/** How many periods of `frequency` the reference period spans (clipped ones included). */
export function sliceCount(period: ReferencePeriod, frequency: Frequency): number {
  let count = 0;
  for (let day = period.from; day <= period.to; count++) day = sliceOf(day, frequency).to + 1;
  return count;
}

export class PeriodError extends RangeError {
  override readonly name = 'PeriodError';
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const pad2 = (n: number) => String(n).padStart(2, '0');

function yearPeriod(year: number): ReferencePeriod {
  return { kind: 'year', from: dayFromParts(year, 1, 1), to: dayFromParts(year, 12, 31), code: String(year), name: String(year) };
}
function quarterPeriod(year: number, quarter: number): ReferencePeriod {
  const firstMonth = (quarter - 1) * 3 + 1;
  return {
    kind: 'quarter',
    from: dayFromParts(year, firstMonth, 1),
    to: lastDayOfMonth(year, firstMonth + 2),
    code: `${year}-Q${quarter}`,
    name: `Q${quarter} ${year}`,
  };
}
function monthPeriod(year: number, month: number): ReferencePeriod {
  return {
    kind: 'month',
    from: dayFromParts(year, month, 1),
    to: lastDayOfMonth(year, month),
    code: `${year}-${pad2(month)}`,
    name: `${MONTHS[month - 1]} ${year}`,
  };
}

/**
 * Reads a reference period: `2025` (a year), `2025-Q3` (a quarter), `2025-07` (a month) or
 * `2025-01-15..2025-06-30` (any range of whole days, both ends included).
 */
export function parsePeriod(text: string): ReferencePeriod {
  const value = text.trim();
  let m = /^(\d{4})$/.exec(value);
  if (m) return yearPeriod(Number(m[1]));
  m = /^(\d{4})-Q([1-4])$/i.exec(value);
  if (m) return quarterPeriod(Number(m[1]), Number(m[2]));
  m = /^(\d{4})-(\d{2})$/.exec(value);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) return monthPeriod(Number(m[1]), Number(m[2]));
  m = /^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|\/)\s*(\d{4}-\d{2}-\d{2})$/.exec(value);
  if (m) {
    const from = dayOf(m[1]!);
    const to = dayOf(m[2]!);
    if (from === undefined || to === undefined) throw new PeriodError(`${value}: both ends must be calendar dates`);
    if (to < from) throw new PeriodError(`${value}: the period ends before it starts`);
    return { kind: 'range', from, to, code: `${isoOf(from)}/P${to - from + 1}D`, name: `${isoOf(from)} to ${isoOf(to)}` };
  }
  throw new PeriodError(`${value}: expected a year (2025), a quarter (2025-Q3), a month (2025-07) or a range (2025-01-01..2025-06-30)`);
}

function sliceOf(day: number, frequency: Frequency): ReferencePeriod {
  const { year, month } = partsOf(day);
  switch (frequency) {
    case 'year':
      return yearPeriod(year);
    case 'quarter':
      return quarterPeriod(year, Math.floor((month - 1) / 3) + 1);
    case 'month':
      return monthPeriod(year, month);
    default:
      assertNever(frequency, 'frequency');
  }
}

/**
 * The time codes of a flow table: the whole period first (it is the total over time), then its months,
 * quarters or years. When the frequency is not finer than the period, the period alone.
 */
export function timeSlices(period: ReferencePeriod, frequency: Frequency): readonly TimeSlice[] {
  const whole: TimeSlice = { code: period.code, name: period.name, from: period.from, to: period.to };
  const slices: TimeSlice[] = [];
  for (let day = period.from; day <= period.to;) {
    const slice = sliceOf(day, frequency);
    slices.push({ code: slice.code, name: slice.name, from: Math.max(slice.from, period.from), to: Math.min(slice.to, period.to) });
    day = slice.to + 1;
  }
  return slices.length <= 1 ? [whole] : [whole, ...slices];
}
