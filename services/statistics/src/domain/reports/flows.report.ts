import { RETURN_REASON, RETURN_TYPE, SEX, countryCode, returnReasonCode, returnTypeCode, sexCode } from './codelists';
import { coreTabulation } from './tabulation';
import { MovementsOnce, coreCodes, countObservations, inPeriod, sliceCode, type ReportContext } from './report-context';
import type { ReportTable } from './report-table';

/**
 * Departures for work abroad in the reference period (for-work international migrants, a flow): every
 * recorded departure dated in the period and on or before the reference date, by sex × country of
 * destination × month, quarter or year. A person who leaves twice in the period counts twice, as in the
 * administrative series (deployments, labour permits) this replaces.
 */
export function departuresTable(context: ReportContext): ReportTable {
  const cube = coreTabulation([SEX, context.countries, context.flowTime]);
  const once = new MovementsOnce(context);
  context.history.forEachCycle((c) => {
    if (!inPeriod(context, c.departedOn)) return;
    const country = countryCode(c.country);
    if (!once.first(c.person, c.departedOn, country)) return;
    cube.add([sexCode(c.sex), country, ...coreCodes(c), sliceCode(context, c.departedOn)]);
  });
  return {
    id: 'departures',
    title: 'Departures for work abroad',
    definition:
      'Recorded departures of nationals leaving to take up work abroad, dated in the reference period and on or before the reference date (for-work international migrants, ILO 20th ICLS 2018), by sex, country of destination and time period, and by level of education (ISCED 2011) and recruitment channel crossed with sex and country. Each departure counts once; a person who left twice counts twice.',
    flow: { id: 'DF_MIGW_OUTFLOW', version: '1.0' },
    unit: 'NUM',
    unitName: 'Departures',
    decimals: 0,
    dimensions: cube.dimensions,
    observations: countObservations(cube, context.request.suppressBelow),
  };
}

/**
 * Returns in the reference period: every recorded return dated in the period and on or before the
 * reference date — undocumented returnees (no recorded departure) included —, by sex × country of
 * previous residence × assisted or unassisted × reason × month, quarter or year.
 */
export function returnsTable(context: ReportContext): ReportTable {
  const cube = coreTabulation([SEX, context.countries, RETURN_TYPE, RETURN_REASON, context.flowTime]);
  const once = new MovementsOnce(context);
  context.history.forEachCycle((c) => {
    if (!inPeriod(context, c.returnedOn)) return;
    const country = countryCode(c.returnedFrom ?? c.country);
    if (!once.first(c.person, c.returnedOn, country)) return;
    cube.add([
      sexCode(c.sex),
      country,
      returnTypeCode(c.assistance),
      returnReasonCode(c.reason),
      ...coreCodes(c),
      sliceCode(context, c.returnedOn),
    ]);
  });
  return {
    id: 'returns',
    title: 'Returns of migrant workers',
    definition:
      'Recorded returns of nationals from work abroad, dated in the reference period and on or before the reference date, including returnees with no recorded departure (undocumented), by sex, country of previous residence, return type (assisted or unassisted), reason and time period, and by level of education (ISCED 2011) and recruitment channel of the cycle crossed with sex and country. Each return counts once.',
    flow: { id: 'DF_MIGW_RETURN', version: '1.0' },
    unit: 'NUM',
    unitName: 'Returns',
    decimals: 0,
    dimensions: cube.dimensions,
    observations: countObservations(cube, context.request.suppressBelow),
  };
}
