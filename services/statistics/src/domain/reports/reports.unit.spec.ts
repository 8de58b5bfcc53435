import { MigrationHistory } from '../history/migration-history';
import { buildReport } from './build-report';
import { parsePeriod } from './period';
import { crossTab, HistoryWriter } from './reports.spec-helpers';
import type { Report, ReportRequest, ReportTable, TableId } from './report-table';

/*
 * A small history whose tables were worked out by hand (not by the code under test). Reference date
 * 2025-12-31, reference period 2025, flows by quarter.
 *
 *  ana   F 1990  left 2024-03-10 for SA as 9111 (elementary); still abroad.
 *  ben   M 1985  left 2025-02-01 for AE as 7112, cost AED 3,000 / income AED 2,000 (1.5 months);
 *                back 2025-08-15 from AE, unassisted, terminated early;
 *                RE-MIGRATION: left 2025-10-01 for QA as 8322, cost QAR 1,000 / income QAR 4,000 (0.25).
 *  carla F 2000  left 2023-05-20 for SA as 5322; back 2025-11-20 from SA, assisted, abuse — RECORDED LATE,
 *                on 2026-01-15 (30 months abroad; 1 month since return on the reference date).
 *  dan   M 1995  UNDOCUMENTED return 2025-06-05 from MY, unassisted, deportation (no departure recorded;
 *                6 months since return).
 *  eva   F 1978  left 2025-04-12 for HK as 9111, cost PHP 10,000 / income HKD 4,600 (different currencies);
 *                personal data ERASED on 2025-09-01 — still counted.
 *  fay   U→F 1992 registered with sex unknown, corrected to female; left 2025-07-03 for SA as 9111, became
 *                5152 (service) on 2025-09-01.
 *  gil   M 1999  leaves 2026-01-05 for SA: after the reference date, counted nowhere.
 *  ana's departure is delivered twice (at-least-once log): counted once.
 */
function history(): HistoryWriter {
  return new HistoryWriter()
    .registered('ana', 'F', 1990, '2024-01-15')
    .departed('ana', 1, '2024-03-10', 'SA', '9111')
    .registered('ben', 'M', 1985, '2024-11-02')
    .departed('ben', 1, '2025-02-01', 'AE', '7112', {
      cost: { currency: 'AED', amountMinor: 300_000 },
      income: { currency: 'AED', amountMinor: 200_000 },
    })
    .returned('ben', 1, '2025-08-15', 'AE', 'unassisted', 'terminated_early')
    .departed('ben', 2, '2025-10-01', 'QA', '8322', {
      cost: { currency: 'QAR', amountMinor: 100_000 },
      income: { currency: 'QAR', amountMinor: 400_000 },
    })
    .registered('carla', 'F', 2000, '2023-04-01')
    .departed('carla', 1, '2023-05-20', 'SA', '5322')
    .returned('carla', 1, '2025-11-20', 'SA', 'assisted', 'abuse_or_exploitation', { recorded: '2026-01-15T09:30:00Z' })
    .registered('dan', 'M', 1995, '2025-06-05')
    .returned('dan', 1, '2025-06-05', 'MY', 'unassisted', 'deportation', { undocumented: true })
    .registered('eva', 'F', 1978, '2025-03-01')
    .departed('eva', 1, '2025-04-12', 'HK', '9111', {
      cost: { currency: 'PHP', amountMinor: 1_000_000 },
      income: { currency: 'HKD', amountMinor: 460_000 },
    })
    .erased('eva', '2025-09-01')
    .registered('fay', 'U', 1992, '2025-06-01')
    .correctedSex('fay', 'F', '2025-06-02')
    .departed('fay', 1, '2025-07-03', 'SA', '9111')
    .changedOccupation('fay', 1, '2025-09-01', '5152')
    .registered('gil', 'M', 1999, '2025-12-01')
    .departed('gil', 1, '2026-01-05', 'SA', '9111');
}

function replayed(writer: HistoryWriter, knownAt?: string): MigrationHistory {
  const folded = new MigrationHistory(knownAt ? { knownAt: Date.parse(knownAt) } : {});
  for (const fact of writer.facts) folded.apply(fact);
  // The log is at-least-once: ana's departure arrives a second time.
  folded.apply(writer.facts[1]!);
  return folded;
}

const request = (overrides: Partial<ReportRequest> = {}): ReportRequest => ({
  asOf: '2025-12-31',
  period: parsePeriod('2025'),
  frequency: 'quarter',
  reports: ['stock', 'departures', 'returns', 'durations', 'recruitment-cost'],
  ...overrides,
});

