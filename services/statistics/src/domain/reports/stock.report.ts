import type { CycleRecord } from '../history/migration-history';
import { AGE, OCCUPATION, SEX, ageCode, countryCode, occupationCode, sexCode } from './codelists';
import { coreCodes, countObservations, type ReportContext } from './report-context';
import { coreTabulation } from './tabulation';
import type { ReportTable } from './report-table';

/** The ISCO-08 unit group held on `day`: the last one taken up on or before it. */
export function occupationOn(cycle: CycleRecord, day: number): string | undefined {
  let held: string | undefined;
  for (const { from, occupation } of cycle.occupations) if (from <= day) held = occupation;
  return held;
}

/**
 * Stock of nationals working abroad on the reference date ("residents working abroad", ILO 20th ICLS):
 * persons with a recorded departure on or before that date and no return on or before it. Counted once
 * per person, by sex × country of destination × ISCO-08 major group held on that date × age group.
 */
export function stockTable(context: ReportContext): ReportTable {
  const { asOf } = context;
  const cube = coreTabulation([SEX, context.countries, OCCUPATION, AGE, context.asOfTime]);
  const key = (c: CycleRecord) => [
    sexCode(c.sex),
    countryCode(c.country),
    occupationCode(occupationOn(c, asOf)),
    ageCode(c.birthYear, context.asOfYear),
    ...coreCodes(c),
    context.request.asOf,
  ];
  // A person whose duplicate records both show them abroad is counted once, on the latest departure.
  const merged = new Map<number, CycleRecord>();
  context.history.forEachCycle((c) => {
    if (c.departedOn === undefined || c.departedOn > asOf) return;
    if (c.returnedOn !== undefined && c.returnedOn <= asOf) return;
    if (!context.mergedPersons.has(c.person)) {
      cube.add(key(c));
      return;
    }
    const other = merged.get(c.person);
    if (!other || other.departedOn! < c.departedOn || (other.departedOn === c.departedOn && other.record > c.record))
      merged.set(c.person, c);
  });
  for (const c of merged.values()) cube.add(key(c));
  return {
    id: 'stock',
    title: 'Nationals working abroad',
    definition:
      'Persons registered as having left to work abroad on or before the reference date and not recorded as returned by then (residents working abroad, ILO 20th ICLS 2018), by sex, country of destination, occupation (ISCO-08 major group held on the reference date) and age reached in the reference year; and by level of education (ISCED 2011) and recruitment channel of the cycle, crossed with sex and country.',
    flow: { id: 'DF_MIGW_STOCK', version: '1.0' },
    unit: 'PS',
    unitName: 'Persons',
    decimals: 0,
    dimensions: cube.dimensions,
    observations: countObservations(cube, context.request.suppressBelow),
  };
}
