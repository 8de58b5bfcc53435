import type { MigrationHistory } from '../history/migration-history';
import { durationTables } from './durations.report';
import { departuresTable, returnsTable } from './flows.report';
import { recruitmentCostTable } from './recruitment-cost.report';
import { reportContext, ReportRequestError, type ReportContext } from './report-context';
import { REPORT_KINDS, type Report, type ReportKind, type ReportRequest, type ReportTable } from './report-table';
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
    default: {
      const unknown: never = kind;
      throw new Error(`unknown report ${String(unknown)}`);
    }
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
    basis: { records: history.records, erasedRecords: history.erasedRecords, cycles: history.cycles },
    tables: kinds.flatMap((kind) => tablesOf(kind, context)),
  };
}
