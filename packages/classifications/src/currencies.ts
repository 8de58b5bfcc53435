import { data } from 'currency-codes';

/** A currency that wages and recruitment costs can be paid in (ISO 4217, list one: the active codes). */
export interface Currency {
  /** Three capital letters, e.g. PHP */
  readonly code: string;
  readonly name: string;
  /** ISO 4217 minor unit: amounts are recorded as integers in units of 10^-minorUnits. */
  readonly minorUnits: number;
}

/**
 * Codes of list one that are not money anyone is paid in: precious metals, bond-market units of account,
 * the SDR and other units of account, the testing code and "no currency" (ISO 4217 gives them no minor
 * unit). A wage or a recruitment fee in any of them is a slip.
 */
const NOT_MONEY = new Set(['XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XPD', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX']);

const BY_CODE = new Map<string, Currency>(
  data.filter((c) => !NOT_MONEY.has(c.code)).map((c) => [c.code, { code: c.code, name: c.currency, minorUnits: c.digits }]),
);

/** The active ISO 4217 currency with this code, if it is one. */
export function currency(code: string): Currency | undefined {
  return BY_CODE.get(code);
}

/** Every active currency, in code order. */
export function currencies(): readonly Currency[] {
  return [...BY_CODE.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
}
