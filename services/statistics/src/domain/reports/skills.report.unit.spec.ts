import { MigrationHistory } from '../history/migration-history';
import { buildReport } from './build-report';
import { parsePeriod } from './period';
import { crossTab, HistoryWriter } from './reports.spec-helpers';
import type { Report, ReportRequest, ReportTable, TableId } from './report-table';

/*
 * The skills tables of a small history worked out by hand. Reference date 2025-12-31, period 2025, by quarter.
 *
 * Standards: WELD@1 "Shielded metal arc welding", ISCO-08 7212, units W1 W2 W3;
 *            COOK@1 "Cookery", ISCO-08 5120, units C1 C2.
 *  ana  F  SA 2023-02-01 → back 2025-01-20. WELD 2025-02-10: W1 ✓ W2 ✓ W3 ✗ → certificate of competency
 *          ANA-1 2025-02-15; reassessed W3 ✓ 2025-05-05 → full qualification ANA-2 2025-05-10, which
 *          supersedes ANA-1; ANA-2 suspended 2025-07-01, reinstated 2025-08-01. Her first assessment is
 *          delivered twice (at-least-once log): counted once.
 *  ben  M  AE 2022-05-01 → back 2024-12-01; leaves again for QA on 2025-09-01. WELD 2025-03-03: W1 ✓ W2 ✗
 *          W3 ✗ → certificate of competency BEN-1 2025-03-20, revoked 2025-06-01 (a reinstatement the day
 *          after changes nothing). His last cycle by then is AE's, not QA's.
 *  cora F  SA 2021-01-01 → back 2025-03-01. COOK 2025-04-01: C1 ✓ C2 ✓ → full qualification 2025-04-02,
 *          expiring 2025-12-15, RECORDED LATE on 2026-01-10.
 *  dan  M  never left. COOK 2026-01-05: after the reference date, counted nowhere.
 */
function history(): HistoryWriter {
  return new HistoryWriter()
    .standard('WELD', 1, 'Shielded metal arc welding', '7212', '2024-06-01')
    .standard('COOK', 1, 'Cookery', '5120', '2024-06-01')
    .registered('ana', 'F', 1990, '2023-01-10')
    .departed('ana', 1, '2023-02-01', 'SA', '7212')
    .returned('ana', 1, '2025-01-20', 'SA', 'unassisted', 'contract_completed')
    .assessed('ana', 'WELD@1', '2025-02-10', { W1: true, W2: true, W3: false })
    .certified('ana', 'WELD', 'partial', '2025-02-15', { number: 'ANA-1' })
    .assessed('ana', 'WELD@1', '2025-05-05', { W3: true })
    .certified('ana', 'WELD', 'full', '2025-05-10', { number: 'ANA-2' })
    .certificateChanged('ANA-1', 'superseded', '2025-05-10')
    .certificateChanged('ANA-2', 'suspended', '2025-07-01')
    .certificateChanged('ANA-2', 'reinstated', '2025-08-01')
    .registered('ben', 'M', 1985, '2022-04-01')
    .departed('ben', 1, '2022-05-01', 'AE', '7212')
    .returned('ben', 1, '2024-12-01', 'AE', 'unassisted', 'contract_completed')
    .assessed('ben', 'WELD@1', '2025-03-03', { W1: true, W2: false, W3: false })
    .certified('ben', 'WELD', 'partial', '2025-03-20', { number: 'BEN-1' })
    .certificateChanged('BEN-1', 'revoked', '2025-06-01')
    .certificateChanged('BEN-1', 'reinstated', '2025-06-02')
    .departed('ben', 2, '2025-09-01', 'QA', '7212')
    .registered('cora', 'F', 1992, '2020-12-01')
    .departed('cora', 1, '2021-01-01', 'SA', '5120')
    .returned('cora', 1, '2025-03-01', 'SA', 'assisted', 'contract_completed')
    .assessed('cora', 'COOK@1', '2025-04-01', { C1: true, C2: true })
    .certified('cora', 'COOK', 'full', '2025-04-02', { recorded: '2026-01-10T10:00:00Z', expiresOn: '2025-12-15' })
    .registered('dan', 'M', 1999, '2025-10-01')
    .assessed('dan', 'COOK@1', '2026-01-05', { C1: true, C2: false });
}

/** The two topics are read side by side: `skillsFirst` folds every skills fact before any registration fact. */
function replayed(writer: HistoryWriter, options: { knownAt?: string; skillsFirst?: boolean } = {}): MigrationHistory {
  const folded = new MigrationHistory(options.knownAt ? { knownAt: Date.parse(options.knownAt) } : {});
  const facts = options.skillsFirst ? [...writer.skillsFacts, ...writer.facts] : [...writer.facts, ...writer.skillsFacts];
  for (const fact of facts) folded.apply(fact);
  // ana's first assessment, again.
  folded.apply(writer.skillsFacts[2]!);
  return folded;
}

