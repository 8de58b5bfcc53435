import { MigrationHistory, type HistoryFact } from '../history/migration-history';
import { buildReport } from './build-report';
import { parsePeriod } from './period';
import { crossTab, HistoryWriter } from './reports.spec-helpers';
import { REPORT_KINDS, type Report, type ReportTable, type TableId } from './report-table';

/*
 * The reintegration outcome, vacancy and referral tables of a small history worked out by hand. The cohort
 * is the returns of 2025; reference date 2026-06-30 (a year and a half of follow-up for the first).
 *
 *  ana  F  ISCED 6, regular through an agency. SA 2023-01-10 (5152) → back 2025-01-15 (assisted, contract
 *          completed). Job seeker 2025-01-16; referred to V1 2025-02-01, interviewed 02-10, hired 02-20, starts
 *          2025-03-01 (5120): 1 whole month after return → placed within 3, 6 and 12 months.
 *  ben  M  no education recorded, irregular without an agency. MY 2022-05-01 (9111) → back 2025-02-10
 *          (unassisted, terminated early). Job seeker 02-11; referred to V3 06-01, interviewed 06-10, hired
 *          06-20, starts 2025-07-01 (7112): 4 whole months → not within 3, within 6 and 12.
 *  cora F  ISCED 3, regular direct. HK 2024-01-01 (5322) → back 2025-03-01 (unassisted, voluntary); RE-MIGRATES
 *          to HK 2025-05-01. Referred to V1 03-10, interviewed 03-20. A hire through V2 dated 2025-05-25 that
 *          starts 2025-06-01 — after she left again: no placement for her return. Not placed in any window.
 *  dan  M  undocumented return from AE 2025-12-20 (no departure). Hired 2026-03-25, starts 2026-04-01 (9112):
 *          3 whole months → not within 3, within 6. On 2026-06-30, 6 whole months have passed (the 6-month
 *          window has elapsed), 12 have not: placed within 12 months while that window is still open. His hire
 *          is RECORDED LATE, on 2026-07-15.
 *  eve  F  undocumented return from SA 2025-11-15: 7 whole months by 2026-06-30, never placed. Not placed within
 *          3 or 6 months; the 12-month window is not yet elapsed (OPEN).
 *  fay  F  returned 2024-12-01 (before the period), placed 2025-01-10: not in the cohort.
 *
 * Vacancies: V1 5120 PH-00 posted 2025-02-01, filled 2025-03-01; V2 9112 PH-CEB posted 2025-05-15, still open;
 *            V3 7112 PH-00 posted 2024-12-01, closed 2025-02-01 (referrals already made go on);
 *            V4 5120 "XX-99" (no subdivision) posted 2025-03-01, withdrawn 2025-04-01; V5 posted after the reference date.
 */
