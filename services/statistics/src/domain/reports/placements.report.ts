import { completeMonths } from '../history/calendar';
import type { CycleRecord, HireRecord } from '../history/migration-history';
import {
  NOT_APPLICABLE,
  OCCUPATION_ABROAD,
  PLACEMENT_OCCUPATION,
  PLACEMENT_STATUS,
  PLACEMENT_WINDOW,
  PLACEMENT_WINDOWS,
  RETURN_REASON,
  RETURN_TYPE,
  SEX,
  countryCode,
  occupationCode,
  returnReasonCode,
  returnTypeCode,
  sexCode,
  type DimensionId,
  type PlacementStatus,
} from './codelists';
import { MovementsOnce, coreCodes, countObservations, inPeriod, type ReportContext } from './report-context';
import type { Observation, ReportTable } from './report-table';
import { occupationOn } from './stock.report';
import { Tabulation, withCoreDisaggregations } from './tabulation';

/*
 * Reintegration outcomes (issue 12): returnees placed in a job at home within 3, 6 and 12 months of their
 * return, from registration's returns and the employment service's hires, joined by person.
 *
 * - The cohort is the returns dated in the reference period and on or before the reference date, as in the
 *   returns table (undocumented returnees included; a return recorded on two merged records counts once).
 *   Each return is followed up to the reference date: a report for 2025 as of 2026-12-31 follows the 2025
 *   cohort for a year more.
 * - A placement is a hire recorded by the employment service; it counts from its first day of work
 *   (`starts_on`; the hire's day when the event does not say), not from the day the hire was agreed:
 *   the outcome is being in work. The hire must be dated on or before the reference date and start on or
 *   before it.
 * - A return is placed within N months when a placement of the person starts on or after the day of return,
 *   before the same day N calendar months later, and before the person left again (a departure of another
 *   cycle on or after the return, or a later return). The first such placement is the one tabulated.
 * - A window has elapsed when N whole months have passed from the return to the reference date. The share
 *   placed is over the returns whose window has elapsed, as in ILO/WIOA-style follow-up indicators
 *   ("employment rate in the second quarter after exit"): a return two months ago cannot yet count against
 *   the three-month window. The returns left out of a share are given beside it (OBS_EXCLUDED).
 */

interface FollowedReturn {
  readonly cycle: CycleRecord;
  readonly returnedOn: number;
  /** The first placement after the return and before the person left again, started by the reference date. */
  readonly placement: HireRecord | undefined;
  /** Whole months from the return to the start of the placement. */
  readonly monthsToPlacement: number | undefined;
  /** Whole months from the return to the reference date. */
  readonly monthsFollowed: number;
}

/** The cohort's returns, each with the first placement that followed it. */
function followedReturns(context: ReportContext): FollowedReturn[] {
  const { asOf } = context;
  const cyclesByPerson = new Map<number, CycleRecord[]>();
  const cohort: CycleRecord[] = [];
  const once = new MovementsOnce(context);
  context.history.forEachCycle((c) => {
    const list = cyclesByPerson.get(c.person) ?? [];
    list.push(c);
    cyclesByPerson.set(c.person, list);
    if (!inPeriod(context, c.returnedOn)) return;
    if (!once.first(c.person, c.returnedOn, countryCode(c.returnedFrom ?? c.country))) return;
    cohort.push(c);
  });
  const hiresByPerson = new Map<number, HireRecord[]>();
  context.history.forEachHire((h) => {
    if (h.hiredOn > asOf || h.startsOn > asOf) return;
    const list = hiresByPerson.get(h.person) ?? [];
    list.push(h);
    hiresByPerson.set(h.person, list);
  });
  return cohort.map((cycle) => {
    const returnedOn = cycle.returnedOn!;
    // The stay at home ends when the person leaves again: another cycle's departure on or after the return,
    // or another return after it (they must have left in between).
    let leftOn = Infinity;
    for (const other of cyclesByPerson.get(cycle.person) ?? []) {
      if (other === cycle || (other.record === cycle.record && other.number === cycle.number)) continue;
      if (other.departedOn !== undefined && other.departedOn >= returnedOn && other.departedOn <= asOf)
        leftOn = Math.min(leftOn, other.departedOn);
      if (other.returnedOn !== undefined && other.returnedOn > returnedOn && other.returnedOn <= asOf)
        leftOn = Math.min(leftOn, other.returnedOn);
    }
    let placement: HireRecord | undefined;
    for (const hire of hiresByPerson.get(cycle.person) ?? []) {
      if (hire.startsOn < returnedOn || hire.startsOn >= leftOn) continue;
      // The earliest start; on the same day, the lowest occupation code, so the fold's order does not matter.
      if (
        !placement ||
        hire.startsOn < placement.startsOn ||
        (hire.startsOn === placement.startsOn && hire.occupation < placement.occupation)
      )
        placement = hire;
    }
    return {
      cycle,
      returnedOn,
      placement,
      monthsToPlacement: placement ? completeMonths(returnedOn, placement.startsOn) : undefined,
      monthsFollowed: completeMonths(returnedOn, asOf),
    };
  });
}

