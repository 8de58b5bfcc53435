import { MigrationHistory } from '../history/migration-history';
import { buildReport } from './build-report';
import { median } from './fund.report';
import { parsePeriod } from './period';
import { crossTab, HistoryWriter } from './reports.spec-helpers';
import type { Report, ReportTable, TableId } from './report-table';

/*
 * The emergency fund's tables of a small history worked out by hand. Period 2025, reference date 2025-12-31.
 *
 *  ana  F  ISCED 6, regular through an agency, SA since 2023-01-10.
 *          C1 medical, SA, incident 2025-03-01, filed 03-05, approved 03-20 (USD 1,500.00), paid 2025-04-10
 *          USD 1,500.00: 40 days from the incident. The payment is DELIVERED TWICE (counted once).
 *  ben  M  no education recorded, irregular without an agency, MY since 2022-05-01.
 *          C2 legal assistance, MY, incident 2025-05-01, filed 05-02, rejected 05-20 for two reasons
 *          (fund.not-covered, fund.claim-time-limit-passed); approved on appeal 07-01; paid 2025-07-11
 *          USD 500.00: 71 days.
 *  cora F  ISCED 3, regular direct, HK since 2024-01-01.
 *          C3 a DRAFT opened by a welfare incident on 2025-08-01 (incident 2025-07-30, no benefit type, no
 *          country: HK, her cycle's), submitted 08-10 as counselling; approved 08-15; paid 08-20 PHP 10,000.00
 *          (21 days) and again 09-01 PHP 2,500.50 (days to payment go by the first payment).
 *  dan  M  undocumented return from AE 2025-06-01 (no departure: channel unknown).
 *          C4 death, AE, incident 2025-12-01, filed 12-02, approved 12-20 (RECORDED 2026-01-03), paid 2026-01-05
 *          (after the reference date: not paid yet).
 *  eve  F  undocumented return from SA 2024-12-30.
 *          C5 repatriation, SA, incident 2024-12-20, filed 2024-12-21 (before the period), paid 2025-01-10
 *          USD 300.00: 21 days. A payment of the period, not a claim of it.
 *  fay  F  C6 a draft opened 2025-10-01, never submitted: not a claim.
 */
function history(): HistoryWriter {
  return new HistoryWriter()
    .registered('ana', 'F', 1990, '2023-01-01', { education: 6 })
    .departed('ana', 1, '2023-01-10', 'SA', '5152', { channel: 'regular', agency: true })
    .registered('ben', 'M', 1985, '2022-04-01')
    .departed('ben', 1, '2022-05-01', 'MY', '9111', { channel: 'irregular', agency: false })
    .registered('cora', 'F', 1992, '2023-12-01', { education: 3 })
    .departed('cora', 1, '2024-01-01', 'HK', '5322', { channel: 'regular', agency: false })
    .registered('dan', 'M', 1980, '2025-06-01')
    .returned('dan', 1, '2025-06-01', 'AE', 'assisted', 'deportation', { undocumented: true })
    .registered('eve', 'F', 1995, '2024-12-30')
    .returned('eve', 1, '2024-12-30', 'SA', 'assisted', 'other', { undocumented: true })
    .registered('fay', 'F', 1991, '2020-01-01')
    .claimFiled('C1', 'ana', 'medical', '2025-03-01', '2025-03-05', { country: 'SA' })
    .claimApproved('C1', '2025-03-20', 'USD', 150_000)
    .disbursed('C1', '2025-04-10', 'USD', 150_000)
    .claimFiled('C2', 'ben', 'legal_assistance', '2025-05-01', '2025-05-02', { country: 'MY' })
    .claimRejected('C2', '2025-05-20', ['fund.not-covered', 'fund.claim-time-limit-passed'])
    .claimApproved('C2', '2025-07-01', 'USD', 50_000)
    .disbursed('C2', '2025-07-11', 'USD', 50_000)
    .claimFiled('C3', 'cora', undefined, '2025-07-30', '2025-08-01', { draft: true })
    .claimSubmitted('C3', '2025-08-10', 'counselling')
    .claimApproved('C3', '2025-08-15', 'PHP', 1_000_000)
    .disbursed('C3', '2025-08-20', 'PHP', 1_000_000)
    .disbursed('C3', '2025-09-01', 'PHP', 250_050)
    .claimFiled('C4', 'dan', 'death', '2025-12-01', '2025-12-02', { country: 'AE' })
    .claimApproved('C4', '2025-12-20', 'USD', 1_000_000, '2026-01-03T09:00:00Z')
    .disbursed('C4', '2026-01-05', 'USD', 1_000_000)
    .claimFiled('C5', 'eve', 'repatriation', '2024-12-20', '2024-12-21', { country: 'SA' })
    .disbursed('C5', '2025-01-10', 'USD', 30_000)
    .claimFiled('C6', 'fay', undefined, '2025-09-30', '2025-10-01', { draft: true });
}

