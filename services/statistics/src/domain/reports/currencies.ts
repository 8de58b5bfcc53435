import { currency } from '@homeward/classifications/currencies';
import type { Money } from '../history/registration-fact';

/**
 * ISO 4217 minor unit of a currency: amounts are recorded in minor units, so comparing two currencies
 * needs the exponent of each. A code that names no currency (recorded before codes were checked) is taken
 * to have two, the most common.
 */
export const minorUnits = (code: string): number => currency(code)?.minorUnits ?? 2;

/** Recruitment cost as a multiple of monthly income: `undefined` when the currencies cannot be compared. */
export function costToIncome(cost: Money, income: Money, rates: Readonly<Record<string, number>> | undefined): number | undefined {
  if (income.amountMinor <= 0 || cost.amountMinor < 0) return undefined;
  if (cost.currency === income.currency) return cost.amountMinor / income.amountMinor;
  const costRate = rates?.[cost.currency];
  const incomeRate = rates?.[income.currency];
  if (!costRate || !incomeRate || costRate <= 0 || incomeRate <= 0) return undefined;
  const costValue = (cost.amountMinor / 10 ** minorUnits(cost.currency)) * costRate;
  const incomeValue = (income.amountMinor / 10 ** minorUnits(income.currency)) * incomeRate;
  return costValue / incomeValue;
}