function statusOf(followed: FollowedReturn, months: number): PlacementStatus {
  if (followed.monthsToPlacement !== undefined && followed.monthsToPlacement < months) return 'PLACED';
  return followed.monthsFollowed >= months ? 'NOT_PLACED' : 'OPEN';
}

/** The codes of a return's own dimensions, in the order of OUTCOME_DIMENSIONS. */
function returnCodes(c: CycleRecord): string[] {
  return [
    sexCode(c.sex),
    countryCode(c.returnedFrom ?? c.country),
    returnTypeCode(c.assistance),
    returnReasonCode(c.reason),
    occupationCode(occupationOn(c, c.returnedOn!)),
  ];
}

/** Each breakdown of the return is crossed with sex (the ILO core), the window and what has no total. */
const BREAKDOWNS: readonly DimensionId[] = ['COUNTERPART_AREA', 'RETURN_TYPE', 'RETURN_REASON', 'OCCUPATION_ABROAD'];

function crossings(dimensions: readonly { id: DimensionId; hasTotal: boolean }[], breakdowns: readonly DimensionId[]): DimensionId[][] {
  const always = dimensions.filter((d) => !d.hasTotal || d.id === 'SEX' || d.id === 'PLACEMENT_STATUS').map((d) => d.id);
  const inOrder = (ids: readonly DimensionId[]) => dimensions.map((d) => d.id).filter((id) => ids.includes(id));
  return [inOrder(always), ...breakdowns.map((b) => inOrder([...always, b])), inOrder([...always, 'EDUCATION', 'RECRUITMENT_CHANNEL'])];
}

const COHORT =
  'Returns of migrant workers dated in the reference period and on or before the reference date (undocumented returnees included), each followed up to the reference date';
const PLACEMENT =
  'A placement is a hire recorded by the public employment service, from its first day of work; it counts when it starts on or after the return, before the same day N months later and before the person left again';

/** The outcome of every return of the cohort in each window, by sex and, one at a time, each breakdown of the return. */
export function placementTables(context: ReportContext): ReportTable[] {
  const followed = followedReturns(context);
  return [placementsTable(context, followed), placementRateTable(context, followed), placedWithinSixMonthsBySex(context, followed)];
}

function placementsTable(context: ReportContext, followed: readonly FollowedReturn[]): ReportTable {
  const dimensions = withCoreDisaggregations([
    SEX,
    context.countries,
    RETURN_TYPE,
    RETURN_REASON,
    OCCUPATION_ABROAD,
    PLACEMENT_OCCUPATION,
    PLACEMENT_WINDOW,
    PLACEMENT_STATUS,
    context.periodTime,
  ]);
  const table = new Tabulation(dimensions, crossings(dimensions, [...BREAKDOWNS, 'OCCUPATION']));
  const period = context.request.period.code;
  for (const f of followed) {
    const own = returnCodes(f.cycle);
    for (const window of PLACEMENT_WINDOWS) {
      const status = statusOf(f, window.months);
      const occupation = status === 'PLACED' ? occupationCode(f.placement!.occupation) : NOT_APPLICABLE;
      table.add([...own, occupation, window.id, status, ...coreCodes(f.cycle), period]);
    }
  }
  return {
    id: 'placements',
    title: 'Returnees placed in a job within 3, 6 and 12 months of return',
    definition: `${COHORT}, by whether they were placed in a job within 3, 6 and 12 months of their return: placed, not placed once the window has elapsed, or not placed yet while it has not. ${PLACEMENT}. By sex, and by sex and one of: country of previous residence, return type, reason for return, occupation of the last job abroad, occupation of the placement (ISCO-08 major groups), and level of education (ISCED 2011) with recruitment channel of the last cycle.`,
    flow: { id: 'DF_MIGW_RET_PLACEMENT', version: '1.0' },
    unit: 'NUM',
    unitName: 'Returns',
    decimals: 0,
    dimensions,
    observations: countObservations(table, context.request.suppressBelow),
  };
}