function replayed(writer: HistoryWriter, options: { knownAt?: string; fundFirst?: boolean } = {}): MigrationHistory {
  const folded = new MigrationHistory(options.knownAt ? { knownAt: Date.parse(options.knownAt) } : {});
  const facts = options.fundFirst ? [...writer.fundFacts, ...writer.facts] : [...writer.facts, ...writer.fundFacts];
  for (const fact of facts) folded.apply(fact);
  // C1's payment, delivered again (the log is at-least-once): counted once.
  folded.apply(writer.fundFacts.find((f) => f.type === 'DisbursementMade' && f.data.claimId === 'C1')!);
  return folded;
}

const reportOf = (history: MigrationHistory, asOf = '2025-12-31', suppressBelow?: number): Report =>
  buildReport(history, {
    asOf,
    period: parsePeriod('2025'),
    frequency: 'quarter',
    reports: ['fund'],
    ...(suppressBelow === undefined ? {} : { suppressBelow }),
  });
const table = (report: Report, id: TableId): ReportTable => report.tables.find((t) => t.id === id)!;

describe('the emergency fund in 2025, as of 2025-12-31', () => {
  const report = reportOf(replayed(history()));

  it('gives the five fund tables, in order', () => {
    expect(report.tables.map((t) => t.id)).toEqual([
      'fund-claims',
      'fund-rejections',
      'fund-amounts-paid',
      'fund-days-to-payment',
      'fund-median-days-to-payment',
    ]);
  });

  it('counts claims filed (a draft once submitted), final approvals, rejections and disbursements, by sex', () => {
    expect(crossTab(table(report, 'fund-claims'), 'FUND_STEP', 'SEX')).toEqual([
      ['FUND_STEP\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['CLAIMS', 4, 2, 2, 0, 0],
      ['APPROVALS', 4, 2, 2, 0, 0],
      ['REJECTIONS', 1, 0, 1, 0, 0],
      ['DISBURSEMENTS', 5, 4, 1, 0, 0],
    ]);
  });

  it("breaks claims down by benefit type (a draft's from its submission) and by the incident's country", () => {
    const claims = table(report, 'fund-claims');
    expect(crossTab(claims, 'BENEFIT_TYPE', 'SEX', { FUND_STEP: 'CLAIMS' })).toEqual([
      ['BENEFIT_TYPE\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 4, 2, 2, 0, 0],
      ['REPATRIATION', 0, 0, 0, 0, 0],
      ['REMAINS', 0, 0, 0, 0, 0],
      ['DEATH', 1, 0, 1, 0, 0],
      ['DISABILITY', 0, 0, 0, 0, 0],
      ['MEDICAL', 1, 1, 0, 0, 0],
      ['LEGAL', 1, 0, 1, 0, 0],
      ['COUNSELLING', 1, 1, 0, 0, 0],
      ['SHELTER', 0, 0, 0, 0, 0],
      ['_U', 0, 0, 0, 0, 0],
    ]);
    // cora's claim names no country: her cycle's, HK.
    const byCountry = crossTab(claims, 'COUNTERPART_AREA', 'FUND_STEP');
    expect(byCountry.filter((row) => ['AE', 'HK', 'MY', 'SA', '_T'].includes(String(row[0])))).toEqual([
      ['_T', 4, 4, 1, 5],
      ['AE', 1, 1, 0, 0],
      ['HK', 1, 1, 0, 2],
      ['MY', 1, 1, 1, 1],
      ['SA', 1, 1, 0, 2],
    ]);
  });

  it('carries education and the recruitment channel of the cycle of the incident', () => {
    const claims = table(report, 'fund-claims');
    expect(crossTab(claims, 'RECRUITMENT_CHANNEL', 'SEX', { FUND_STEP: 'CLAIMS' })).toEqual([
      ['RECRUITMENT_CHANNEL\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 4, 2, 2, 0, 0],
      ['REG_AGENCY', 1, 1, 0, 0, 0],
      ['REG_DIRECT', 1, 1, 0, 0, 0],
      ['IRREG_AGENCY', 0, 0, 0, 0, 0],
      ['IRREG_DIRECT', 1, 0, 1, 0, 0],
      ['_U', 1, 0, 1, 0, 0],
    ]);
    const education = crossTab(claims, 'EDUCATION', 'SEX', { FUND_STEP: 'CLAIMS' });
    expect(education.filter((row) => ['_T', 'ISCED11_3', 'ISCED11_6', '_U'].includes(String(row[0])))).toEqual([
      ['_T', 4, 2, 2, 0, 0],
      ['ISCED11_3', 1, 1, 0, 0, 0],
      ['ISCED11_6', 1, 1, 0, 0, 0],
      ['_U', 2, 0, 2, 0, 0],
    ]);
  });

  it('counts a rejection under each of its reasons, with no total over reasons', () => {
    const rejections = table(report, 'fund-rejections');
    expect(rejections.dimensions.find((d) => d.id === 'REJECTION_REASON')!.hasTotal).toBe(false);
    expect(crossTab(rejections, 'REJECTION_REASON', 'SEX')).toEqual([
      ['REJECTION_REASON\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['fund.claim-time-limit-passed', 1, 0, 1, 0, 0],
      ['fund.not-covered', 1, 0, 1, 0, 0],
      ['_U', 0, 0, 0, 0, 0],
    ]);
  });

  it('sums the amounts paid per currency in major units, never across currencies', () => {
    const paid = table(report, 'fund-amounts-paid');
    expect(paid.decimals).toBe(2);
    expect(crossTab(paid, 'CURRENCY', 'SEX')).toEqual([
      ['CURRENCY\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['PHP', 12500.5, 12500.5, 0, 0, 0],
      ['USD', 2300, 1800, 500, 0, 0],
    ]);
    expect(
      crossTab(paid, 'BENEFIT_TYPE', 'CURRENCY').filter((row) => ['COUNSELLING', 'MEDICAL', 'REPATRIATION'].includes(String(row[0]))),
    ).toEqual([
      ['REPATRIATION', 0, 300],
      ['MEDICAL', 0, 1500],
      ['COUNSELLING', 12500.5, 0],
    ]);
  });

  it('gives the days from the incident to the first payment, as bands and as a median', () => {
    const bands = crossTab(table(report, 'fund-days-to-payment'), 'DAYS_TO_PAYMENT', 'SEX');
    expect(bands).toEqual([
      ['DAYS_TO_PAYMENT\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 4, 3, 1, 0, 0],
      ['D0T7', 0, 0, 0, 0, 0],
      ['D8T30', 2, 2, 0, 0, 0],
      ['D31T90', 2, 1, 1, 0, 0],
      ['D91T180', 0, 0, 0, 0, 0],
      ['D181T365', 0, 0, 0, 0, 0],
      ['D_GT365', 0, 0, 0, 0, 0],
      ['_U', 0, 0, 0, 0, 0],
    ]);
    const medians = table(report, 'fund-median-days-to-payment');
    // 21, 21, 40, 71: the mean of the middle two for everyone; 21, 21, 40 for women; 71 for the one man.
    expect(
      crossTab(medians, 'BENEFIT_TYPE', 'SEX').filter((row) =>
        ['_T', 'MEDICAL', 'LEGAL', 'COUNSELLING', 'REPATRIATION', 'DEATH'].includes(String(row[0])),
      ),
    ).toEqual([
      ['_T', 30.5, 21, 71, '-', '-'],
      ['REPATRIATION', 21, 21, '-', '-', '-'],
      ['DEATH', '-', '-', '-', '-', '-'],
      ['MEDICAL', 40, 40, '-', '-', '-'],
      ['LEGAL', 71, '-', 71, '-', '-'],
      ['COUNSELLING', 21, 21, '-', '-', '-'],
    ]);
    const total = medians.observations.find((o) => o.key.every((code, i) => code === medians.dimensions[i]!.codes[0]!.id))!;
    expect(total).toMatchObject({ value: 30.5, count: 4, excluded: 0, status: 'A' });
  });

  it('does not depend on the order the topics are read in', () => {
    expect(reportOf(replayed(history(), { fundFirst: true }))).toEqual(report);
  });
});

describe('the emergency fund as known at a moment, and as of a later date', () => {
  it("leaves out dan's approval until it was recorded", () => {
    const known = reportOf(replayed(history(), { knownAt: '2026-01-01T00:00:00Z' }));
    expect(crossTab(table(known, 'fund-claims'), 'FUND_STEP', 'SEX')[2]).toEqual(['APPROVALS', 3, 2, 1, 0, 0]);
    const later = reportOf(replayed(history(), { knownAt: '2026-01-04T00:00:00Z' }));
    expect(crossTab(table(later, 'fund-claims'), 'FUND_STEP', 'SEX')[2]).toEqual(['APPROVALS', 4, 2, 2, 0, 0]);
  });

  it("counts dan's payment of 2026-01-05 once the reference date reaches it, in a period that holds it", () => {
    const report = buildReport(replayed(history()), {
      asOf: '2026-01-31',
      period: parsePeriod('2026'),
      frequency: 'year',
      reports: ['fund'],
    });
    expect(crossTab(table(report, 'fund-amounts-paid'), 'CURRENCY', 'SEX')).toEqual([
      ['CURRENCY\\SEX', '_T', 'F', 'M', '_O', '_U'],
      // Every currency paid in by the reference date is listed, as every country seen is: the same list in each period.
      ['PHP', 0, 0, 0, 0, 0],
      ['USD', 10000, 0, 10000, 0, 0],
    ]);
    expect(crossTab(table(report, 'fund-days-to-payment'), 'DAYS_TO_PAYMENT', 'SEX')[4]).toEqual(['D31T90', 1, 0, 1, 0, 0]);
  });

  it('hides small counts on request, and the amounts and medians behind them', () => {
    const report = reportOf(replayed(history()), '2025-12-31', 2);
    expect(crossTab(table(report, 'fund-claims'), 'FUND_STEP', 'SEX')[3]).toEqual(['REJECTIONS', 'x', 0, 'x', 0, 0]);
    expect(crossTab(table(report, 'fund-amounts-paid'), 'CURRENCY', 'SEX')).toEqual([
      ['CURRENCY\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['PHP', 12500.5, 12500.5, 0, 0, 0],
      ['USD', 2300, 1800, 'x', 0, 0],
    ]);
    expect(crossTab(table(report, 'fund-median-days-to-payment'), 'BENEFIT_TYPE', 'SEX')[0]).toBeDefined();
    expect(crossTab(table(report, 'fund-median-days-to-payment'), 'SEX', 'BENEFIT_TYPE')[3]![1]).toBe('x');
  });
});

describe('the median', () => {
  it('is the middle value, or the mean of the two middle values', () => {
    expect(median([])).toBeUndefined();
    expect(median([5])).toBe(5);
    expect(median([1, 2, 10])).toBe(2);
    expect(median([1, 2, 10, 11])).toBe(6);
  });
});