const request = (overrides: Partial<ReportRequest> = {}): ReportRequest => ({
  asOf: '2025-12-31',
  period: parsePeriod('2025'),
  frequency: 'quarter',
  reports: ['assessments', 'pass-rates', 'certificates'],
  ...overrides,
});

const table = (report: Report, id: TableId): ReportTable => report.tables.find((t) => t.id === id)!;

describe('the skills tables as of 2025-12-31 for 2025, from everything recorded', () => {
  const report = buildReport(replayed(history()), request());

  it('comes as four tables, in a fixed order', () => {
    expect(report.tables.map((t) => t.id)).toEqual(['assessments', 'pass-rate-standard', 'pass-rate-unit', 'certificates']);
  });

  it('counts assessments by the country of the last cycle by their date (ben by AE, not QA) and sex; a redelivery once, dan not yet', () => {
    expect(crossTab(table(report, 'assessments'), 'COUNTERPART_AREA', 'SEX')).toEqual([
      ['COUNTERPART_AREA\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 4, 3, 1, 0, 0],
      ['AE', 1, 0, 1, 0, 0],
      ['QA', 0, 0, 0, 0, 0],
      ['SA', 3, 3, 0, 0, 0],
      ['_U', 0, 0, 0, 0, 0],
    ]);
  });

  it("counts assessments by the standard's occupation and quarter", () => {
    const rows = crossTab(table(report, 'assessments'), 'OCCUPATION', 'TIME_PERIOD');
    expect(rows[0]).toEqual(['OCCUPATION\\TIME_PERIOD', '2025', '2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']);
    expect(rows.filter((r) => ['_T', '5', '7'].includes(String(r[0])))).toEqual([
      ['_T', 4, 2, 2, 0, 0],
      ['5', 1, 0, 1, 0, 0],
      ['7', 3, 2, 1, 0, 0],
    ]);
  });

  it('gives the pass rate per standard: units competent over units assessed', () => {
    const passRate = table(report, 'pass-rate-standard');
    expect(passRate.dimensions.find((d) => d.id === 'STANDARD')!.codes).toEqual([
      { id: '_T', name: 'Total' },
      { id: 'COOK', name: 'Cookery' },
      { id: 'WELD', name: 'Shielded metal arc welding' },
    ]);
    expect(crossTab(passRate, 'STANDARD', 'SEX')).toEqual([
      ['STANDARD\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 0.6667, 0.8333, 0.3333, '-', '-'],
      ['COOK', 1, 1, '-', '-', '-'],
      ['WELD', 0.5714, 0.75, 0.3333, '-', '-'],
    ]);
    const total = passRate.observations.find((o) => o.key.every((code, i) => code === passRate.dimensions[i]!.codes[0]!.id))!;
    expect(total.count).toBe(9);
  });

  it('gives the pass rate per unit, each under its standard (ana reassessed on W3)', () => {
    expect(crossTab(table(report, 'pass-rate-unit'), 'COMPETENCY_UNIT', 'SEX')).toEqual([
      ['COMPETENCY_UNIT\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 0.6667, 0.8333, 0.3333, '-', '-'],
      ['COOK:C1', 1, 1, '-', '-', '-'],
      ['COOK:C2', 1, 1, '-', '-', '-'],
      ['WELD:W1', 1, 1, 1, '-', '-'],
      ['WELD:W2', 0.5, 1, 0, '-', '-'],
      ['WELD:W3', 0.3333, 0.5, 0, '-', '-'],
    ]);
  });

  it('counts certificates issued by type and sex', () => {
    expect(crossTab(table(report, 'certificates'), 'CERTIFICATE_TYPE', 'SEX')).toEqual([
      ['CERTIFICATE_TYPE\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 4, 3, 1, 0, 0],
      ['FULL', 2, 2, 0, 0, 0],
      ['PARTIAL', 2, 1, 1, 0, 0],
      ['_U', 0, 0, 0, 0, 0],
    ]);
  });

  it('counts them by their status on the reference date: superseded, reinstated, revoked for good, expired', () => {
    expect(crossTab(table(report, 'certificates'), 'CERTIFICATE_STATUS', 'SEX')).toEqual([
      ['CERTIFICATE_STATUS\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 4, 3, 1, 0, 0],
      ['ACTIVE', 1, 1, 0, 0, 0],
      ['SUPERSEDED', 1, 1, 0, 0, 0],
      ['SUSPENDED', 0, 0, 0, 0, 0],
      ['REVOKED', 1, 0, 1, 0, 0],
      ['EXPIRED', 1, 1, 0, 0, 0],
    ]);
  });

  it('gives the same tables whichever topic was read first: sex and destination are joined by worker id', () => {
    expect(buildReport(replayed(history(), { skillsFirst: true }), request())).toEqual(report);
  });
});

describe('the skills tables as known at the end of 2025', () => {
  const report = buildReport(
    replayed(history(), { knownAt: '2025-12-31T23:59:59.999Z' }),
    request({ knownAt: '2025-12-31T23:59:59.999Z' }),
  );

  it("leaves out cora's certificate, recorded in January", () => {
    expect(crossTab(table(report, 'certificates'), 'CERTIFICATE_TYPE', 'SEX')).toEqual([
      ['CERTIFICATE_TYPE\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 3, 2, 1, 0, 0],
      ['FULL', 1, 1, 0, 0, 0],
      ['PARTIAL', 2, 1, 1, 0, 0],
      ['_U', 0, 0, 0, 0, 0],
    ]);
  });
});

describe('the skills tables as of 2025-03-31 for its first quarter', () => {
  const report = buildReport(replayed(history()), request({ asOf: '2025-03-31', period: parsePeriod('2025-Q1'), frequency: 'month' }));

  it('counts only what is dated by then', () => {
    expect(crossTab(table(report, 'assessments'), 'COUNTERPART_AREA', 'TIME_PERIOD')).toEqual([
      ['COUNTERPART_AREA\\TIME_PERIOD', '2025-Q1', '2025-01', '2025-02', '2025-03'],
      ['_T', 2, 0, 1, 1],
      ['AE', 1, 0, 0, 1],
      ['SA', 1, 0, 1, 0],
      ['_U', 0, 0, 0, 0],
    ]);
    expect(crossTab(table(report, 'pass-rate-unit'), 'COMPETENCY_UNIT', 'SEX').map((r) => r[0])).toEqual([
      'COMPETENCY_UNIT\\SEX',
      '_T',
      'WELD:W1',
      'WELD:W2',
      'WELD:W3',
    ]);
    expect(crossTab(table(report, 'certificates'), 'CERTIFICATE_TYPE', 'SEX')[1]).toEqual(['_T', 2, 1, 1, 0, 0]);
  });
});

describe('the certificates as of 2025-07-15', () => {
  const report = buildReport(replayed(history()), request({ asOf: '2025-07-15' }));

  it('shows the full qualification suspended then, and the one expiring in December still valid', () => {
    expect(crossTab(table(report, 'certificates'), 'CERTIFICATE_STATUS', 'CERTIFICATE_TYPE')).toEqual([
      ['CERTIFICATE_STATUS\\CERTIFICATE_TYPE', '_T', 'FULL', 'PARTIAL', '_U'],
      ['_T', 4, 2, 2, 0],
      ['ACTIVE', 1, 1, 0, 0],
      ['SUPERSEDED', 1, 0, 1, 0],
      ['SUSPENDED', 1, 1, 0, 0],
      ['REVOKED', 1, 0, 1, 0],
      ['EXPIRED', 0, 0, 0, 0],
    ]);
  });
});

describe('the skills tables with suppression below 2', () => {
  const report = buildReport(replayed(history()), request({ suppressBelow: 2 }));

  it('hides counts of one and shows zeros', () => {
    expect(crossTab(table(report, 'certificates'), 'CERTIFICATE_TYPE', 'SEX')).toEqual([
      ['CERTIFICATE_TYPE\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 4, 3, 'x', 0, 0],
      ['FULL', 2, 2, 0, 0, 0],
      ['PARTIAL', 2, 'x', 'x', 0, 0],
      ['_U', 0, 0, 0, 0, 0],
    ]);
  });

  it('hides a pass rate over a single assessment, and its count of units with it', () => {
    const passRate = table(report, 'pass-rate-standard');
    expect(crossTab(passRate, 'STANDARD', 'SEX')).toEqual([
      ['STANDARD\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 0.6667, 0.8333, 'x', '-', '-'],
      ['COOK', 'x', 'x', '-', '-', '-'],
      ['WELD', 0.5714, 0.75, 'x', '-', '-'],
    ]);
    const suppressed = passRate.observations.filter((o) => o.confidentiality === 'C');
    expect(suppressed.length).toBeGreaterThan(0);
    expect(suppressed.every((o) => o.value === undefined && o.count === undefined)).toBe(true);
  });

  it('hides a unit assessed once', () => {
    expect(crossTab(table(report, 'pass-rate-unit'), 'COMPETENCY_UNIT', 'SEX')).toEqual([
      ['COMPETENCY_UNIT\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 0.6667, 0.8333, 'x', '-', '-'],
      ['COOK:C1', 'x', 'x', '-', '-', '-'],
      ['COOK:C2', 'x', 'x', '-', '-', '-'],
      ['WELD:W1', 1, 'x', 'x', '-', '-'],
      ['WELD:W2', 0.5, 'x', 'x', '-', '-'],
      ['WELD:W3', 0.3333, 0.5, 'x', '-', '-'],
    ]);
  });
});
