import { buildReport } from '../reports/build-report';
import { parsePeriod } from '../reports/period';
import { crossTab, HistoryWriter } from '../reports/reports.spec-helpers';
import type { ReportRequest } from '../reports/report-table';
import { completeMonths, dayOf, isoOf } from './calendar';
import { MigrationHistory } from './migration-history';
import type { RegistrationFact } from './registration-fact';

const fold = (facts: readonly RegistrationFact[], knownAt?: number) => {
  const history = new MigrationHistory(knownAt === undefined ? {} : { knownAt });
  for (const fact of facts) history.apply(fact);
  return history;
};

const request: ReportRequest = {
  asOf: '2025-12-31',
  period: parsePeriod('2025'),
  frequency: 'year',
  reports: ['stock', 'departures', 'returns', 'durations', 'recruitment-cost'],
};

describe('folding a history', () => {
  const writer = new HistoryWriter();
  for (let i = 0; i < 40; i++) {
    const id = `w${i}`;
    writer.registered(id, i % 3 === 0 ? 'M' : 'F', 1980 + (i % 20), '2024-01-01');
    writer.departed(id, 1, `2024-0${1 + (i % 9)}-1${i % 10}`, ['SA', 'AE', 'HK', 'SG'][i % 4]!, `${(i % 9) + 1}111`, {
      cost: { currency: 'USD', amountMinor: 10_000 + i * 100 },
      income: { currency: 'USD', amountMinor: 50_000 + i * 7 },
    });
    if (i % 2 === 0) writer.returned(id, 1, `2025-0${1 + (i % 9)}-2${i % 10}`, ['SA', 'AE', 'HK', 'SG'][i % 4]!, 'assisted', 'voluntary');
    if (i % 4 === 0) writer.departed(id, 2, '2025-11-01', 'QA', '9111');
  }

  it('gives the same report whatever order the workers’ facts interleave in (a topic’s partitions do)', () => {
    const byWorker = new Map<string, RegistrationFact[]>();
    for (const f of writer.facts) byWorker.set(f.workerId, [...(byWorker.get(f.workerId) ?? []), f]);
    // Deal the workers' streams out round-robin, last worker first: each stream keeps its own order.
    const streams = [...byWorker.values()].reverse();
    const interleaved: RegistrationFact[] = [];
    for (let round = 0; interleaved.length < writer.facts.length; round++)
      for (const s of streams) if (s[round]) interleaved.push(s[round]!);
    expect(buildReport(fold(interleaved), request)).toEqual(buildReport(fold(writer.facts), request));
  });

  it('applies a redelivered fact once, recognising it by its stream version', () => {
    const history = fold([...writer.facts, ...writer.facts.slice(10, 30)]);
    expect(history.foldCounts).toEqual({ applied: writer.facts.length, duplicates: 20, notYetKnown: 0, undated: 0 });
    expect(buildReport(history, request)).toEqual(buildReport(fold(writer.facts), request));
  });

  it('leaves out what was recorded after the cut-off, and counts it', () => {
    const history = fold(writer.facts, Date.parse('2024-06-30T23:59:59Z'));
    expect(history.foldCounts.notYetKnown).toBe(writer.facts.filter((f) => f.recordedAt > Date.parse('2024-06-30T23:59:59Z')).length);
    // Departures dated (and recorded) January to June 2024: i % 9 < 6 for 28 of the 40 workers.
    expect(history.cycles).toBe(28);
  });
});

describe('dates the registry could not have recorded (stored before dates were checked)', () => {
  const writer = new HistoryWriter()
    .registered('a', 'F', 1990, '2025-01-01')
    .departed('a', 1, '0001-01-01', 'SA', '9111', { recorded: '2025-01-02' })
    .arrived('a', 1, '1899-12-31', 'SA')
    .changedOccupation('a', 1, '0099-06-30', '5322')
    .returned('a', 1, '2025-13-01', 'SA', 'unassisted', 'voluntary', { recorded: '2025-06-01' })
    .registered('b', 'M', 1990, '2025-01-01')
    .departed('b', 1, '1900-01-01', 'QA', '9111', { recorded: '2025-01-02' });

  it('places none of them, counts each one, and keeps the earliest plausible date', () => {
    const history = fold(writer.facts);
    expect(history.foldCounts).toEqual({ applied: writer.facts.length, duplicates: 0, notYetKnown: 0, undated: 4 });
    const cycles: { departedOn?: number; arrivedOn?: number; returnedOn?: number; occupations: number }[] = [];
    history.forEachCycle((c) =>
      cycles.push({ departedOn: c.departedOn, arrivedOn: c.arrivedOn, returnedOn: c.returnedOn, occupations: c.occupations.length }),
    );
    expect(cycles).toEqual([
      // The occupation taken up at the (undated) departure stays; the undated change is left out.
      { departedOn: undefined, arrivedOn: undefined, returnedOn: undefined, occupations: 1 },
      { departedOn: dayOf('1900-01-01'), arrivedOn: undefined, returnedOn: undefined, occupations: 1 },
    ]);
  });
});

