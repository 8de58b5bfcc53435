import { isoOf } from '../domain/history/calendar';
import type { Observation, Report, ReportTable } from '../domain/reports/report-table';
import type { RenderOptions } from './render-options';

function observationJson(o: Observation): string {
  return JSON.stringify({
    key: o.key,
    value: o.value ?? null,
    status: o.status,
    confidentiality: o.confidentiality,
    ...(o.count === undefined ? {} : { count: o.count }),
    ...(o.excluded === undefined ? {} : { excluded: o.excluded }),
  });
}

function indent(json: string, spaces: number): string {
  return json.replace(/\n/g, `\n${' '.repeat(spaces)}`);
}

function tableJson(table: ReportTable, agency: string): string {
  const head = {
    id: table.id,
    title: table.title,
    definition: table.definition,
    structure: `${agency}:${table.flow.id}(${table.flow.version})`,
    unit: table.unit,
    unitName: table.unitName,
    dimensions: table.dimensions.map((d) => ({ id: d.id, name: d.name, codes: d.codes.map((c) => ({ id: c.id, name: c.name })) })),
  };
  const body = JSON.stringify(head, null, 2);
  // One observation a line: readable, diffable, and a fraction of the size of fully indented JSON.
  const observations = table.observations.map((o) => `        ${observationJson(o)}`).join(',\n');
  return `    ${indent(body.slice(0, -2), 4)},\n      "observations": [\n${observations}\n      ]\n    }`;
}

/**
 * JSON: the request the report answers, the basis it was computed from, and each table with its code
 * lists (ids and names) and its observations, keyed by codes in the order of the table's dimensions.
 * Countries are ISO 3166-1 alpha-2.
 */
export function renderJson(report: Report, options: RenderOptions): string {
  const { request } = report;
  const rates = request.exchangeRates;
  const head = {
    refArea: options.refArea,
    asOf: request.asOf,
    period: { code: request.period.code, name: request.period.name, from: isoOf(request.period.from), to: isoOf(request.period.to) },
    frequency: request.frequency,
    knownAt: request.knownAt ?? null,
    suppressBelow: request.suppressBelow ?? null,
    exchangeRates: rates
      ? Object.fromEntries(
          Object.keys(rates)
            .sort()
            .map((k) => [k, rates[k]]),
        )
      : null,
    ...(options.generatedAt ? { generatedAt: options.generatedAt } : {}),
    basis: report.basis,
  };
  const body = JSON.stringify(head, null, 2);
  const tables = report.tables.map((t) => tableJson(t, options.agency)).join(',\n');
  return `${body.slice(0, -2)},\n  "tables": [\n${tables}\n  ]\n}\n`;
}
