import { country } from '@homeward/classifications/countries';
import { isoOf } from '../domain/history/calendar';
import type { DimensionId } from '../domain/reports/codelists';
import type { Observation, Report, ReportTable } from '../domain/reports/report-table';
import type { RenderOptions } from './render-options';
import { escapeHtml as esc, grouped } from './text';

/**
 * A self-contained HTML report: inline CSS and SVG, no script, no external resource, so it can be mailed,
 * archived and opened offline. Charts are drawn from the same tables as the other formats; the full
 * cross-tabulations are in the CSV, JSON and SDMX-CSV outputs.
 */

const SEXES = [
  { id: 'F', name: 'Female', colour: '#7b3294' },
  { id: 'M', name: 'Male', colour: '#1b7837' },
  { id: '_O', name: 'Other', colour: '#e08214' },
  { id: '_U', name: 'Unknown', colour: '#8c8c8c' },
] as const;

const STYLE = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;margin:0 auto;max-width:1000px;padding:24px}
h1{font-size:1.6em;margin:0 0 .2em}h2{font-size:1.25em;margin:2em 0 .3em;border-bottom:2px solid #ddd;padding-bottom:.2em}
h3{font-size:1.02em;margin:1.4em 0 .4em}.meta{color:#555;margin:.2em 0}.definition{color:#333;max-width:60em}
nav ol{columns:2;padding-left:1.2em}table{border-collapse:collapse;margin:.5em 0 1em;font-variant-numeric:tabular-nums}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}th:first-child,td:first-child{text-align:left}
thead th{background:#f3f3f3}tr.total td{font-weight:600;background:#fafafa}.note{color:#555;font-size:.9em}
svg{display:block;margin:.4em 0 1em;max-width:100%;height:auto}svg text{font:12px system-ui,sans-serif;fill:#1a1a1a}
.legend span{display:inline-block;margin-right:1em}.legend i{display:inline-block;width:.9em;height:.9em;margin-right:.3em;vertical-align:-.1em}
`;

/** Cells of a table looked up by their codes. */
class Lookup {
  private readonly cells = new Map<string, Observation>();
  constructor(readonly table: ReportTable) {
    for (const o of table.observations) this.cells.set(o.key.join('\u0000'), o);
  }
  /** The cell at these codes; every other dimension at its total (TIME_PERIOD: the whole period). */
  at(codes: Partial<Record<DimensionId, string>>): Observation | undefined {
    const key = this.table.dimensions.map((d) => codes[d.id] ?? d.codes[0]!.id);
    return this.cells.get(key.join('\u0000'));
  }
  dimension(id: DimensionId) {
    return this.table.dimensions.find((d) => d.id === id);
  }
}

function cellText(decimals: number, o: Observation | undefined): string {
  if (!o) return '';
  if (o.confidentiality === 'C') return 'x';
  if (o.value === undefined) return '–';
  return grouped(o.value, decimals);
}

function categoryName(dimension: DimensionId, id: string, name: string): string {
  return dimension === 'COUNTERPART_AREA' && country(id) ? `${name} (${id})` : name;
}

/** The categories of `along` (totals left out) with their cells by sex. */
function bySex(lookup: Lookup, along: DimensionId, fixed: Partial<Record<DimensionId, string>> = {}) {
  const dimension = lookup.dimension(along)!;
  const codes = dimension.hasTotal ? dimension.codes.slice(1) : dimension.codes;
  return codes.map((code) => ({
    code: code.id,
    name: categoryName(along, code.id, code.name),
    total: lookup.at({ ...fixed, [along]: code.id }),
    sexes: SEXES.map((sex) => ({ ...sex, cell: lookup.at({ ...fixed, [along]: code.id, SEX: sex.id }) })),
  }));
}

const legend = () => `<p class="legend">${SEXES.map((s) => `<span><i style="background:${s.colour}"></i>${s.name}</span>`).join('')}</p>`;

/** Horizontal bars, one per category, stacked by sex. Suppressed cells are not drawn (and said so). */
function stackedBars(title: string, rows: ReturnType<typeof bySex>, unitName: string): string {
  const drawn = rows.filter((r) => (r.total?.value ?? 0) > 0 || r.total?.confidentiality === 'C');
  if (drawn.length === 0) return `<p class="note">${esc(title)}: nothing to show.</p>`;
  const label = 250;
  const width = 760;
  const barArea = width - label - 70;
  const rowHeight = 22;
  const height = drawn.length * rowHeight + 10;
  const max = Math.max(1, ...drawn.map((r) => r.sexes.reduce((sum, s) => sum + (s.cell?.value ?? 0), 0)));
  let hidden = false;
  const bars = drawn.map((row, i) => {
    const y = 5 + i * rowHeight;
    let x = label;
    const segments = row.sexes.map((s) => {
      if (s.cell?.confidentiality === 'C') hidden = true;
      const value = s.cell?.value ?? 0;
      if (value <= 0) return '';
      const w = (value / max) * barArea;
      const rect = `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowHeight - 6}" fill="${s.colour}"><title>${esc(row.name)} · ${s.name}: ${grouped(value)}</title></rect>`;
      x += w;
      return rect;
    });
    const suppressed = row.sexes.some((s) => s.cell?.confidentiality === 'C') || row.total?.confidentiality === 'C';
    return (
      `<text x="${label - 6}" y="${y + rowHeight / 2 + 1}" text-anchor="end">${esc(truncate(row.name, 38))}${suppressed ? ' *' : ''}</text>` +
      segments.join('') +
      `<text x="${(x + 4).toFixed(1)}" y="${y + rowHeight / 2 + 1}">${esc(cellText(0, row.total))}</text>`
    );
  });
  return (
    `<h3>${esc(title)}</h3>${legend()}` +
    `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(`${title}, ${unitName}, stacked by sex`)}">${bars.join('')}</svg>` +
    (hidden ? '<p class="note">* includes cells suppressed below the threshold; they are not drawn.</p>' : '')
  );
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A cross-tabulation of one dimension by sex, with totals. */
function sexTable(
  table: ReportTable,
  rows: ReturnType<typeof bySex>,
  heading: string,
  lookup: Lookup,
  fixed: Partial<Record<DimensionId, string>> = {},
): string {
  const head = `<tr><th>${esc(heading)}</th>${SEXES.map((s) => `<th>${s.name}</th>`).join('')}<th>Total</th></tr>`;
  const body = rows.map(
    (r) =>
      `<tr><td>${esc(r.name)}</td>${r.sexes.map((s) => `<td>${cellText(table.decimals, s.cell)}</td>`).join('')}<td>${cellText(table.decimals, r.total)}</td></tr>`,
  );
  const totals = `<tr class="total"><td>Total</td>${SEXES.map((s) => `<td>${cellText(table.decimals, lookup.at({ ...fixed, SEX: s.id }))}</td>`).join('')}<td>${cellText(table.decimals, lookup.at(fixed))}</td></tr>`;
  return `<table><thead>${head}</thead><tbody>${body.join('')}${totals}</tbody></table>`;
}