const table = (report: Report, id: TableId): ReportTable => report.tables.find((t) => t.id === id)!;

describe('a report as of 2025-12-31 for 2025, from everything recorded', () => {
  const report = buildReport(replayed(history()), request());

  it('counts who is abroad on the reference date by country and sex: the re-migrant in his new country, the erased person, not the late-recorded returnee', () => {
    expect(crossTab(table(report, 'stock'), 'COUNTERPART_AREA', 'SEX')).toEqual([
      ['COUNTERPART_AREA\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 4, 3, 1, 0, 0],
      ['AE', 0, 0, 0, 0, 0],
      ['HK', 1, 1, 0, 0, 0],
      ['MY', 0, 0, 0, 0, 0],
      ['QA', 1, 0, 1, 0, 0],
      ['SA', 2, 2, 0, 0, 0],
      ['_U', 0, 0, 0, 0, 0],
    ]);
  });

  it('counts the stock by occupation held on the reference date (fay changed to a service job) and by age reached in 2025', () => {
    expect(crossTab(table(report, 'stock'), 'OCCUPATION', 'SEX')).toEqual([
      ['OCCUPATION\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 4, 3, 1, 0, 0],
      ['1', 0, 0, 0, 0, 0],
      ['2', 0, 0, 0, 0, 0],
      ['3', 0, 0, 0, 0, 0],
      ['4', 0, 0, 0, 0, 0],
      ['5', 1, 1, 0, 0, 0],
      ['6', 0, 0, 0, 0, 0],
      ['7', 0, 0, 0, 0, 0],
      ['8', 1, 0, 1, 0, 0],
      ['9', 2, 2, 0, 0, 0],
      ['0', 0, 0, 0, 0, 0],
      ['_U', 0, 0, 0, 0, 0],
    ]);
    expect(crossTab(table(report, 'stock'), 'AGE', 'SEX')).toEqual([
      ['AGE\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 4, 3, 1, 0, 0],
      ['Y_LT15', 0, 0, 0, 0, 0],
      ['Y15T24', 0, 0, 0, 0, 0],
      ['Y25T34', 1, 1, 0, 0, 0],
      ['Y35T44', 2, 1, 1, 0, 0],
      ['Y45T54', 1, 1, 0, 0, 0],
      ['Y55T64', 0, 0, 0, 0, 0],
      ['Y_GE65', 0, 0, 0, 0, 0],
      ['_U', 0, 0, 0, 0, 0],
    ]);
  });

  it('keeps every cell of the cross product, zero cells included, and measures the stock on the reference date', () => {
    const stock = table(report, 'stock');
    // 5 sexes × 7 countries × 12 occupations × 9 age groups × 1 date, then 5 sexes × 7 countries × 11 levels of
    // education × 6 recruitment channels, less the 5 × 7 cells the first crossing already holds.
    expect(stock.observations).toHaveLength(5 * 7 * 12 * 9 + 5 * 7 * 11 * 6 - 5 * 7);
    expect(stock.dimensions.find((d) => d.id === 'TIME_PERIOD')!.codes.map((c) => c.id)).toEqual(['2025-12-31']);
    expect(stock.observations.filter((o) => o.value === 0).length).toBeGreaterThan(3000);
  });

  it('counts departures in the period by country and quarter — both of the re-migrant, none from 2024 or after the reference date', () => {
    expect(crossTab(table(report, 'departures'), 'COUNTERPART_AREA', 'TIME_PERIOD')).toEqual([
      ['COUNTERPART_AREA\\TIME_PERIOD', '2025', '2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4'],
      ['_T', 4, 1, 1, 1, 1],
      ['AE', 1, 1, 0, 0, 0],
      ['HK', 1, 0, 1, 0, 0],
      ['MY', 0, 0, 0, 0, 0],
      ['QA', 1, 0, 0, 0, 1],
      ['SA', 1, 0, 0, 1, 0],
      ['_U', 0, 0, 0, 0, 0],
    ]);
    expect(crossTab(table(report, 'departures'), 'SEX', 'TIME_PERIOD')).toEqual([
      ['SEX\\TIME_PERIOD', '2025', '2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4'],
      ['_T', 4, 1, 1, 1, 1],
      ['F', 2, 0, 1, 1, 0],
      ['M', 2, 1, 0, 0, 1],
      ['_O', 0, 0, 0, 0, 0],
      ['_U', 0, 0, 0, 0, 0],
    ]);
  });

  it('counts returns in the period — the late-recorded one in its own quarter, the undocumented one too — by reason, type and country', () => {
    const returns = table(report, 'returns');
    expect(crossTab(returns, 'RETURN_REASON', 'SEX')).toEqual([
      ['RETURN_REASON\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 3, 1, 2, 0, 0],
      ['CONTRACT_COMPLETED', 0, 0, 0, 0, 0],
      ['TERMINATED_EARLY', 1, 0, 1, 0, 0],
      ['ABUSE_EXPLOITATION', 1, 1, 0, 0, 0],
      ['ILLNESS_INJURY', 0, 0, 0, 0, 0],
      ['DEATH', 0, 0, 0, 0, 0],
      ['DEPORTATION', 1, 0, 1, 0, 0],
      ['EVACUATION', 0, 0, 0, 0, 0],
      ['VOLUNTARY', 0, 0, 0, 0, 0],
      ['OTHER', 0, 0, 0, 0, 0],
      ['_U', 0, 0, 0, 0, 0],
    ]);
    expect(crossTab(returns, 'RETURN_TYPE', 'SEX')).toEqual([
      ['RETURN_TYPE\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 3, 1, 2, 0, 0],
      ['ASSISTED', 1, 1, 0, 0, 0],
      ['UNASSISTED', 2, 0, 2, 0, 0],
      ['_U', 0, 0, 0, 0, 0],
    ]);
    expect(crossTab(returns, 'COUNTERPART_AREA', 'TIME_PERIOD')).toEqual([
      ['COUNTERPART_AREA\\TIME_PERIOD', '2025', '2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4'],
      ['_T', 3, 0, 1, 1, 1],
      ['AE', 1, 0, 0, 1, 0],
      ['HK', 0, 0, 0, 0, 0],
      ['MY', 1, 0, 1, 0, 0],
      ['QA', 0, 0, 0, 0, 0],
      ['SA', 1, 0, 0, 0, 1],
      ['_U', 0, 0, 0, 0, 0],
    ]);
    // A single detailed cell: the undocumented deportee from Malaysia, in the second quarter.
    expect(crossTab(returns, 'RETURN_REASON', 'TIME_PERIOD', { SEX: 'M', COUNTERPART_AREA: 'MY', RETURN_TYPE: 'UNASSISTED' })[7]).toEqual([
      'DEPORTATION',
      1,
      0,
      1,
      0,
      0,
    ]);
  });

  it('counts return migrant workers (not the re-migrant who left again) by time abroad and time since return', () => {
    expect(crossTab(table(report, 'time-abroad'), 'DURATION_ABROAD', 'SEX')).toEqual([
      ['DURATION_ABROAD\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 2, 1, 1, 0, 0],
      ['M_LT6', 0, 0, 0, 0, 0],
      ['M6T11', 0, 0, 0, 0, 0],
      ['M12T23', 0, 0, 0, 0, 0],
      ['M24T59', 1, 1, 0, 0, 0],
      ['M_GE60', 0, 0, 0, 0, 0],
      ['_U', 1, 0, 1, 0, 0],
    ]);
    expect(crossTab(table(report, 'time-since-return'), 'TIME_SINCE_RETURN', 'SEX')).toEqual([
      ['TIME_SINCE_RETURN\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 2, 1, 1, 0, 0],
      ['M_LT3', 1, 1, 0, 0, 0],
      ['M3T5', 0, 0, 0, 0, 0],
      ['M6T11', 1, 0, 1, 0, 0],
      ['M12T23', 0, 0, 0, 0, 0],
      ['M_GE24', 0, 0, 0, 0, 0],
    ]);
  });

  it('averages recruitment cost over monthly income where both are recorded in comparable currencies, counting the rest as excluded', () => {
    const cost = table(report, 'recruitment-cost');
    expect(crossTab(cost, 'COUNTERPART_AREA', 'SEX')).toEqual([
      ['COUNTERPART_AREA\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 0.875, '-', 0.875, '-', '-'],
      ['AE', 1.5, '-', 1.5, '-', '-'],
      ['HK', '-', '-', '-', '-', '-'],
      ['MY', '-', '-', '-', '-', '-'],
      ['QA', 0.25, '-', 0.25, '-', '-'],
      ['SA', '-', '-', '-', '-', '-'],
      ['_U', '-', '-', '-', '-', '-'],
    ]);
    const total = cost.observations.find((o) => o.key.join() === '_T,_T,_T,_T,2025')!;
    expect(total).toMatchObject({ value: 0.875, count: 2, excluded: 1, status: 'A' });
    expect(cost.observations.find((o) => o.key.join() === 'F,HK,_T,_T,2025')).toMatchObject({ status: 'M', count: 0, excluded: 1 });
  });

  it('says what it was computed from: every record, the erased one included', () => {
    expect(report.basis).toEqual({
      records: 7,
      erasedRecords: 1,
      cycles: 8,
      unplaced: { countryCodes: [], occupationCodes: [], undatedFacts: 0 },
    });
  });
});

describe('the same report with exchange rates (1 HKD = 7 PHP)', () => {
  it('compares the cost in pesos with the income in Hong Kong dollars: 10,000 / (4,600 × 7) = 0.3106', () => {
    const report = buildReport(replayed(history()), request({ reports: ['recruitment-cost'], exchangeRates: { PHP: 1, HKD: 7 } }));
    expect(crossTab(report.tables[0]!, 'COUNTERPART_AREA', 'SEX').slice(0, 3)).toEqual([
      ['COUNTERPART_AREA\\SEX', '_T', 'F', 'M', '_O', '_U'],
      // (1.5 + 0.25 + 0.310559) / 3 = 0.686853
      ['_T', 0.6869, 0.3106, 0.875, '-', '-'],
      ['AE', 1.5, '-', 1.5, '-', '-'],
    ]);
  });
});

describe('the same report as known at 2026-01-01 (before the late return was recorded on 2026-01-15)', () => {
  const report = buildReport(replayed(history(), '2026-01-01T23:59:59.999Z'), request({ knownAt: '2026-01-01T23:59:59.999Z' }));

  it('still has carla abroad in Saudi Arabia', () => {
    expect(crossTab(table(report, 'stock'), 'COUNTERPART_AREA', 'SEX')).toEqual([
      ['COUNTERPART_AREA\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 5, 4, 1, 0, 0],
      ['AE', 0, 0, 0, 0, 0],
      ['HK', 1, 1, 0, 0, 0],
      ['MY', 0, 0, 0, 0, 0],
      ['QA', 1, 0, 1, 0, 0],
      ['SA', 3, 3, 0, 0, 0],
      ['_U', 0, 0, 0, 0, 0],
    ]);
    expect(crossTab(table(report, 'stock'), 'AGE', 'SEX')[4]).toEqual(['Y25T34', 2, 2, 0, 0, 0]);
  });

  it('has no return in the fourth quarter, and only the undocumented returnee as a return migrant worker', () => {
    expect(crossTab(table(report, 'returns'), 'SEX', 'TIME_PERIOD')).toEqual([
      ['SEX\\TIME_PERIOD', '2025', '2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4'],
      ['_T', 2, 0, 1, 1, 0],
      ['F', 0, 0, 0, 0, 0],
      ['M', 2, 0, 1, 1, 0],
      ['_O', 0, 0, 0, 0, 0],
      ['_U', 0, 0, 0, 0, 0],
    ]);
    expect(crossTab(table(report, 'time-abroad'), 'DURATION_ABROAD', 'SEX')[1]).toEqual(['_T', 1, 0, 1, 0, 0]);
  });

  it('includes the late return once the cut-off reaches the day it was recorded', () => {
    const later = buildReport(replayed(history(), '2026-01-15T23:59:59.999Z'), request({ reports: ['returns'] }));
    expect(crossTab(later.tables[0]!, 'SEX', 'TIME_PERIOD')[1]).toEqual(['_T', 3, 0, 1, 1, 1]);
  });
});

describe('suppression below 2', () => {
  const report = buildReport(replayed(history()), request({ reports: ['stock', 'recruitment-cost'], suppressBelow: 2 }));

  it('hides counts of 1, shows zeros and counts of 2 or more', () => {
    expect(crossTab(table(report, 'stock'), 'COUNTERPART_AREA', 'SEX')).toEqual([
      ['COUNTERPART_AREA\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 4, 3, 'x', 0, 0],
      ['AE', 0, 0, 0, 0, 0],
      ['HK', 'x', 'x', 0, 0, 0],
      ['MY', 0, 0, 0, 0, 0],
      ['QA', 'x', 0, 'x', 0, 0],
      ['SA', 2, 2, 0, 0, 0],
      ['_U', 0, 0, 0, 0, 0],
    ]);
    const hidden = table(report, 'stock').observations.find((o) => o.key.join() === 'M,_T,_T,_T,_T,_T,2025-12-31')!;
    expect(hidden).toMatchObject({ value: undefined, confidentiality: 'C' });
  });

  it('hides means over fewer than 2 departures, and their counts', () => {
    const ae = table(report, 'recruitment-cost').observations.find((o) => o.key.join() === 'M,AE,_T,_T,2025')!;
    expect(ae).toEqual({ key: ['M', 'AE', '_T', '_T', '2025'], value: undefined, status: 'A', confidentiality: 'C', excluded: 0 });
  });
});

describe('a report for a range of days', () => {
  it('breaks the range down by clipped months and names it as an SDMX time range', () => {
    const report = buildReport(
      replayed(history()),
      request({ period: parsePeriod('2025-07-01..2025-10-15'), frequency: 'month', reports: ['departures'] }),
    );
    expect(crossTab(report.tables[0]!, 'SEX', 'TIME_PERIOD').slice(0, 2)).toEqual([
      ['SEX\\TIME_PERIOD', '2025-07-01/P107D', '2025-07', '2025-08', '2025-09', '2025-10'],
      ['_T', 2, 1, 0, 0, 1],
    ]);
  });

  it('refuses a reference date before the period', () => {
    expect(() => buildReport(replayed(history()), request({ asOf: '2024-12-31' }))).toThrow(/before the reference period/);
  });
});

/*
 * Values stored before the registry checked them (issue 9): they must never stop a report, nor vanish.
 *
 *  hal  M 1990  left 2025-03-01 for XX (user-assigned: no country) as 9111; abroad.
 *  ida  F 1991  left 2025-04-01 for UK (reserved, not GB) as 5322; abroad.
 *  jon  M 1985  undocumented return 2025-05-01 from EU (reserved: no country).
 *  kim  F 1980  left "0001-01-01" for SA (recorded 2025-01-02): a date no one can place.
 *  lea  F 1993  left 2025-06-01 for SA as "0000" (no ISCO-08 unit group); abroad.
 */
describe('a history holding codes and dates recorded before the registry checked them', () => {
  const writer = new HistoryWriter()
    .registered('hal', 'M', 1990, '2025-01-01')
    .departed('hal', 1, '2025-03-01', 'XX', '9111')
    .registered('ida', 'F', 1991, '2025-01-01')
    .departed('ida', 1, '2025-04-01', 'UK', '5322')
    .registered('jon', 'M', 1985, '2025-01-01')
    .returned('jon', 1, '2025-05-01', 'EU', 'unassisted', 'voluntary', { undocumented: true })
    .registered('kim', 'F', 1980, '2025-01-01')
    .departed('kim', 1, '0001-01-01', 'SA', '9111', { recorded: '2025-01-02' })
    .registered('lea', 'F', 1993, '2025-01-01')
    .departed('lea', 1, '2025-06-01', 'SA', '0000');
  const folded = new MigrationHistory();
  for (const fact of writer.facts) folded.apply(fact);
  const report = buildReport(folded, request());

  it('counts a country code that names no country as unknown, in the stock and in the flows', () => {
    expect(crossTab(table(report, 'stock'), 'COUNTERPART_AREA', 'SEX')).toEqual([
      ['COUNTERPART_AREA\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 3, 2, 1, 0, 0],
      ['SA', 1, 1, 0, 0, 0],
      ['_U', 2, 1, 1, 0, 0],
    ]);
    expect(crossTab(table(report, 'departures'), 'COUNTERPART_AREA', 'TIME_PERIOD')).toEqual([
      ['COUNTERPART_AREA\\TIME_PERIOD', '2025', '2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4'],
      ['_T', 3, 1, 2, 0, 0],
      ['SA', 1, 0, 1, 0, 0],
      ['_U', 2, 1, 1, 0, 0],
    ]);
    expect(crossTab(table(report, 'returns'), 'COUNTERPART_AREA', 'SEX')).toEqual([
      ['COUNTERPART_AREA\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 1, 0, 1, 0, 0],
      ['SA', 0, 0, 0, 0, 0],
      ['_U', 1, 0, 1, 0, 0],
    ]);
  });

  it('counts an occupation that is no ISCO-08 unit group as unknown', () => {
    const bySex = crossTab(table(report, 'stock'), 'OCCUPATION', 'SEX');
    expect(bySex.find((row) => row[0] === '_U')).toEqual(['_U', 1, 1, 0, 0, 0]);
    expect(bySex.find((row) => row[0] === '0')).toEqual(['0', 0, 0, 0, 0, 0]);
  });

  it('leaves out the departure it cannot date, and says what it could not place', () => {
    expect(report.basis.unplaced).toEqual({
      countryCodes: [
        { code: 'EU', cycles: 1 },
        { code: 'UK', cycles: 1 },
        { code: 'XX', cycles: 1 },
      ],
      occupationCodes: [{ code: '0000', cycles: 1 }],
      undatedFacts: 1,
    });
  });
});
