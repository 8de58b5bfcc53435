import type { ClaimRecord } from '../history/migration-history';
import {
  BENEFIT_TYPE,
  DAYS_TO_PAYMENT,
  FUND_STEP,
  SEX,
  benefitTypeCode,
  countryCode,
  currencyDimension,
  daysToPaymentCode,
  rejectionReasonDimension,
  sexCode,
  type Dimension,
} from './codelists';
import { minorUnits } from './currencies';
import { coreCodes, countObservations, inPeriod, sliceCode, type ReportContext } from './report-context';
import type { Observation, ReportTable } from './report-table';
import { coreTabulation, type Tabulation } from './tabulation';

/*
 * The emergency fund (issue 13), from the fund topic: claims, decisions and payments, by benefit type, sex
 * and the country where the incident happened, with the ILO core disaggregations (education, recruitment
 * channel) every table of persons carries — as of any date. A claim's person is who they were on the day
 * of the incident (their last cycle by then gives the recruitment channel).
 */

const personCodes = (claim: ClaimRecord): [string, string, string] => [
  sexCode(claim.sex),
  countryCode(claim.country),
  benefitTypeCode(claim.benefitType),
];

/** The first payment of a claim dated in the period and by the reference date: the payment that days-to-payment measure. */
function firstPaymentIn(context: ReportContext, claim: ClaimRecord): number | undefined {
  let first: number | undefined;
  for (const d of claim.disbursements) if (d.on <= context.asOf && (first === undefined || d.on < first)) first = d.on;
  return inPeriod(context, first) ? first : undefined;
}

/** Days from the incident to the claim's first payment; undefined when the incident is not dated or is after the payment. */
function daysToPayment(claim: ClaimRecord, paidOn: number): number | undefined {
  return claim.incidentOn === undefined || claim.incidentOn > paidOn ? undefined : paidOn - claim.incidentOn;
}

/**
 * Claims filed, approved, rejected and disbursements made in the period, each dated by when it happened
 * (filing, decision, payment), by sex × country of the incident × benefit type × time period.
 */
export function fundClaimsTable(context: ReportContext): ReportTable {
  const cube = coreTabulation([SEX, context.countries, BENEFIT_TYPE, FUND_STEP, context.flowTime]);
  context.history.forEachClaim((claim) => {
    const [sex, country, benefit] = personCodes(claim);
    const add = (step: string, day: number | undefined) => {
      if (inPeriod(context, day)) cube.add([sex, country, benefit, step, ...coreCodes(claim), sliceCode(context, day)]);
    };
    add('CLAIMS', claim.filedOn);
    for (const a of claim.approvals) add('APPROVALS', a.on);
    for (const r of claim.rejections) add('REJECTIONS', r.on);
    for (const d of claim.disbursements) add('DISBURSEMENTS', d.on);
  });
  return {
    id: 'fund-claims',
    title: 'Emergency fund: claims filed, approved, rejected and paid',
    definition:
      "Claims on the emergency fund filed, approved (the last approval a claim needed: a second officer above the policy threshold), rejected and disbursements made, each dated in the reference period and on or before the reference date by the day it happened, by sex, country where the incident happened (the claim's destination country; the country of the last migration cycle by the incident when the claim does not say), benefit type, level of education (ISCED 2011), recruitment channel of the last cycle by the incident, and time period. Each event counts once: a claim rejected and approved on appeal counts in both; a claim paid in two disbursements counts twice among disbursements.",
    flow: { id: 'DF_FUND_CLAIMS', version: '1.0' },
    unit: 'NUM',
    unitName: 'Claims',
    decimals: 0,
    dimensions: cube.dimensions,
    observations: countObservations(cube, context.request.suppressBelow),
  };
}

