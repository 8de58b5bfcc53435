import { dayOf } from '../domain/history/calendar';
import { FREQUENCIES, MAX_TIME_SLICES, PeriodError, parsePeriod, sliceCount, type Frequency } from '../domain/reports/period';
import { REPORT_KINDS, type ReportKind, type ReportRequest } from '../domain/reports/report-table';
import { OUTPUT_FORMATS, type OutputFormat } from '../output/render';

export type SourceName = 'kafka' | 'event-store';
export const SOURCES: readonly SourceName[] = ['kafka', 'event-store'];

/** A report as asked for on the command line or through the API: plain strings and numbers. */
export interface ReportSpec {
  readonly asOf: string;
  readonly period: string;
  readonly report?: ReportKind | 'all';
  readonly format?: OutputFormat;
  readonly source?: SourceName;
  readonly frequency?: Frequency;
  /** A date (the end of that day, UTC) or an ISO instant. */
  readonly knownAt?: string;
  readonly suppressBelow?: number;
  readonly exchangeRates?: Readonly<Record<string, number>>;
}

/** A spec checked and read: what the replay and the report need. */
export interface ParsedSpec {
  readonly request: ReportRequest;
  readonly knownAt?: Date;
  readonly format: OutputFormat;
  readonly source: SourceName;
}

export class ReportSpecError extends Error {
  override readonly name = 'ReportSpecError';
  constructor(readonly errors: readonly { readonly field: string; readonly detail: string }[]) {
    super(errors.map((e) => `${e.field}: ${e.detail}`).join('; '));
  }
}

/** "2026-01-15" means up to the end of that day (UTC); an instant is taken as it is. */
export function parseKnownAt(text: string): Date | undefined {
  if (dayOf(text) !== undefined) return new Date(`${text}T23:59:59.999Z`);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** Checks every field and names each one at fault; nothing runs on a half-valid spec. */
export function parseSpec(spec: ReportSpec): ParsedSpec {
  const errors: { field: string; detail: string }[] = [];
  if (dayOf(spec.asOf) === undefined) errors.push({ field: 'asOf', detail: 'a calendar date, YYYY-MM-DD' });
  let period: ReturnType<typeof parsePeriod> | undefined;
  try {
    period = parsePeriod(spec.period);
  } catch (error) {
    errors.push({ field: 'period', detail: error instanceof PeriodError ? error.message : String(error) });
  }
  const report = spec.report ?? 'all';
  if (report !== 'all' && !REPORT_KINDS.includes(report))
    errors.push({ field: 'report', detail: `one of all, ${REPORT_KINDS.join(', ')}` });
  const format = spec.format ?? 'csv';
  if (!OUTPUT_FORMATS.includes(format)) errors.push({ field: 'format', detail: `one of ${OUTPUT_FORMATS.join(', ')}` });
  const source = spec.source ?? 'kafka';
  if (!SOURCES.includes(source)) errors.push({ field: 'source', detail: `one of ${SOURCES.join(', ')}` });
  const frequency = spec.frequency ?? 'month';
  if (!FREQUENCIES.includes(frequency)) errors.push({ field: 'frequency', detail: `one of ${FREQUENCIES.join(', ')}` });
  const knownAt = spec.knownAt === undefined ? undefined : parseKnownAt(spec.knownAt);
  if (spec.knownAt !== undefined && !knownAt)
    errors.push({ field: 'knownAt', detail: 'a date (YYYY-MM-DD: up to the end of that day, UTC) or an ISO 8601 instant with its offset' });
  if (spec.suppressBelow !== undefined && (!Number.isInteger(spec.suppressBelow) || spec.suppressBelow < 1)) {
    errors.push({ field: 'suppressBelow', detail: 'a whole number of at least 1' });
  }
  for (const [currency, rate] of Object.entries(spec.exchangeRates ?? {})) {
    if (!/^[A-Z]{3}$/.test(currency)) errors.push({ field: `exchangeRates.${currency}`, detail: 'an ISO 4217 currency code' });
    else if (!(typeof rate === 'number' && Number.isFinite(rate) && rate > 0))
      errors.push({ field: `exchangeRates.${currency}`, detail: 'a positive number' });
  }
  if (period && FREQUENCIES.includes(frequency)) {
    const slices = sliceCount(period, frequency);
    if (slices > MAX_TIME_SLICES) {
      errors.push({
        field: 'period',
        detail: `spans ${slices} ${frequency}s; a report breaks its period into at most ${MAX_TIME_SLICES}: ask for a shorter period or a coarser frequency`,
      });
    }
  }
  if (period && dayOf(spec.asOf) !== undefined && dayOf(spec.asOf)! < period.from) {
    errors.push({ field: 'asOf', detail: `the reference date is before the reference period ${period.name} starts` });
  }
  if (errors.length > 0 || !period) throw new ReportSpecError(errors);
  return {
    request: {
      asOf: spec.asOf,
      period,
      frequency,
      reports: report === 'all' ? REPORT_KINDS : [report],
      ...(spec.suppressBelow === undefined ? {} : { suppressBelow: spec.suppressBelow }),
      ...(spec.exchangeRates && Object.keys(spec.exchangeRates).length > 0 ? { exchangeRates: spec.exchangeRates } : {}),
      ...(knownAt ? { knownAt: knownAt.toISOString() } : {}),
    },
    ...(knownAt ? { knownAt } : {}),
    format,
    source,
  };
}