/** Departures and returns per month, quarter or year of the period: two lines. */
function timeSeries(departures: ReportTable | undefined, returns: ReportTable | undefined): string {
  const source = departures ?? returns;
  if (!source) return '';
  const time = source.dimensions.find((d) => d.id === 'TIME_PERIOD')!;
  const slices = time.hasTotal ? time.codes.slice(1) : time.codes;
  const series = [
    { name: 'Departures', colour: '#2166ac', table: departures },
    { name: 'Returns', colour: '#b2182b', table: returns },
  ]
    .filter((s): s is typeof s & { table: ReportTable } => s.table !== undefined)
    .map((s) => {
      const lookup = new Lookup(s.table);
      return { ...s, points: slices.map((slice) => lookup.at({ TIME_PERIOD: slice.id })) };
    });
  const width = 760;
  const height = 280;
  const left = 60;
  const bottom = 40;
  const top = 20;
  const plotWidth = width - left - 40;
  const plotHeight = height - top - bottom;
  const highest = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p?.value ?? 0)));
  const tickValues = niceTicks(highest);
  const max = tickValues[tickValues.length - 1]!;
  const step = slices.length > 1 ? plotWidth / (slices.length - 1) : 0;
  const xOf = (i: number) => left + (slices.length > 1 ? i * step : plotWidth / 2);
  const yOf = (v: number) => top + plotHeight - (v / max) * plotHeight;
  const ticks = tickValues.map(
    (t) =>
      `<line x1="${left}" x2="${left + plotWidth}" y1="${yOf(t).toFixed(1)}" y2="${yOf(t).toFixed(1)}" stroke="#e5e5e5"/>` +
      `<text x="${left - 6}" y="${(yOf(t) + 4).toFixed(1)}" text-anchor="end">${grouped(t)}</text>`,
  );
  const every = Math.max(1, Math.ceil(slices.length / 12));
  const labels = slices.map((slice, i) =>
    i % every === 0 ? `<text x="${xOf(i).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle">${esc(slice.id)}</text>` : '',
  );
  const lines = series.map((s) => {
    const points = s.points.map((p, i) => (p?.value === undefined ? undefined : `${xOf(i).toFixed(1)},${yOf(p.value).toFixed(1)}`));
    const path = points.filter((p): p is string => p !== undefined).join(' ');
    const dots = s.points.map((p, i) =>
      p?.value === undefined
        ? ''
        : `<circle cx="${xOf(i).toFixed(1)}" cy="${yOf(p.value).toFixed(1)}" r="3" fill="${s.colour}"><title>${s.name} ${esc(slices[i]!.id)}: ${grouped(p.value)}</title></circle>`,
    );
    return `<polyline points="${path}" fill="none" stroke="${s.colour}" stroke-width="2"/>${dots.join('')}`;
  });
  const key = series.map((s) => `<span><i style="background:${s.colour}"></i>${s.name}</span>`).join('');
  return (
    `<h2 id="over-time">Departures and returns over time</h2><p class="legend">${key}</p>` +
    `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Departures and returns by ${esc(time.name.toLowerCase())}">` +
    `${ticks.join('')}<line x1="${left}" x2="${left + plotWidth}" y1="${top + plotHeight}" y2="${top + plotHeight}" stroke="#999"/>${labels.join('')}${lines.join('')}</svg>`
  );
}