/** Rejections in the period by each of their reason codes. */
export function fundRejectionsTable(context: ReportContext): ReportTable {
  const reasons = new Set<string>();
  context.history.forEachClaim((claim) => {
    for (const r of claim.rejections) if (r.on <= context.asOf) for (const reason of r.reasons) reasons.add(reason);
  });
  const cube = coreTabulation([SEX, BENEFIT_TYPE, rejectionReasonDimension(reasons), context.flowTime]);
  context.history.forEachClaim((claim) => {
    const [sex, , benefit] = personCodes(claim);
    for (const r of claim.rejections) {
      if (!inPeriod(context, r.on)) continue;
      const codes = r.reasons.filter((reason) => reason !== '');
      for (const reason of codes.length === 0 ? ['_U'] : new Set(codes))
        cube.add([sex, benefit, reason, ...coreCodes(claim), sliceCode(context, r.on)]);
    }
  });
  return {
    id: 'fund-rejections',
    title: 'Emergency fund: rejections by reason',
    definition:
      "Rejections of claims dated in the reference period and on or before the reference date, by each reason code the decision gave (the policy's codes), by sex, benefit type, level of education, recruitment channel and time period. A rejection with two reasons counts under each: there is no total over reasons (the number of rejections is in fund-claims).",
    flow: { id: 'DF_FUND_REJECTIONS', version: '1.0' },
    unit: 'NUM',
    unitName: 'Rejections',
    decimals: 0,
    dimensions: cube.dimensions,
    observations: countObservations(cube, context.request.suppressBelow),
  };
}

/** Amounts paid in the period, per currency, in the currency's major unit. */
export function fundAmountsPaidTable(context: ReportContext): ReportTable {
  const currencies = new Set<string>();
  context.history.forEachClaim((claim) => {
    for (const d of claim.disbursements) if (d.on <= context.asOf) currencies.add(d.amount.currency);
  });
  const currency = currencyDimension(currencies);
  const own = [SEX, context.countries, BENEFIT_TYPE, currency, context.flowTime];
  const sum = coreTabulation(own);
  const count = coreTabulation(own);
  context.history.forEachClaim((claim) => {
    const [sex, country, benefit] = personCodes(claim);
    for (const d of claim.disbursements) {
      if (!inPeriod(context, d.on)) continue;
      const key = [sex, country, benefit, d.amount.currency, ...coreCodes(claim), sliceCode(context, d.on)];
      // Minor units are integers: the sum is exact whatever the order (up to 2^53 minor units).
      sum.add(key, d.amount.amountMinor);
      count.add(key);
    }
  });
  sum.withTotals();
  count.withTotals();
  const at = sum.dimensions.findIndex((d) => d.id === 'CURRENCY');
  const threshold = context.request.suppressBelow;
  const observations: Observation[] = [];
  for (const { codes, cell, value } of sum.cells()) {
    const payments = count.valueAt(cell);
    const suppressed = threshold !== undefined && payments > 0 && payments < threshold;
    const exponent = minorUnits(codes[at]!);
    observations.push({
      key: codes,
      value: suppressed ? undefined : Number((value / 10 ** exponent).toFixed(exponent)),
      status: 'A',
      confidentiality: suppressed ? 'C' : 'F',
    });
  }
  return {
    id: 'fund-amounts-paid',
    title: 'Emergency fund: amounts paid',
    definition:
      "The sum of disbursements made in the reference period and on or before the reference date, in each currency (ISO 4217; amounts in different currencies are never added), in the currency's major unit (the minor units recorded divided by 10 to the power of the currency's ISO 4217 exponent), by sex, country where the incident happened, benefit type, level of education, recruitment channel and time period. Suppression, when asked for, goes by the number of payments behind a cell.",
    flow: { id: 'DF_FUND_PAID', version: '1.0' },
    unit: 'NUM',
    unitName: 'Amount paid (major units of the currency)',
    decimals: Math.max(0, ...currency.codes.map((c) => minorUnits(c.id))),
    dimensions: sum.dimensions,
    observations,
  };
}

