import { ruleCode, type FundRule, type FundRuleCode } from './fund.rules';

/**
 * A command the fund refuses: the rule it breaks (one of `FUND_RULES`, whose code a client reads), the field
 * at fault as a dotted path into the command's data (empty for the command as a whole), and why in words.
 * Rendered as 422 with the code and the field's pointer (409 for the few that conflict with what exists:
 * see http/errors.ts).
 */
export class FundRuleViolation extends Error {
  override readonly name = 'FundRuleViolation';
  readonly code: FundRuleCode;
  constructor(
    readonly rule: FundRule,
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.code = ruleCode(rule);
  }
}

/** What a command names does not exist — or, for a mission, is not its country's (404 either way). */
export class ClaimNotFound extends Error {
  override readonly name = 'ClaimNotFound';
}
export class PolicyNotFound extends Error {
  override readonly name = 'PolicyNotFound';
}

/** A command as `decide` gets it: its own fields, and the clock the handler adds. The domain reads no clock. */
export type Clocked<C> = C & { readonly metadata: { readonly now: Date } };

export const todayOf = (now: Date): string => now.toISOString().slice(0, 10);

/** Days from `from` to `to` (ISO dates), negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The ISO date `months` calendar months after `from`, less one day: the last day a period covers. */
export function lastDayOfPeriod(from: string, months: number): string {
  const d = new Date(`${from}T00:00:00Z`);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const lastOfMonth = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastOfMonth));
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** The earliest date the fund takes: nothing it records happened before. */
export const EARLIEST_DATE = '1990-01-01';

export function checkDate(value: string, field: string, today: string): void {
  if (value < EARLIEST_DATE)
    throw new FundRuleViolation('date-before-earliest', field, `${value} is before ${EARLIEST_DATE}, the earliest date the fund takes`);
  if (value > today) throw new FundRuleViolation('date-in-future', field, `${value} is after today (${today})`);
}