/** Round gridline values from 0 to the first one at or above `max` (whole numbers: the series are counts). */
function niceTicks(max: number): number[] {
  const rough = Math.max(1, max / 4);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude);
  const ticks = [0];
  while (ticks[ticks.length - 1]! < max) ticks.push(ticks[ticks.length - 1]! + step);
  return ticks;
}

const CHARTS: Record<ReportTable['id'], readonly { along: DimensionId; title: string; fixed?: Partial<Record<DimensionId, string>> }[]> = {
  stock: [
    { along: 'COUNTERPART_AREA', title: 'By country of destination' },
    { along: 'AGE', title: 'By age group' },
    { along: 'OCCUPATION', title: 'By occupation (ISCO-08 major group)' },
  ],
  departures: [{ along: 'COUNTERPART_AREA', title: 'By country of destination' }],
  returns: [
    { along: 'COUNTERPART_AREA', title: 'By country of previous residence' },
    { along: 'RETURN_TYPE', title: 'By return type' },
    { along: 'RETURN_REASON', title: 'By reason for return' },
  ],
  'time-abroad': [{ along: 'DURATION_ABROAD', title: 'By time abroad' }],
  'time-since-return': [{ along: 'TIME_SINCE_RETURN', title: 'By time since return' }],
  'recruitment-cost': [],
  assessments: [
    { along: 'COUNTERPART_AREA', title: 'By country of destination of the last cycle' },
    { along: 'OCCUPATION', title: 'By occupation of the standard (ISCO-08 major group)' },
  ],
  'pass-rate-standard': [],
  'pass-rate-unit': [],
  certificates: [
    { along: 'CERTIFICATE_TYPE', title: 'By certificate type' },
    { along: 'CERTIFICATE_STATUS', title: 'By status on the reference date' },
    { along: 'COUNTERPART_AREA', title: 'By country of destination of the last cycle' },
    { along: 'OCCUPATION', title: 'By occupation of the standard (ISCO-08 major group)' },
  ],
  placements: [
    { along: 'PLACEMENT_STATUS', title: 'Within 3 months of return', fixed: { PLACEMENT_WINDOW: 'M3' } },
    { along: 'PLACEMENT_STATUS', title: 'Within 6 months of return', fixed: { PLACEMENT_WINDOW: 'M6' } },
    { along: 'PLACEMENT_STATUS', title: 'Within 12 months of return', fixed: { PLACEMENT_WINDOW: 'M12' } },
    {
      along: 'OCCUPATION',
      title: 'Placed within 6 months, by occupation of the placement (ISCO-08 major group)',
      fixed: { PLACEMENT_WINDOW: 'M6', PLACEMENT_STATUS: 'PLACED' },
    },
  ],
  'placement-rate': [],
  'placed-within-6-months-by-sex': [{ along: 'PLACEMENT_STATUS', title: 'Placed within six months of return' }],
  vacancies: [],
  referrals: [{ along: 'EMPLOYMENT_SERVICE', title: 'Job seekers, referrals, interviews and hires' }],
  'fund-claims': [
    { along: 'FUND_STEP', title: 'Claims filed, approved, rejected and paid' },
    { along: 'BENEFIT_TYPE', title: 'Claims filed, by benefit type', fixed: { FUND_STEP: 'CLAIMS' } },
    { along: 'COUNTERPART_AREA', title: 'Claims filed, by country of the incident', fixed: { FUND_STEP: 'CLAIMS' } },
  ],
  'fund-rejections': [],
  'fund-amounts-paid': [],
  'fund-days-to-payment': [{ along: 'DAYS_TO_PAYMENT', title: 'Claims by days from the incident to the first payment' }],
  'fund-median-days-to-payment': [],
};

