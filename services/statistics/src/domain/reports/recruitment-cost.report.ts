import { SEX, countryCode, sexCode } from './codelists';
import { coreTabulation } from './tabulation';
import { costToIncome } from './currencies';
import { MovementsOnce, coreCodes, inPeriod, type ReportContext } from './report-context';
import type { Observation, ReportTable } from './report-table';

/** Ratios are summed as whole millionths, so that the mean does not depend on the order of the sum. */
const SCALE = 1_000_000;

/**
 * Recruitment cost indicator, in the shape of SDG indicator 10.7.1: the recruitment cost a worker paid as
 * a multiple of their monthly income in the country of destination (1.5 = one and a half months of
 * income), averaged over the departures in the reference period for which both were recorded, by sex ×
 * country of destination. Amounts in different currencies are compared through the exchange rates given
 * with the request; without a rate for both, the departure is left out and counted as excluded.
 */
export function recruitmentCostTable(context: ReportContext): ReportTable {
  const own = [SEX, context.countries, context.periodTime];
  const sum = coreTabulation(own);
  const count = coreTabulation(own);
  const excluded = coreTabulation(own);
  const once = new MovementsOnce(context);
  const period = context.request.period.code;
  context.history.forEachCycle((c) => {
    if (!inPeriod(context, c.departedOn) || !c.recruitmentCost || !c.monthlyIncome) return;
    const country = countryCode(c.country);
    if (!once.first(c.person, c.departedOn, country)) return;
    const key = [sexCode(c.sex), country, ...coreCodes(c), period];
    const ratio = costToIncome(c.recruitmentCost, c.monthlyIncome, context.request.exchangeRates);
    if (ratio === undefined) {
      excluded.add(key);
      return;
    }
    sum.add(key, Math.round(ratio * SCALE));
    count.add(key);
  });
  sum.withTotals();
  count.withTotals();
  excluded.withTotals();
  const threshold = context.request.suppressBelow;
  const observations: Observation[] = [];
  for (const { codes, cell } of count.cells()) {
    const n = count.valueAt(cell);
    const suppressed = threshold !== undefined && n > 0 && n < threshold;
    const mean = n === 0 || suppressed ? undefined : Math.round((sum.valueAt(cell) / n / SCALE) * 10_000) / 10_000;
    const left = excluded.valueAt(cell);
    const small = (k: number) => threshold !== undefined && k > 0 && k < threshold;
    observations.push({
      key: codes,
      value: mean,
      status: n === 0 ? 'M' : 'A',
      confidentiality: suppressed ? 'C' : 'F',
      // Small counts would tell what the suppression hides.
      ...(suppressed ? {} : { count: n }),
      ...(small(left) ? {} : { excluded: left }),
    });
  }
  return {
    id: 'recruitment-cost',
    title: 'Recruitment cost as a share of monthly income (SDG 10.7.1)',
    definition:
      'Mean, over departures in the reference period with both recorded, of the recruitment cost paid by the worker divided by the monthly income agreed in the country of destination (SDG indicator 10.7.1 shape: 1.5 means one and a half months of income), by sex and country of destination, and by level of education (ISCED 2011) and recruitment channel crossed with sex and country. OBS_COUNT is the number of departures the mean is over; OBS_EXCLUDED those left out because their currencies could not be compared.',
    flow: { id: 'DF_SDG_10_7_1', version: '1.0' },
    unit: 'RATIO',
    unitName: 'Months of income',
    decimals: 4,
    dimensions: count.dimensions,
    observations,
  };
}
