import type { Money } from '../history/registration-fact';

/**
 * ISO 4217 minor units where they are not 2. Amounts are recorded in minor units, so comparing two
 * currencies needs the exponent of each.
 */
const MINOR_UNITS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
}; // prettier-ignore

export const minorUnits = (currency: string): number => MINOR_UNITS[currency] ?? 2;

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