/** The core disaggregations shown for every table that has them, by sex. */
const CORE: readonly { along: DimensionId; title: string }[] = [
  { along: 'EDUCATION', title: 'By level of education (ISCED 2011)' },
  { along: 'RECRUITMENT_CHANNEL', title: 'By recruitment channel' },
];

/** The vacancies table has no sex: occupations by what became of the vacancies. */
function vacancyTable(table: ReportTable, lookup: Lookup): string {
  const flows = lookup.dimension('VACANCY_FLOW')!.codes;
  const occupations = lookup.dimension('OCCUPATION')!.codes;
  const head = `<tr><th>Occupation (ISCO-08 major group)</th>${flows.map((f) => `<th>${esc(f.name)}</th>`).join('')}</tr>`;
  const rows = occupations.map((o) => {
    const cells = flows.map((f) => lookup.at({ OCCUPATION: o.id, VACANCY_FLOW: f.id }));
    return `<tr${o.id === '_T' ? ' class="total"' : ''}><td>${esc(o.name)}</td>${cells.map((c) => `<td>${cellText(table.decimals, c)}</td>`).join('')}</tr>`;
  });
  return `<h3>By occupation</h3><table><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

/** How each table of means is shown: the dimension its rows follow, with what to say when there is nothing. */
const MEANS: Partial<Record<ReportTable['id'], { along: DimensionId; title: string; heading: string; none: string }>> = {
  'recruitment-cost': {
    along: 'COUNTERPART_AREA',
    title: 'Mean cost in months of income, by country of destination and sex',
    heading: 'Country of destination',
    none: 'No departure in the period has both a recruitment cost and a monthly income recorded.',
  },
  'pass-rate-standard': {
    along: 'STANDARD',
    title: 'Units competent per unit assessed, by standard and sex',
    heading: 'Competency standard',
    none: 'No assessment is dated in the period.',
  },
  'placement-rate': {
    along: 'PLACEMENT_WINDOW',
    title: 'Returns placed per return whose window has elapsed, by window and sex',
    heading: 'Placed',
    none: 'No return in the period has been followed for three months yet.',
  },
  'fund-median-days-to-payment': {
    along: 'BENEFIT_TYPE',
    title: 'Median days from the incident to the first payment, by benefit type and sex',
    heading: 'Benefit type',
    none: 'No claim was first paid in the period.',
  },
  'pass-rate-unit': {
    along: 'COMPETENCY_UNIT',
    title: 'Assessments competent per assessment, by unit of competency and sex',
    heading: 'Unit of competency',
    none: 'No assessment is dated in the period.',
  },
};

function section(table: ReportTable): string {
  const lookup = new Lookup(table);
  const parts = [`<h2 id="${table.id}">${esc(table.title)}</h2><p class="definition">${esc(table.definition)}</p>`];
  const means = MEANS[table.id];
  if (table.unit === 'RATIO' && means) {
    const rows = bySex(lookup, means.along).filter((r) => (r.total?.count ?? 0) > 0 || r.total?.confidentiality === 'C');
    parts.push(
      rows.length === 0
        ? `<p class="note">${esc(means.none)}</p>`
        : `<h3>${esc(means.title)}</h3>${sexTable(table, rows, means.heading, lookup)}`,
    );
    return parts.join('');
  }
  if (table.id === 'vacancies') {
    parts.push(vacancyTable(table, lookup));
    return parts.join('');
  }
  const core = lookup.dimension('EDUCATION') ? CORE.map((c) => ({ ...c, fixed: CHARTS[table.id][0]?.fixed })) : [];
  for (const chart of [...CHARTS[table.id], ...core]) {
    const rows = bySex(lookup, chart.along, chart.fixed);
    parts.push(stackedBars(chart.title, rows, table.unitName));
    const shown = rows.filter((r) => (r.total?.value ?? 0) > 0 || r.total?.confidentiality === 'C');
    if (shown.length > 0) parts.push(sexTable(table, shown, lookup.dimension(chart.along)!.name, lookup, chart.fixed));
  }
  return parts.join('');
}

/** What the history holds that the tables could not place, said in the header; nothing when there is none. */
function unplacedNote(unplaced: Report['basis']['unplaced']): string {
  const codes = (list: readonly { code: string; cycles: number }[]) => list.map((c) => `${c.code} (${grouped(c.cycles)})`).join(', ');
  const parts = [
    ...(unplaced.countryCodes.length > 0
      ? [`country codes that name no country, counted as unknown: ${codes(unplaced.countryCodes)}`]
      : []),
    ...(unplaced.occupationCodes.length > 0
      ? [`occupation codes that are no ISCO-08 unit group, counted as unknown: ${codes(unplaced.occupationCodes)}`]
      : []),
    ...(unplaced.undatedFacts > 0 ? [`${grouped(unplaced.undatedFacts)} events with a date that cannot be placed, left out`] : []),
  ];
  return parts.length === 0 ? '' : `<p class="note">In the history (migration cycles in brackets): ${esc(parts.join('; '))}.</p>\n`;
}

export function renderHtml(report: Report, options: RenderOptions): string {
  const { request } = report;
  const origin = country(options.refArea)?.name ?? options.refArea;
  const title = `Labour migration statistics: ${origin}, as of ${request.asOf}`;
  const meta = [
    `Reference date ${request.asOf}`,
    `reference period ${request.period.name} (${isoOf(request.period.from)} to ${isoOf(request.period.to)})`,
    `flows by ${request.frequency}`,
    request.knownAt ? `as known at ${request.knownAt}` : 'everything recorded up to the replay',
    request.suppressBelow === undefined ? 'no suppression' : `counts below ${request.suppressBelow} suppressed (x)`,
    ...(options.generatedAt ? [`generated ${options.generatedAt}`] : []),
  ];
  const { basis } = report;
  const departures = report.tables.find((t) => t.id === 'departures');
  const returns = report.tables.find((t) => t.id === 'returns');
  const toc = [
    ...report.tables.map((t) => `<li><a href="#${t.id}">${esc(t.title)}</a></li>`),
    ...(departures || returns ? ['<li><a href="#over-time">Departures and returns over time</a></li>'] : []),
  ];
  return (
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<title>${esc(title)}</title>\n<style>${STYLE}</style>\n</head>\n<body>\n` +
    `<header><h1>${esc(title)}</h1><p class="meta">${esc(meta.join(' · '))}</p>` +
    `<p class="meta">Computed from ${grouped(basis.records)} registry records (${grouped(basis.erasedRecords)} with personal data erased, counted like every other) and ${grouped(basis.cycles)} migration cycles. Definitions follow the ILO guidelines on statistics of international labour migration (20th ICLS, 2018). x: suppressed; –: no data.</p></header>\n` +
    unplacedNote(basis.unplaced) +
    `<nav><ol>${toc.join('')}</ol></nav>\n` +
    report.tables.map((t) => `<section>${section(t)}</section>\n`).join('') +
    (departures || returns ? `<section>${timeSeries(departures, returns)}</section>\n` : '') +
    `<footer><p class="note">Full cross-tabulations (every combination of the dimensions, zero cells included) are in the CSV, JSON and SDMX-CSV outputs of the same report.</p></footer>\n` +
    `</body>\n</html>\n`
  );
}
