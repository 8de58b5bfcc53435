import { MigrationHistory } from '../domain/history/migration-history';
import { buildReport } from '../domain/reports/build-report';
import { parsePeriod } from '../domain/reports/period';
import { HistoryWriter } from '../domain/reports/reports.spec-helpers';
import type { Report } from '../domain/reports/report-table';
import { renderCsv } from './csv.format';
import { renderHtml } from './html.format';
import { renderJson } from './json.format';
import { OUTPUT_FORMATS, render } from './render';
import { SdmxCodeError, renderSdmxCsv } from './sdmx-csv.format';

function reportOf(
  writer: HistoryWriter,
  reports: Report['request']['reports'] = ['stock', 'departures', 'returns', 'durations', 'recruitment-cost'],
): Report {
  const history = new MigrationHistory();
  for (const f of writer.facts) history.apply(f);
  return buildReport(history, { asOf: '2025-12-31', period: parsePeriod('2025-Q4'), frequency: 'month', reports });
}

const history = () =>
  new HistoryWriter()
    .registered('a', 'F', 1990, '2025-01-01')
    .departed('a', 1, '2025-10-02', 'HK', '9111', {
      cost: { currency: 'HKD', amountMinor: 1000 },
      income: { currency: 'HKD', amountMinor: 3000 },
    })
    .registered('b', 'M', 1980, '2025-01-01')
    .returned('b', 1, '2025-11-11', 'SA', 'assisted', 'death', { undocumented: true });
const options = { refArea: 'PH', agency: 'PSA' };

