import type { CycleRecord } from '../history/migration-history';
import { DURATION_ABROAD, SEX, TIME_SINCE_RETURN, countryCode, durationAbroadCode, sexCode, timeSinceReturnCode } from './codelists';
import { coreTabulation } from './tabulation';
import { coreCodes, countObservations, inPeriod, type ReportContext } from './report-context';
import type { ReportTable } from './report-table';

/**
 * Return migrant workers on the reference date (ILO 20th ICLS): persons whose latest return is dated in
 * the reference period, on or before the reference date, and who have not left again by then. One
 * cycle per person: the one they came back from.
 */
function returnMigrantWorkers(context: ReportContext): CycleRecord[] {
  const latest = new Map<number, CycleRecord>();
  context.history.forEachCycle((c) => {
    if (!inPeriod(context, c.returnedOn)) return;
    const other = latest.get(c.person);
    if (!other || other.returnedOn! < c.returnedOn || (other.returnedOn === c.returnedOn && other.record > c.record))
      latest.set(c.person, c);
  });
  // Left again by the reference date (another cycle departing on or after that return, or returning after
  // it even undocumented): their latest return is not the one in the period.
  context.history.forEachCycle((c) => {
    const returned = latest.get(c.person);
    if (!returned || (c.record === returned.record && c.number === returned.number)) return;
    const leftAgain = c.departedOn !== undefined && c.departedOn <= context.asOf && c.departedOn >= returned.returnedOn!;
    const cameBackLater = c.returnedOn !== undefined && c.returnedOn <= context.asOf && c.returnedOn > returned.returnedOn!;
    if (leftAgain || cameBackLater) latest.delete(c.person);
  });
  return [...latest.values()];
}

/** Time abroad and time since return of return migrant workers: two distributions, each by sex × country. */
export function durationTables(context: ReportContext): ReportTable[] {
  const abroad = coreTabulation([SEX, context.countries, DURATION_ABROAD, context.periodTime]);
  const since = coreTabulation([SEX, context.countries, TIME_SINCE_RETURN, context.periodTime]);
  const period = context.request.period.code;
  for (const c of returnMigrantWorkers(context)) {
    const sex = sexCode(c.sex);
    const country = countryCode(c.returnedFrom ?? c.country);
    const core = coreCodes(c);
    abroad.add([sex, country, durationAbroadCode(c.departedOn, c.returnedOn!), ...core, period]);
    since.add([sex, country, timeSinceReturnCode(c.returnedOn!, context.asOf), ...core, period]);
  }
  const common =
    'Return migrant workers: persons whose latest return from work abroad is dated in the reference period and who had not left again by the reference date (ILO 20th ICLS 2018), by sex and country of previous residence (and by level of education and recruitment channel of the cycle, crossed with sex and country)';
  return [
    {
      id: 'time-abroad',
      title: 'Return migrant workers by time abroad',
      definition: `${common}, and whole months from their departure to their return (unknown when no departure was recorded).`,
      flow: { id: 'DF_MIGW_RET_DURATION', version: '1.0' },
      unit: 'PS',
      unitName: 'Persons',
      decimals: 0,
      dimensions: abroad.dimensions,
      observations: countObservations(abroad, context.request.suppressBelow),
    },
    {
      id: 'time-since-return',
      title: 'Return migrant workers by time since return',
      definition: `${common}, and whole months from their return to the reference date.`,
      flow: { id: 'DF_MIGW_RET_SINCE', version: '1.0' },
      unit: 'PS',
      unitName: 'Persons',
      decimals: 0,
      dimensions: since.dimensions,
      observations: countObservations(since, context.request.suppressBelow),
    },
  ];
}
