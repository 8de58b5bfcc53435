import { assertNever } from '@homeward/assert-never';
import type { MigrationHistory } from '../history/migration-history';
import { UNKNOWN, countryCode, occupationCode } from './codelists';
import { durationTables } from './durations.report';
import { departuresTable, returnsTable } from './flows.report';
import { recruitmentCostTable } from './recruitment-cost.report';
import { reportContext, ReportRequestError, type ReportContext } from './report-context';
import { REPORT_KINDS, type Report, type ReportKind, type ReportRequest, type ReportTable, type UnplacedCode } from './report-table';
import { referralsTable, vacanciesTable } from './employment-services.report';
import { fundTables } from './fund.report';
import { placementTables } from './placements.report';
import { assessmentsTable, certificatesTable, passRateTables } from './skills.report';
import { stockTable } from './stock.report';

function tablesOf(kind: ReportKind, context: ReportContext): ReportTable[] {
  switch (kind) {
    case 'stock':
      return [stockTable(context)];
    case 'departures':
      return [departuresTable(context)];
    case 'returns':
      return [returnsTable(context)];
    case 'durations':
      return durationTables(context);
    case 'recruitment-cost':
      return [recruitmentCostTable(context)];
    case 'assessments':
      return [assessmentsTable(context)];
    case 'pass-rates':
      return passRateTables(context);
    case 'certificates':
      return [certificatesTable(context)];
    case 'placements':
      return placementTables(context);
    case 'vacancies':
      return [vacanciesTable(context)];
    case 'referrals':
      return [referralsTable(context)];
    case 'fund':
      return fundTables(context);
    default:
      assertNever(kind, 'report');
  }
}

/**
 * Computes the requested tables from a replayed history. Pure: the same history and request give the same
 * report, whatever order the facts were folded in.
 */
export function buildReport(history: MigrationHistory, request: ReportRequest): Report {
  if (request.reports.length === 0) throw new ReportRequestError('report', 'ask for at least one report');
  const context = reportContext(history, request);
  // Tables always come in the same order, whatever order they were asked in.
  const kinds = REPORT_KINDS.filter((kind) => request.reports.includes(kind));
  return {
    request,
    basis: { records: history.records, erasedRecords: history.erasedRecords, cycles: history.cycles, unplaced: unplaced(history) },
    tables: kinds.flatMap((kind) => tablesOf(kind, context)),
  };
}

/** Codes in the whole history that name nothing, by the cycles that carry them, and the undated facts. */
function unplaced(history: MigrationHistory): Report['basis']['unplaced'] {
  const countries = new Map<string, number>();
  const occupations = new Map<string, number>();
  const count = (codes: Map<string, number>, found: Iterable<string>) => {
    for (const code of new Set(found)) codes.set(code, (codes.get(code) ?? 0) + 1);
  };
  history.forEachCycle((c) => {
    count(
      countries,
      [c.country, c.returnedFrom].filter((code): code is string => code !== undefined && countryCode(code) === UNKNOWN),
    );
    count(
      occupations,
      c.occupations.map((o) => o.occupation).filter((code) => occupationCode(code) === UNKNOWN),
    );
  });
  const listed = (codes: Map<string, number>): UnplacedCode[] =>
    [...codes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([code, cycles]) => ({ code, cycles }));
  return { countryCodes: listed(countries), occupationCodes: listed(occupations), undatedFacts: history.foldCounts.undated };
}