describe('SDMX-CSV 2.0', () => {
  const sdmx = renderSdmxCsv(reportOf(history(), ['departures', 'recruitment-cost']), options);
  const lines = sdmx.split('\r\n');

  it('has the fixed columns, the union of the dataflows’ dimensions, OBS_VALUE and the attributes', () => {
    expect(lines[0]).toBe(
      'STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,SEX,COUNTERPART_AREA,EDUCATION,RECRUITMENT_CHANNEL,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,OBS_STATUS,CONF_STATUS,OBS_COUNT,OBS_EXCLUDED',
    );
  });

  it('writes countries in alpha-3 and leaves empty what a dataflow does not have', () => {
    expect(lines).toContain('dataflow,PSA:DF_MIGW_OUTFLOW(1.0),I,PHL,F,HKG,_T,_T,2025-10,1,NUM,A,F,,');
    expect(lines).toContain('dataflow,PSA:DF_SDG_10_7_1(1.0),I,PHL,F,HKG,_T,_T,2025-Q4,0.3333,RATIO,A,F,1,0');
    expect(lines).toContain('dataflow,PSA:DF_SDG_10_7_1(1.0),I,PHL,M,HKG,_T,_T,2025-Q4,,RATIO,M,F,0,0');
    // Education and channel, crossed with sex and country over the whole period: neither was recorded for this worker.
    expect(lines).toContain('dataflow,PSA:DF_MIGW_OUTFLOW(1.0),I,PHL,F,HKG,_U,_U,2025-Q4,1,NUM,A,F,,');
    expect(lines).toContain('dataflow,PSA:DF_MIGW_OUTFLOW(1.0),I,PHL,F,HKG,ISCED11_3,REG_AGENCY,2025-Q4,0,NUM,A,F,,');
    expect(lines.some((line) => line.includes(',F,HKG,_U,_U,2025-10,'))).toBe(false);
  });

  it('ends every line with CRLF (RFC 4180), the last one too', () => {
    expect(sdmx.endsWith('\r\n')).toBe(true);
    expect(sdmx.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('counts destinations that name no country under _U and still renders, for everyone', () => {
    const odd = new HistoryWriter()
      .registered('c', 'F', 1990, '2025-01-01')
      .departed('c', 1, '2025-10-02', 'XX', '9111')
      .registered('d', 'M', 1990, '2025-01-01')
      .departed('d', 1, '2025-10-03', 'UK', '9111')
      .registered('e', 'F', 1990, '2025-01-01')
      .departed('e', 1, '2025-10-04', 'SA', '9111');
    const lines = renderSdmxCsv(reportOf(odd, ['departures']), options).split('\r\n');
    expect(lines).toContain('dataflow,PSA:DF_MIGW_OUTFLOW(1.0),I,PHL,_T,_U,_T,_T,2025-Q4,2,NUM,A,F');
    expect(lines).toContain('dataflow,PSA:DF_MIGW_OUTFLOW(1.0),I,PHL,_T,SAU,_T,_T,2025-Q4,1,NUM,A,F');
    expect(lines.some((line) => /,(XX|UK),/.test(line))).toBe(false);
  });

  it('refuses a reporting country that is not one: a setting to correct, not a record', () => {
    expect(() => renderSdmxCsv(reportOf(history(), ['departures']), { ...options, refArea: 'XX' })).toThrow(SdmxCodeError);
  });
});

describe('plain CSV', () => {
  const csv = renderCsv(reportOf(history(), ['stock']));

  it('names each code, quoting names that hold a comma', () => {
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'table,sex,sex_name,country,country_name,occupation,occupation_name,age_group,age_group_name,education,education_name,recruitment_channel,recruitment_channel_name,period,period_name,value,unit,status',
    );
    expect(lines).toContain(
      'stock,F,Female,HK,Hong Kong,9,Elementary occupations,Y35T44,35 to 44 years,_T,Total,_T,Total,2025-12-31,2025-12-31,1,Persons,',
    );
    expect(lines).toContain(
      'stock,F,Female,HK,Hong Kong,8,"Plant and machine operators, and assemblers",Y35T44,35 to 44 years,_T,Total,_T,Total,2025-12-31,2025-12-31,0,Persons,',
    );
  });
});

describe('JSON', () => {
  it('is valid JSON with the request, the basis and each table with its code lists', () => {
    const parsed = JSON.parse(renderJson(reportOf(history()), options)) as Record<string, any>;
    expect(parsed).toMatchObject({
      refArea: 'PH',
      asOf: '2025-12-31',
      period: { code: '2025-Q4', from: '2025-10-01', to: '2025-12-31' },
      knownAt: null,
      basis: { records: 2, erasedRecords: 0, cycles: 2, unplaced: { countryCodes: [], occupationCodes: [], undatedFacts: 0 } },
    });
    expect(parsed.generatedAt).toBeUndefined();
    expect(parsed.tables.map((t: { id: string }) => t.id)).toEqual([
      'stock',
      'departures',
      'returns',
      'time-abroad',
      'time-since-return',
      'recruitment-cost',
    ]);
    const returns = parsed.tables[2];
    expect(returns.structure).toBe('PSA:DF_MIGW_RETURN(1.0)');
    expect(returns.observations).toContainEqual({
      key: ['M', 'SA', 'ASSISTED', 'DEATH', '_T', '_T', '2025-11'],
      value: 1,
      status: 'A',
      confidentiality: 'F',
    });
  });

  it('prints the time of generation only when given one', () => {
    expect(JSON.parse(renderJson(reportOf(history()), { ...options, generatedAt: '2026-02-01T08:00:00Z' })).generatedAt).toBe(
      '2026-02-01T08:00:00Z',
    );
  });
});

describe('HTML', () => {
  const html = renderHtml(reportOf(history()), options);

  it('is self-contained: inline SVG charts, no script, nothing fetched from elsewhere', () => {
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html.match(/<svg /g)!.length).toBeGreaterThanOrEqual(5);
    expect(html).not.toMatch(/<script|<link|<img|src=|url\(/i);
    expect(html).toContain('Departures and returns over time');
    expect(html).toContain('<polyline');
  });

  it('escapes what it shows', () => {
    expect(html).toContain('Hong Kong (HK)');
    expect(html).not.toMatch(/<title>[^<]*&[^a-z#]/);
  });
});

describe('every format', () => {
  it.each(OUTPUT_FORMATS)('%s renders the same report to the same bytes', (format) => {
    expect(render(reportOf(history()), format, options).body).toBe(render(reportOf(history()), format, options).body);
  });
});

describe('a history with codes recorded before the registry checked them', () => {
  const odd = history().registered('c', 'F', 1990, '2025-01-01').departed('c', 1, '2025-10-02', 'XX', '0000');

  it('lists them in the JSON basis', () => {
    expect(JSON.parse(renderJson(reportOf(odd), options)).basis.unplaced).toEqual({
      countryCodes: [{ code: 'XX', cycles: 1 }],
      occupationCodes: [{ code: '0000', cycles: 1 }],
      undatedFacts: 0,
    });
  });

  it('says so in the HTML header, and says nothing when there is nothing to say', () => {
    expect(renderHtml(reportOf(odd), options)).toContain(
      'In the history (migration cycles in brackets): country codes that name no country, counted as unknown: XX (1); occupation codes that are no ISCO-08 unit group, counted as unknown: 0000 (1).',
    );
    expect(renderHtml(reportOf(history()), options)).not.toContain('In the history');
  });
});
