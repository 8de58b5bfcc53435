import { partsOf, requireDay } from '../history/calendar';
import type { MigrationHistory } from '../history/migration-history';
import type { Recruitment } from '../history/migration-history';
import { UNKNOWN, counterpartArea, educationCode, recruitmentChannelCode, timePeriod, type Dimension } from './codelists';
import type { Tabular } from './tabulation';
import { timeSlices, type TimeSlice } from './period';
import type { Observation, ReportRequest } from './report-table';

/** What every table of one report shares: the reference date and period, and the same country list. */
export interface ReportContext {
  readonly request: ReportRequest;
  readonly history: MigrationHistory;
  readonly asOf: number;
  readonly asOfYear: number;
  /** First and last day of the period that count: nothing after `asOf` has happened yet. */
  readonly from: number;
  readonly to: number;
  readonly countries: Dimension;
  /** Flows: the whole period, then its slices. */
  readonly flowTime: Dimension;
  readonly slices: readonly TimeSlice[];
  /** The whole period alone (distributions and the recruitment-cost indicator). */
  readonly periodTime: Dimension;
  /** The reference date alone (stocks). */
  readonly asOfTime: Dimension;
  /** Persons that other records were merged into: their movements are counted once. */
  readonly mergedPersons: ReadonlySet<number>;
}

export class ReportRequestError extends RangeError {
  override readonly name = 'ReportRequestError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export function reportContext(history: MigrationHistory, request: ReportRequest): ReportContext {
  const asOf = requireDay(request.asOf, 'asOf');
  const { period } = request;
  if (asOf < period.from) {
    throw new ReportRequestError('asOf', `the reference date ${request.asOf} is before the reference period ${period.name} starts`);
  }
  if (request.suppressBelow !== undefined && (!Number.isInteger(request.suppressBelow) || request.suppressBelow < 1)) {
    throw new ReportRequestError('suppressBelow', 'the suppression threshold is a whole number of at least 1');
  }
  const seen = new Set<string>();
  history.forEachCycle((c) => {
    const happened = (c.departedOn !== undefined && c.departedOn <= asOf) || (c.returnedOn !== undefined && c.returnedOn <= asOf);
    if (!happened) return;
    seen.add(c.country ?? UNKNOWN);
    if (c.returnedFrom !== undefined) seen.add(c.returnedFrom);
  });
  // A claim on the fund names the country of its incident, which may be one no cycle went to.
  history.forEachClaim((claim) => {
    if (claim.filedOn !== undefined && claim.filedOn <= asOf) seen.add(claim.country ?? UNKNOWN);
  });
  const slices = timeSlices(period, request.frequency);
  return {
    request,
    history,
    asOf,
    asOfYear: partsOf(asOf).year,
    from: period.from,
    to: Math.min(period.to, asOf),
    countries: counterpartArea(seen),
    flowTime: timePeriod(slices.map(({ code, name }) => ({ id: code, name }))),
    slices,
    periodTime: timePeriod([{ id: period.code, name: period.name }]),
    asOfTime: timePeriod([{ id: request.asOf, name: request.asOf }]),
    mergedPersons: history.personsWithMergedRecords(),
  };
}

/** The EDUCATION and RECRUITMENT_CHANNEL codes of a person or cycle, in the order the tables hold them. */
export const coreCodes = (who: {
  readonly education: number | undefined;
  readonly recruitment: Recruitment | undefined;
}): [string, string] => [educationCode(who.education), recruitmentChannelCode(who.recruitment?.channel, who.recruitment?.viaAgency)];

/** The TIME_PERIOD code of a flow on `day` (inside the period). */
export function sliceCode(context: ReportContext, day: number): string {
  const { slices } = context;
  for (let i = slices.length === 1 ? 0 : 1; i < slices.length; i++) {
    const slice = slices[i]!;
    if (day >= slice.from && day <= slice.to) return slice.code;
  }
  throw new RangeError(`day ${day} is outside the reference period`);
}

/** Whether `day` is a day of the period that has happened by the reference date. */
export const inPeriod = (context: ReportContext, day: number | undefined): day is number =>
  day !== undefined && day >= context.from && day <= context.to;

/**
 * Movements of a person with merged records may have been recorded on both records: the same move (same
 * day, same country) counts once.
 */
export class MovementsOnce {
  private readonly seen = new Set<string>();
  constructor(private readonly context: ReportContext) {}
  first(person: number, day: number, country: string): boolean {
    if (!this.context.mergedPersons.has(person)) return true;
    const key = `${person}|${day}|${country}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }
}

/** The cells of a table of counts, with small counts suppressed when a threshold is set. */
export function countObservations(cube: Tabular, suppressBelow: number | undefined): Observation[] {
  const observations: Observation[] = [];
  for (const { codes, value } of cube.withTotals().cells()) {
    const suppressed = suppressBelow !== undefined && value > 0 && value < suppressBelow;
    observations.push({
      key: codes,
      value: suppressed ? undefined : value,
      status: 'A',
      confidentiality: suppressed ? 'C' : 'F',
    });
  }
  return observations;
}
