import type { Observation, ReportTable } from '../domain/reports/report-table';

/**
 * Text helpers shared by the output formats. Nothing here reads the locale, the time zone or the clock:
 * the same report always renders to the same bytes.
 */

/** RFC 4180 line ending. */
export const CRLF = '\r\n';

/** One CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',') + CRLF;
}

/** A value as text: whole numbers plainly, means with the table's decimals, nothing when absent. */
export function valueText(table: ReportTable, observation: Observation): string {
  const { value } = observation;
  if (value === undefined) return '';
  return table.decimals === 0 ? String(value) : value.toFixed(table.decimals);
}

/** 1234567 → "1,234,567" (for people; machine formats use valueText). */
export function grouped(value: number, decimals = 0): string {
  const [whole, fraction] = Math.abs(value).toFixed(decimals).split('.');
  const digits = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${value < 0 ? '-' : ''}${digits}${fraction ? `.${fraction}` : ''}`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The dimensions of several tables, each once, in order of first appearance. */
export function unionOf<T>(lists: readonly (readonly T[])[]): T[] {
  const out: T[] = [];
  for (const list of lists) for (const item of list) if (!out.includes(item)) out.push(item);
  return out;
}