function history(): HistoryWriter {
  return new HistoryWriter()
    .registered('ana', 'F', 1990, '2023-01-01', { education: 6 })
    .departed('ana', 1, '2023-01-10', 'SA', '5152', { channel: 'regular', agency: true })
    .returned('ana', 1, '2025-01-15', 'SA', 'assisted', 'contract_completed')
    .registered('ben', 'M', 1985, '2022-04-01')
    .departed('ben', 1, '2022-05-01', 'MY', '9111', { channel: 'irregular', agency: false })
    .returned('ben', 1, '2025-02-10', 'MY', 'unassisted', 'terminated_early')
    .registered('cora', 'F', 1992, '2023-12-01', { education: 3 })
    .departed('cora', 1, '2024-01-01', 'HK', '5322', { channel: 'regular', agency: false })
    .returned('cora', 1, '2025-03-01', 'HK', 'unassisted', 'voluntary')
    .departed('cora', 2, '2025-05-01', 'HK', '5322', { channel: 'regular', agency: true })
    .registered('dan', 'M', 1980, '2025-12-20')
    .returned('dan', 1, '2025-12-20', 'AE', 'assisted', 'deportation', { undocumented: true })
    .registered('eve', 'F', 1995, '2025-11-15')
    .returned('eve', 1, '2025-11-15', 'SA', 'unassisted', 'other', { undocumented: true })
    .registered('fay', 'F', 1991, '2020-01-01')
    .departed('fay', 1, '2020-02-01', 'SA', '5152', { channel: 'regular', agency: true })
    .returned('fay', 1, '2024-12-01', 'SA', 'unassisted', 'contract_completed')
    .vacancy('V1', '5120', 'PH-00', '2025-02-01')
    .vacancy('V2', '9112', 'PH-CEB', '2025-05-15')
    .vacancy('V3', '7112', 'PH-00', '2024-12-01')
    .vacancyEnded('V3', 'closed', '2025-02-01')
    .vacancy('V4', '5120', 'XX-99', '2025-03-01')
    .vacancyEnded('V4', 'withdrawn', '2025-04-01')
    .vacancy('V5', '5120', 'PH-00', '2026-07-01')
    .vacancy('V0', '5120', 'PH-00', '2024-11-01')
    .referred('R0', 'V0', 'fay', '2024-12-20')
    .hired('R0', 'V0', 'fay', '2025-01-05', '5120', { startsOn: '2025-01-10' })
    .seeker('ana', '2025-01-16')
    .referred('R1', 'V1', 'ana', '2025-02-01')
    .interviewed('R1', '2025-02-10')
    .hired('R1', 'V1', 'ana', '2025-02-20', '5120', { startsOn: '2025-03-01' })
    .vacancyEnded('V1', 'filled', '2025-03-01')
    .seeker('ben', '2025-02-11')
    .referred('R2', 'V3', 'ben', '2025-06-01')
    .interviewed('R2', '2025-06-10')
    .hired('R2', 'V3', 'ben', '2025-06-20', '7112', { startsOn: '2025-07-01' })
    .referred('R3', 'V1', 'cora', '2025-03-10')
    .interviewed('R3', '2025-03-20')
    .referred('R4', 'V2', 'cora', '2025-05-20')
    .hired('R4', 'V2', 'cora', '2025-05-25', '9112', { startsOn: '2025-06-01' })
    .referred('R5', 'V2', 'dan', '2026-03-01')
    .hired('R5', 'V2', 'dan', '2026-03-25', '9112', { startsOn: '2026-04-01', recorded: '2026-07-15T09:00:00Z' });
}

function replayed(writer: HistoryWriter, options: { knownAt?: string; employmentFirst?: boolean } = {}): MigrationHistory {
  const folded = new MigrationHistory(options.knownAt ? { knownAt: Date.parse(options.knownAt) } : {});
  const facts = options.employmentFirst ? [...writer.employmentFacts, ...writer.facts] : [...writer.facts, ...writer.employmentFacts];
  for (const fact of facts) folded.apply(fact);
  // ana's hire, delivered again (the log is at-least-once): counted once.
  folded.apply(writer.employmentFacts.find((f) => f.type === 'HireRecorded' && f.data.workerId === 'ana')!);
  return folded;
}

function reportOf(
  history: MigrationHistory,
  asOf = '2026-06-30',
  reports: Report['request']['reports'] = ['placements', 'vacancies', 'referrals'],
): Report {
  return buildReport(history, { asOf, period: parsePeriod('2025'), frequency: 'quarter', reports });
}
const table = (report: Report, id: TableId): ReportTable => report.tables.find((t) => t.id === id)!;