/** Rates are kept to 4 decimals; the sums behind them are whole numbers. */
const share = (placed: number, of: number): number => Math.round((placed / of) * 10_000) / 10_000;

function placementRateTable(context: ReportContext, followed: readonly FollowedReturn[]): ReportTable {
  const dimensions = withCoreDisaggregations([
    SEX,
    context.countries,
    RETURN_TYPE,
    RETURN_REASON,
    OCCUPATION_ABROAD,
    PLACEMENT_WINDOW,
    context.periodTime,
  ]);
  const plan = crossings(dimensions, BREAKDOWNS);
  const placed = new Tabulation(dimensions, plan);
  const elapsed = new Tabulation(dimensions, plan);
  const open = new Tabulation(dimensions, plan);
  const period = context.request.period.code;
  for (const f of followed) {
    const own = returnCodes(f.cycle);
    for (const window of PLACEMENT_WINDOWS) {
      const key = [...own, window.id, ...coreCodes(f.cycle), period];
      if (f.monthsFollowed < window.months) {
        open.add(key);
        continue;
      }
      elapsed.add(key);
      if (statusOf(f, window.months) === 'PLACED') placed.add(key);
    }
  }
  placed.withTotals();
  elapsed.withTotals();
  open.withTotals();
  const threshold = context.request.suppressBelow;
  const small = (k: number) => threshold !== undefined && k > 0 && k < threshold;
  const observations: Observation[] = [];
  for (const { codes, cell } of elapsed.cells()) {
    const n = elapsed.valueAt(cell);
    const suppressed = small(n);
    const left = open.valueAt(cell);
    observations.push({
      key: codes,
      value: n === 0 || suppressed ? undefined : share(placed.valueAt(cell), n),
      status: n === 0 ? 'M' : 'A',
      confidentiality: suppressed ? 'C' : 'F',
      ...(suppressed ? {} : { count: n }),
      ...(small(left) ? {} : { excluded: left }),
    });
  }
  return {
    id: 'placement-rate',
    title: 'Share of returnees placed in a job within 3, 6 and 12 months of return',
    definition: `${COHORT}. For each window, the returns placed within it divided by the returns whose window has fully elapsed by the reference date (N whole months from the return): a return whose window has not elapsed is left out of the share (OBS_EXCLUDED), not counted as a failure. ${PLACEMENT}. OBS_COUNT is the number of returns the share is over. By sex, and by sex and one of: country of previous residence, return type, reason for return, occupation of the last job abroad, and level of education (ISCED 2011) with recruitment channel of the last cycle.`,
    flow: { id: 'DF_MIGW_RET_PLACEMENT_RATE', version: '1.0' },
    unit: 'RATIO',
    unitName: 'Returns placed per return followed',
    decimals: 4,
    dimensions,
    observations,
  };
}

/** The six-month window alone, by sex (and education and channel): the headline figure, under an id that stays. */
function placedWithinSixMonthsBySex(context: ReportContext, followed: readonly FollowedReturn[]): ReportTable {
  const dimensions = withCoreDisaggregations([SEX, PLACEMENT_STATUS, context.periodTime]);
  const table = new Tabulation(dimensions, [
    ['SEX', 'PLACEMENT_STATUS', 'TIME_PERIOD'],
    ['SEX', 'PLACEMENT_STATUS', 'EDUCATION', 'RECRUITMENT_CHANNEL', 'TIME_PERIOD'],
  ]);
  const period = context.request.period.code;
  for (const f of followed) table.add([sexCode(f.cycle.sex), statusOf(f, 6), ...coreCodes(f.cycle), period]);
  return {
    id: 'placed-within-6-months-by-sex',
    title: 'Returnees placed in a job within six months of return, by sex',
    definition: `${COHORT}, by sex and whether they were placed in a job within six months of their return (placed; not placed once six months have passed; not placed yet while they have not). ${PLACEMENT}. Also by level of education (ISCED 2011) and recruitment channel of the last cycle, crossed with sex.`,
    flow: { id: 'DF_MIGW_RET_PLACED_6M', version: '1.0' },
    unit: 'NUM',
    unitName: 'Returns',
    decimals: 0,
    dimensions,
    observations: countObservations(table, context.request.suppressBelow),
  };
}
