import type { DimensionId } from '../domain/reports/codelists';
import type { Report } from '../domain/reports/report-table';
import { csvLine, unionOf, valueText } from './text';

/** Column names of the plain CSV, for people and spreadsheets (SDMX-CSV keeps the SDMX ids). */
const COLUMN: Record<DimensionId, string> = {
  SEX: 'sex',
  COUNTERPART_AREA: 'country',
  OCCUPATION: 'occupation',
  AGE: 'age_group',
  RETURN_TYPE: 'return_type',
  RETURN_REASON: 'return_reason',
  DURATION_ABROAD: 'time_abroad',
  TIME_SINCE_RETURN: 'time_since_return',
  STANDARD: 'standard',
  COMPETENCY_UNIT: 'unit',
  CERTIFICATE_TYPE: 'certificate_type',
  CERTIFICATE_STATUS: 'certificate_status',
  EDUCATION: 'education',
  RECRUITMENT_CHANNEL: 'recruitment_channel',
  OCCUPATION_ABROAD: 'occupation_abroad',
  PLACEMENT_WINDOW: 'placement_window',
  PLACEMENT_STATUS: 'placement_status',
  LOCATION: 'location',
  VACANCY_FLOW: 'vacancies',
  EMPLOYMENT_SERVICE: 'employment_service',
  BENEFIT_TYPE: 'benefit_type',
  FUND_STEP: 'fund_step',
  REJECTION_REASON: 'rejection_reason',
  CURRENCY: 'currency',
  DAYS_TO_PAYMENT: 'days_to_payment',
  TIME_PERIOD: 'period',
};

/**
 * Plain CSV (RFC 4180): one row per cell of every table, each dimension as its code and its name, the
 * value, its unit and its status. Tables that lack a dimension leave its columns empty. Countries are
 * ISO 3166-1 alpha-2, as everywhere in Homeward's APIs.
 */
export function renderCsv(report: Report): string {
  const dimensions = unionOf(report.tables.map((t) => t.dimensions.map((d) => d.id)));
  const hasMeans = report.tables.some((t) => t.unit === 'RATIO');
  const header = [
    'table',
    ...dimensions.flatMap((id) => [COLUMN[id], `${COLUMN[id]}_name`]),
    'value',
    'unit',
    'status',
    ...(hasMeans ? ['count', 'excluded'] : []),
  ];
  let out = csvLine(header);
  for (const table of report.tables) {
    const names = table.dimensions.map((d) => new Map(d.codes.map((c) => [c.id, c.name])));
    const position = new Map(table.dimensions.map((d, i) => [d.id, i]));
    for (const observation of table.observations) {
      const fields: string[] = [table.id];
      for (const id of dimensions) {
        const i = position.get(id);
        const code = i === undefined ? '' : observation.key[i]!;
        fields.push(code, i === undefined ? '' : (names[i]!.get(code) ?? ''));
      }
      const status = observation.confidentiality === 'C' ? 'suppressed' : observation.status === 'M' ? 'no data' : '';
      fields.push(valueText(table, observation), table.unitName, status);
      if (hasMeans)
        fields.push(
          observation.count === undefined ? '' : String(observation.count),
          observation.excluded === undefined ? '' : String(observation.excluded),
        );
      out += csvLine(fields);
    }
  }
  return out;
}