describe('returnees placed within 3, 6 and 12 months of return, as of 2026-06-30', () => {
  const report = reportOf(replayed(history()));

  it('counts each return of 2025 by what became of it in each window, by sex', () => {
    const placements = table(report, 'placements');
    expect(crossTab(placements, 'PLACEMENT_STATUS', 'SEX', { PLACEMENT_WINDOW: 'M3' })).toEqual([
      ['PLACEMENT_STATUS\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 5, 3, 2, 0, 0],
      ['PLACED', 1, 1, 0, 0, 0],
      ['NOT_PLACED', 4, 2, 2, 0, 0],
      ['OPEN', 0, 0, 0, 0, 0],
    ]);
    expect(crossTab(placements, 'PLACEMENT_STATUS', 'SEX', { PLACEMENT_WINDOW: 'M6' })).toEqual([
      ['PLACEMENT_STATUS\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 5, 3, 2, 0, 0],
      ['PLACED', 3, 1, 2, 0, 0],
      ['NOT_PLACED', 2, 2, 0, 0, 0],
      ['OPEN', 0, 0, 0, 0, 0],
    ]);
    // dan was placed within 12 months though his window is still open; eve's is open and she is not placed yet.
    expect(crossTab(placements, 'PLACEMENT_STATUS', 'SEX', { PLACEMENT_WINDOW: 'M12' })).toEqual([
      ['PLACEMENT_STATUS\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 5, 3, 2, 0, 0],
      ['PLACED', 3, 1, 2, 0, 0],
      ['NOT_PLACED', 1, 1, 0, 0, 0],
      ['OPEN', 1, 1, 0, 0, 0],
    ]);
  });

  it('gives the share placed over the returns whose window has elapsed, the others beside it', () => {
    const rate = table(report, 'placement-rate');
    expect(crossTab(rate, 'PLACEMENT_WINDOW', 'SEX')).toEqual([
      ['PLACEMENT_WINDOW\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['M3', 0.2, 0.3333, 0, '-', '-'],
      ['M6', 0.6, 0.3333, 1, '-', '-'],
      ['M12', 0.6667, 0.5, 1, '-', '-'],
    ]);
    const m12 = rate.observations.find((o) => o.key.join() === '_T,_T,_T,_T,_T,M12,_T,_T,2025')!;
    expect(m12).toMatchObject({ value: 0.6667, count: 3, excluded: 2 });
    const m12women = rate.observations.find((o) => o.key.join() === 'F,_T,_T,_T,_T,M12,_T,_T,2025')!;
    expect(m12women).toMatchObject({ value: 0.5, count: 2, excluded: 1 });
  });

  it('breaks the outcome down by country, return type and reason, occupation abroad and at home, education and channel', () => {
    const placements = table(report, 'placements');
    const m6 = { PLACEMENT_WINDOW: 'M6' };
    expect(crossTab(placements, 'COUNTERPART_AREA', 'PLACEMENT_STATUS', m6)).toEqual([
      ['COUNTERPART_AREA\\PLACEMENT_STATUS', '_T', 'PLACED', 'NOT_PLACED', 'OPEN'],
      ['_T', 5, 3, 2, 0],
      ['AE', 1, 1, 0, 0],
      ['HK', 1, 0, 1, 0],
      ['MY', 1, 1, 0, 0],
      ['SA', 2, 1, 1, 0],
      ['_U', 0, 0, 0, 0],
    ]);
    expect(crossTab(placements, 'RETURN_TYPE', 'PLACEMENT_STATUS', m6)).toEqual([
      ['RETURN_TYPE\\PLACEMENT_STATUS', '_T', 'PLACED', 'NOT_PLACED', 'OPEN'],
      ['_T', 5, 3, 2, 0],
      ['ASSISTED', 2, 2, 0, 0],
      ['UNASSISTED', 3, 1, 2, 0],
      ['_U', 0, 0, 0, 0],
    ]);
    // Occupation of the placement: within 6 months ana's (5), ben's (7), dan's (9); the others not applicable.
    const occupation = crossTab(placements, 'OCCUPATION', 'PLACEMENT_STATUS', m6);
    expect(occupation.filter((row) => row[1] !== 0)).toEqual([
      ['OCCUPATION\\PLACEMENT_STATUS', '_T', 'PLACED', 'NOT_PLACED', 'OPEN'],
      ['_T', 5, 3, 2, 0],
      ['5', 1, 1, 0, 0],
      ['7', 1, 1, 0, 0],
      ['9', 1, 1, 0, 0],
      ['_Z', 2, 0, 2, 0],
    ]);
    const abroad = crossTab(placements, 'OCCUPATION_ABROAD', 'PLACEMENT_STATUS', m6);
    expect(abroad.filter((row) => row[1] !== 0)).toEqual([
      ['OCCUPATION_ABROAD\\PLACEMENT_STATUS', '_T', 'PLACED', 'NOT_PLACED', 'OPEN'],
      ['_T', 5, 3, 2, 0],
      ['5', 2, 1, 1, 0],
      ['9', 1, 1, 0, 0],
      ['_U', 2, 1, 1, 0],
    ]);
    const education = crossTab(placements, 'EDUCATION', 'PLACEMENT_STATUS', m6);
    expect(education.filter((row) => row[1] !== 0)).toEqual([
      ['EDUCATION\\PLACEMENT_STATUS', '_T', 'PLACED', 'NOT_PLACED', 'OPEN'],
      ['_T', 5, 3, 2, 0],
      ['ISCED11_3', 1, 0, 1, 0],
      ['ISCED11_6', 1, 1, 0, 0],
      ['_U', 3, 2, 1, 0],
    ]);
    const channel = crossTab(placements, 'RECRUITMENT_CHANNEL', 'PLACEMENT_STATUS', m6);
    expect(channel).toEqual([
      ['RECRUITMENT_CHANNEL\\PLACEMENT_STATUS', '_T', 'PLACED', 'NOT_PLACED', 'OPEN'],
      ['_T', 5, 3, 2, 0],
      ['REG_AGENCY', 1, 1, 0, 0],
      ['REG_DIRECT', 1, 0, 1, 0],
      ['IRREG_AGENCY', 0, 0, 0, 0],
      ['IRREG_DIRECT', 1, 1, 0, 0],
      ['_U', 2, 1, 1, 0],
    ]);
  });

  it('holds the headline table under its own id: placed within six months, by sex', () => {
    expect(crossTab(table(report, 'placed-within-6-months-by-sex'), 'SEX', 'PLACEMENT_STATUS')).toEqual([
      ['SEX\\PLACEMENT_STATUS', '_T', 'PLACED', 'NOT_PLACED', 'OPEN'],
      ['_T', 5, 3, 2, 0],
      ['F', 3, 1, 2, 0],
      ['M', 2, 2, 0, 0],
      ['_O', 0, 0, 0, 0],
      ['_U', 0, 0, 0, 0],
    ]);
  });

  it('is the same whichever topic is folded first', () => {
    const other = reportOf(replayed(history(), { employmentFirst: true }));
    expect(other.tables).toEqual(report.tables);
  });

  it('is the same whatever order the streams of the two topics interleave in (their partitions do)', () => {
    const writer = history();
    // Each stream's facts keep their order; the streams are dealt out one fact at a time, from the last.
    const streams = new Map<string, HistoryFact[]>();
    for (const fact of [...writer.facts, ...writer.employmentFacts]) {
      const key = 'stream' in fact ? fact.stream : fact.workerId;
      streams.set(key, [...(streams.get(key) ?? []), fact]);
    }
    const lists = [...streams.values()].reverse();
    const interleaved: HistoryFact[] = [];
    for (let round = 0; lists.some((l) => l.length > round); round++) for (const l of lists) if (l[round]) interleaved.push(l[round]!);
    const folded = new MigrationHistory();
    for (const fact of interleaved) folded.apply(fact);
    expect(reportOf(folded).tables).toEqual(report.tables);
  });
});

describe('the outcome as it was known, and as of an earlier date', () => {
  it('leaves out a hire recorded after the cut-off: dan is not placed within 6 months as known on 2026-06-30', () => {
    const known = reportOf(replayed(history(), { knownAt: '2026-06-30T23:59:59.999Z' }));
    expect(crossTab(table(known, 'placed-within-6-months-by-sex'), 'SEX', 'PLACEMENT_STATUS')[3]).toEqual(['M', 2, 1, 1, 0]);
  });

  it('as of 2025-05-31: only the returns by then, and a window not yet elapsed is left out of the share', () => {
    const early = reportOf(replayed(history()), '2025-05-31');
    // ana 4 months (placed), ben 3 months (his placement starts in July: not placed), cora 2 months (open).
    expect(crossTab(table(early, 'placements'), 'PLACEMENT_STATUS', 'SEX', { PLACEMENT_WINDOW: 'M3' })).toEqual([
      ['PLACEMENT_STATUS\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 3, 2, 1, 0, 0],
      ['PLACED', 1, 1, 0, 0, 0],
      ['NOT_PLACED', 1, 0, 1, 0, 0],
      ['OPEN', 1, 1, 0, 0, 0],
    ]);
    const m3 = table(early, 'placement-rate').observations.find((o) => o.key.join() === '_T,_T,_T,_T,_T,M3,_T,_T,2025')!;
    expect(m3).toMatchObject({ value: 0.5, count: 2, excluded: 1 });
    const m6 = table(early, 'placement-rate').observations.find((o) => o.key.join() === '_T,_T,_T,_T,_T,M6,_T,_T,2025')!;
    expect(m6).toMatchObject({ value: undefined, status: 'M', count: 0, excluded: 3 });
  });

  it('suppresses a share over fewer returns than the threshold', () => {
    const suppressed = buildReport(replayed(history()), {
      asOf: '2026-06-30',
      period: parsePeriod('2025'),
      frequency: 'quarter',
      reports: ['placements'],
      suppressBelow: 3,
    });
    expect(crossTab(table(suppressed, 'placement-rate'), 'PLACEMENT_WINDOW', 'SEX')).toEqual([
      ['PLACEMENT_WINDOW\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['M3', 0.2, 0.3333, 'x', '-', '-'],
      ['M6', 0.6, 0.3333, 'x', '-', '-'],
      ['M12', 0.6667, 'x', 'x', '-', '-'],
    ]);
  });
});

describe('vacancies and the employment service, as of 2026-06-30 for 2025', () => {
  const report = reportOf(replayed(history()));

  it('counts vacancies posted, filled, closed and withdrawn in the period and open on the reference date', () => {
    const vacancies = table(report, 'vacancies');
    expect(crossTab(vacancies, 'OCCUPATION', 'VACANCY_FLOW').filter((row) => row.slice(1).some((v) => v !== 0))).toEqual([
      ['OCCUPATION\\VACANCY_FLOW', 'POSTED', 'OPEN', 'FILLED', 'CLOSED', 'WITHDRAWN'],
      ['_T', 3, 2, 1, 1, 1],
      ['5', 2, 1, 1, 0, 1],
      ['7', 0, 0, 0, 1, 0],
      ['9', 1, 1, 0, 0, 0],
    ]);
    expect(crossTab(vacancies, 'LOCATION', 'VACANCY_FLOW')).toEqual([
      ['LOCATION\\VACANCY_FLOW', 'POSTED', 'OPEN', 'FILLED', 'CLOSED', 'WITHDRAWN'],
      ['_T', 3, 2, 1, 1, 1],
      ['PH-00', 1, 1, 1, 1, 0],
      ['PH-CEB', 1, 1, 0, 0, 0],
      ['_U', 1, 0, 0, 0, 1],
    ]);
    // Open on 2026-06-30: V2, and V0 (posted in 2024 for fay's hire, never ended); V5 is posted after the date.
    expect(vacancies.dimensions.map((d) => d.id)).toEqual(['OCCUPATION', 'LOCATION', 'VACANCY_FLOW', 'TIME_PERIOD']);
  });

  it('counts job seekers, referrals, interviews and hires dated in the period by sex of the seeker, by quarter', () => {
    const referrals = table(report, 'referrals');
    expect(crossTab(referrals, 'EMPLOYMENT_SERVICE', 'SEX')).toEqual([
      ['EMPLOYMENT_SERVICE\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['JOB_SEEKERS', 2, 1, 1, 0, 0],
      ['REFERRALS', 4, 3, 1, 0, 0],
      ['INTERVIEWS', 3, 2, 1, 0, 0],
      ['HIRES', 4, 3, 1, 0, 0],
    ]);
    expect(crossTab(referrals, 'EMPLOYMENT_SERVICE', 'TIME_PERIOD')).toEqual([
      ['EMPLOYMENT_SERVICE\\TIME_PERIOD', '2025', '2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4'],
      ['JOB_SEEKERS', 2, 2, 0, 0, 0],
      ['REFERRALS', 4, 2, 2, 0, 0],
      ['INTERVIEWS', 3, 2, 1, 0, 0],
      ['HIRES', 4, 2, 2, 0, 0],
    ]);
    expect(crossTab(referrals, 'RECRUITMENT_CHANNEL', 'EMPLOYMENT_SERVICE', { SEX: 'F' })).toEqual([
      ['RECRUITMENT_CHANNEL\\EMPLOYMENT_SERVICE', 'JOB_SEEKERS', 'REFERRALS', 'INTERVIEWS', 'HIRES'],
      ['_T', 1, 3, 2, 3],
      // ana's cycle was regular through an agency, fay's too (her hire of January 2025), and so was cora's second
      // cycle, her last by her referral of May and its hire: she had left again on 1 May.
      ['REG_AGENCY', 1, 2, 1, 3],
      // cora's referral of March and its interview: her last cycle by then was her first, direct.
      ['REG_DIRECT', 0, 1, 1, 0],
      ['IRREG_AGENCY', 0, 0, 0, 0],
      ['IRREG_DIRECT', 0, 0, 0, 0],
      ['_U', 0, 0, 0, 0],
    ]);
  });
});

describe('the ILO core disaggregations', () => {
  it('join every table of persons the report produces; vacancies alone, with no person behind them, have neither', () => {
    const all = buildReport(replayed(history()), {
      asOf: '2026-06-30',
      period: parsePeriod('2025'),
      frequency: 'quarter',
      reports: REPORT_KINDS,
    });
    const ids = all.tables.map((t) => t.id);
    expect(ids).toEqual([
      'stock',
      'departures',
      'returns',
      'time-abroad',
      'time-since-return',
      'recruitment-cost',
      'assessments',
      'pass-rate-standard',
      'pass-rate-unit',
      'certificates',
      'placements',
      'placement-rate',
      'placed-within-6-months-by-sex',
      'vacancies',
      'referrals',
      'fund-claims',
      'fund-rejections',
      'fund-amounts-paid',
      'fund-days-to-payment',
      'fund-median-days-to-payment',
    ]);
    for (const t of all.tables) {
      const dimensions = t.dimensions.map((d) => d.id);
      const carries = dimensions.includes('EDUCATION') && dimensions.includes('RECRUITMENT_CHANNEL');
      expect({ table: t.id, carries }).toEqual({ table: t.id, carries: t.id !== 'vacancies' });
      if (!carries) continue;
      // Every observation names a code of both, and the tables by education × channel are there (not only their totals).
      const e = dimensions.indexOf('EDUCATION');
      const c = dimensions.indexOf('RECRUITMENT_CHANNEL');
      expect(t.observations.some((o) => o.key[e] === 'ISCED11_6' && o.key[c] === 'REG_AGENCY')).toBe(true);
    }
  });

  it('adds at most 5 sexes × countries × 66 cells to a table, whatever its period and frequency (the cell limit)', () => {
    // Five years by month (60 slices), 40 destinations.
    const writer = new HistoryWriter();
    const destinations = [
      'AE',
      'AU',
      'BH',
      'CA',
      'CY',
      'DE',
      'ES',
      'FI',
      'FR',
      'GB',
      'GR',
      'HK',
      'IL',
      'IT',
      'JO',
      'JP',
      'KR',
      'KW',
      'LB',
      'MO',
    ];
    const more = ['MY', 'NL', 'NO', 'NZ', 'OM', 'PG', 'PL', 'PW', 'QA', 'RO', 'SA', 'SE', 'SG', 'TH', 'TR', 'TW', 'US', 'VN', 'ZA', 'BN'];
    [...destinations, ...more].forEach((country, i) => {
      const id = `w${i}`;
      writer
        .registered(id, i % 2 ? 'F' : 'M', 1990, '2020-01-01', { education: i % 9 })
        .departed(id, 1, `202${i % 5}-0${1 + (i % 9)}-15`, country, '9111', {
          channel: i % 3 ? 'regular' : 'irregular',
          agency: i % 2 === 0,
        });
    });
    const folded = new MigrationHistory();
    for (const fact of writer.facts) folded.apply(fact);
    const report = buildReport(folded, {
      asOf: '2024-12-31',
      period: parsePeriod('2020-01-01..2024-12-31'),
      frequency: 'month',
      reports: ['stock', 'departures', 'returns', 'durations', 'recruitment-cost'],
    });
    const countries = 40 + 2;
    for (const t of report.tables) {
      const e = t.dimensions.findIndex((d) => d.id === 'EDUCATION');
      const c = t.dimensions.findIndex((d) => d.id === 'RECRUITMENT_CHANNEL');
      const added = t.observations.filter((o) => o.key[e] !== '_T' || o.key[c] !== '_T').length;
      expect({ table: t.id, within: added <= 5 * countries * 66 }).toEqual({ table: t.id, within: true });
    }
    const departures = table(report, 'departures');
    // By month: 5 × 42 × 61 cells of its own, and education × channel over the whole period.
    expect(departures.observations).toHaveLength(5 * countries * 61 + 5 * countries * 66 - 5 * countries);
  });

  it('takes the level of education from the registration, corrected for the whole history', () => {
    const writer = history().correctedEducation('ben', 4, '2026-01-10');
    const report = reportOf(replayed(writer));
    const education = crossTab(table(report, 'placements'), 'EDUCATION', 'SEX', { PLACEMENT_WINDOW: 'M6' });
    expect(education.find((row) => row[0] === 'ISCED11_4')).toEqual(['ISCED11_4', 1, 0, 1, 0, 0]);
  });
});