/** Claims first paid in the period, by days from the incident to that payment (a distribution). */
export function fundDaysToPaymentTable(context: ReportContext): ReportTable {
  const cube = coreTabulation([SEX, context.countries, BENEFIT_TYPE, DAYS_TO_PAYMENT, context.periodTime]);
  const period = context.request.period.code;
  context.history.forEachClaim((claim) => {
    const paidOn = firstPaymentIn(context, claim);
    if (paidOn === undefined) return;
    cube.add([...personCodes(claim), daysToPaymentCode(daysToPayment(claim, paidOn)), ...coreCodes(claim), period]);
  });
  return {
    id: 'fund-days-to-payment',
    title: 'Emergency fund: days from the incident to the payment',
    definition:
      'Claims whose first payment was made in the reference period and on or before the reference date, by the days from the incident to that first payment (in bands), sex, country where the incident happened, benefit type, level of education and recruitment channel. A claim counts once, at its first payment. Unknown: the incident was not dated, or dated after the payment.',
    flow: { id: 'DF_FUND_DAYS_TO_PAYMENT', version: '1.0' },
    unit: 'NUM',
    unitName: 'Claims',
    decimals: 0,
    dimensions: cube.dimensions,
    observations: countObservations(cube, context.request.suppressBelow),
  };
}

/** The median of sorted values: the middle one, or the mean of the two middle ones. */
export function median(sorted: readonly number[]): number | undefined {
  if (sorted.length === 0) return undefined;
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The median days from the incident to the first payment, over the same claims as the distribution. */
export function fundMedianDaysTable(context: ReportContext): ReportTable {
  const own: Dimension[] = [SEX, context.countries, BENEFIT_TYPE, context.periodTime];
  const count: Tabulation = coreTabulation(own);
  const period = context.request.period.code;
  const paid: { codes: string[]; days: number }[] = [];
  const unknown = coreTabulation(own);
  context.history.forEachClaim((claim) => {
    const paidOn = firstPaymentIn(context, claim);
    if (paidOn === undefined) return;
    const codes = [...personCodes(claim), ...coreCodes(claim), period];
    const days = daysToPayment(claim, paidOn);
    if (days === undefined) {
      unknown.add(codes);
      return;
    }
    count.add(codes);
    paid.push({ codes, days });
  });
  count.withTotals();
  unknown.withTotals();
  paid.sort((a, b) => a.days - b.days);
  const dimensions = count.dimensions;
  const totals = dimensions.map((d) => (d.hasTotal ? d.codes[0]!.id : undefined));
  const threshold = context.request.suppressBelow;
  const observations: Observation[] = [];
  for (const { codes, cell } of count.cells()) {
    const n = count.valueAt(cell);
    const suppressed = threshold !== undefined && n > 0 && n < threshold;
    // The claims behind a cell: those whose code is the cell's at every dimension the cell does not total.
    const days =
      n === 0 || suppressed
        ? []
        : paid.filter((p) => codes.every((code, i) => code === totals[i] || code === p.codes[i])).map((p) => p.days);
    const left = unknown.valueAt(cell);
    const small = (k: number) => threshold !== undefined && k > 0 && k < threshold;
    observations.push({
      key: codes,
      value: median(days),
      status: n === 0 ? 'M' : 'A',
      confidentiality: suppressed ? 'C' : 'F',
      ...(suppressed ? {} : { count: n }),
      ...(small(left) ? {} : { excluded: left }),
    });
  }
  return {
    id: 'fund-median-days-to-payment',
    title: 'Emergency fund: median days from the incident to the payment',
    definition:
      'The median number of days from the incident to the first payment, over the claims first paid in the reference period and on or before the reference date (the middle value; the mean of the two middle values for an even number), by sex, country where the incident happened, benefit type, level of education and recruitment channel. OBS_COUNT: the claims the median is over; OBS_EXCLUDED: claims paid whose incident was not dated (or dated after the payment).',
    flow: { id: 'DF_FUND_MEDIAN_DAYS', version: '1.0' },
    unit: 'RATIO',
    unitName: 'Days (median)',
    decimals: 1,
    dimensions,
    observations,
  };
}

export const fundTables = (context: ReportContext): ReportTable[] => [
  fundClaimsTable(context),
  fundRejectionsTable(context),
  fundAmountsPaidTable(context),
  fundDaysToPaymentTable(context),
  fundMedianDaysTable(context),
];