describe('a history larger than one page of the fold', () => {
  // The fold keeps workers and cycles in pages of 16,384; 20,000 workers with two cycles each put every
  // worker's second cycle on another page than its first, and many workers on the second page.
  const writer = new HistoryWriter();
  const workers = 20_000;
  const id = (i: number) => `00000000-0000-7000-8000-${i.toString(16).padStart(12, '0')}`;
  for (let i = 0; i < workers; i++) writer.registered(id(i), i % 2 ? 'M' : 'F', 1980 + (i % 30), '2020-01-01');
  for (let i = 0; i < workers; i++) writer.departed(id(i), 1, '2021-03-01', i % 3 ? 'SA' : 'QA', '9111');
  for (let i = 0; i < workers; i++) writer.returned(id(i), 1, '2023-03-01', i % 3 ? 'SA' : 'QA', 'unassisted', 'contract_completed');
  for (let i = 0; i < workers; i++) writer.departed(id(i), 2, '2024-06-01', 'HK', '5322');

  it('keeps each cycle with its worker and its own dates across pages', () => {
    const history = fold(writer.facts);
    expect(history.cycles).toBe(2 * workers);
    expect(history.records).toBe(workers);
    const seen = new Map<number, string[]>();
    history.forEachCycle((c) => {
      const expected =
        c.number === 1
          ? { departedOn: dayOf('2021-03-01'), returnedOn: dayOf('2023-03-01'), country: c.record % 3 ? 'SA' : 'QA', occupation: '9111' }
          : { departedOn: dayOf('2024-06-01'), returnedOn: undefined, country: 'HK', occupation: '5322' };
      expect({
        departedOn: c.departedOn,
        returnedOn: c.returnedOn,
        country: c.country,
        occupation: c.occupations[0]?.occupation,
      }).toEqual(expected);
      expect(c.sex).toBe(c.record % 2 ? 'M' : 'F');
      expect(c.birthYear).toBe(1980 + (c.record % 30));
      seen.set(c.record, [...(seen.get(c.record) ?? []), String(c.number)]);
    });
    expect(seen.size).toBe(workers);
    expect([...seen.values()].every((numbers) => numbers.sort().join() === '1,2')).toBe(true);
  });

  it('gives the same report when the facts come worker by worker instead of stage by stage', () => {
    const byWorker = [...writer.facts].sort((a, b) => (a.workerId < b.workerId ? -1 : a.workerId > b.workerId ? 1 : a.version - b.version));
    expect(buildReport(fold(byWorker), request)).toEqual(buildReport(fold(writer.facts), request));
  });
});

describe('records an officer merged as one person', () => {
  const duplicateDeparture = (writer: HistoryWriter) =>
    writer
      .registered('y', 'F', 1990, '2025-01-02')
      .departed('y', 1, '2025-03-01', 'SA', '9111')
      // The same woman registered again, her departure recorded again on the new record.
      .registered('x', 'U', 1990, '2025-03-05')
      .departed('x', 1, '2025-03-01', 'SA', '9111');

  it('counts her once in the stock and once in the departures, with the attributes of the record that carries on', () => {
    const merged = duplicateDeparture(new HistoryWriter()).merged('x', 'y', '2025-04-01');
    const report = buildReport(fold(merged.facts), { ...request, reports: ['stock', 'departures'] });
    expect(crossTab(report.tables[0]!, 'COUNTERPART_AREA', 'SEX')[1]).toEqual(['_T', 1, 1, 0, 0, 0]);
    expect(crossTab(report.tables[1]!, 'COUNTERPART_AREA', 'SEX')[1]).toEqual(['_T', 1, 1, 0, 0, 0]);
  });

  it('counts two people until the merge is decided', () => {
    const report = buildReport(fold(duplicateDeparture(new HistoryWriter()).facts), { ...request, reports: ['stock'] });
    expect(crossTab(report.tables[0]!, 'COUNTERPART_AREA', 'SEX')[1]).toEqual(['_T', 2, 1, 0, 0, 1]);
  });
});

describe('calendar', () => {
  it('reads only real calendar dates', () => {
    expect(dayOf('2025-02-29')).toBeUndefined();
    expect(dayOf('2024-02-29')).toBe(19782);
    expect(isoOf(19782)).toBe('2024-02-29');
    expect(dayOf('2025-1-01')).toBeUndefined();
  });

  it('counts whole months as people do', () => {
    const months = (a: string, b: string) => completeMonths(dayOf(a)!, dayOf(b)!);
    expect(months('2025-03-15', '2025-09-14')).toBe(5);
    expect(months('2025-03-15', '2025-09-15')).toBe(6);
    expect(months('2025-01-31', '2025-02-28')).toBe(1);
    expect(months('2024-01-31', '2024-02-28')).toBe(0);
    expect(months('2023-05-20', '2025-11-20')).toBe(30);
  });
});

describe('reference periods', () => {
  it.each([
    ['2025', '2025', '2025-01-01', '2025-12-31'],
    ['2025-Q3', '2025-Q3', '2025-07-01', '2025-09-30'],
    ['2024-02', '2024-02', '2024-02-01', '2024-02-29'],
    ['2025-01-15..2025-03-31', '2025-01-15/P76D', '2025-01-15', '2025-03-31'],
  ])('%s is %s from %s to %s', (text, code, from, to) => {
    const period = parsePeriod(text);
    expect([period.code, isoOf(period.from), isoOf(period.to)]).toEqual([code, from, to]);
  });

  it.each(['2025-13', '2025-Q5', '25', '2025-03-01..2025-02-01', '2025-02-30..2025-03-01'])('refuses %s', (text) => {
    expect(() => parsePeriod(text)).toThrow();
  });
});

describe('keeping the fold compact', () => {
  it('refuses a cycle number no migration history can have, rather than storing it wrapped', () => {
    const writer = new HistoryWriter();
    writer.registered('w1', 'F', 1990, '2024-01-01');
    writer.departed('w1', 70_000, '2024-02-01', 'SA', '9111');
    expect(() => fold(writer.facts)).toThrow(/cycle number 70000 is out of range/);
  });

  it('refuses more distinct country codes than any code list has', () => {
    const writer = new HistoryWriter();
    for (let i = 0; i <= 0xffff; i++) writer.departed(`w${i}`, 1, '2024-02-01', `X${i}`, '9111');
    expect(() => fold(writer.facts)).toThrow(/more than 65535 distinct country codes/);
  });
});
