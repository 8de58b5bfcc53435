import { assertNever } from '@homeward/assert-never';
import type { Report } from '../domain/reports/report-table';
import { renderCsv } from './csv.format';
import { renderHtml } from './html.format';
import { renderJson } from './json.format';
import type { RenderOptions } from './render-options';
import { renderSdmxCsv } from './sdmx-csv.format';

export type OutputFormat = 'csv' | 'json' | 'sdmx-csv' | 'html';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['csv', 'json', 'sdmx-csv', 'html'];

export interface RenderedReport {
  readonly body: string;
  readonly contentType: string;
  readonly extension: string;
}

/** The report in one format, with the media type it is served as. */
export function render(report: Report, format: OutputFormat, options: RenderOptions): RenderedReport {
  switch (format) {
    case 'csv':
      return { body: renderCsv(report), contentType: 'text/csv; charset=utf-8; header=present', extension: 'csv' };
    case 'json':
      return { body: renderJson(report, options), contentType: 'application/json; charset=utf-8', extension: 'json' };
    case 'sdmx-csv':
      return {
        body: renderSdmxCsv(report, options),
        contentType: 'application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8',
        extension: 'csv',
      };
    case 'html':
      return { body: renderHtml(report, options), contentType: 'text/html; charset=utf-8', extension: 'html' };
    default:
      assertNever(format, 'format');
  }
}
