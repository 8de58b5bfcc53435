import { EmploymentRuleViolation } from './employment.errors';
import type { EmploymentRule } from './employment.rules';

/**
 * Dates the service records. Nothing before 1950-01-01 (older is a slip), and nothing that has happened
 * after tomorrow: `today` is the UTC date of the command's clock, and the origin country's own date may
 * already be the next day.
 */
export const DATES = { earliest: '1950-01-01' } as const;

export const todayOf = (now: Date): string => now.toISOString().slice(0, 10);

export const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export function notBeforeEarliest(date: string, field: string, what: string): void {
  if (date < DATES.earliest)
    throw new EmploymentRuleViolation(
      'date-before-earliest',
      field,
      `${what} (${date}) is before ${DATES.earliest}, the earliest date the service records`,
    );
}

/** A date of something that has happened: on or after the earliest date, and not after tomorrow. */
export function notInFuture(date: string, today: string, field: string, what: string): void {
  notBeforeEarliest(date, field, what);
  if (date > addDays(today, 1))
    throw new EmploymentRuleViolation('date-in-future', field, `${what} (${date}) cannot be dated in the future`);
}

export function notBefore(rule: EmploymentRule, date: string, floor: string, field: string, what: string, floorWhat: string): void {
  if (date < floor) throw new EmploymentRuleViolation(rule, field, `${what} (${date}) is before ${floorWhat} (${floor})`);
}
