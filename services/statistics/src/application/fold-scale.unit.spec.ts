import { render, OUTPUT_FORMATS, type OutputFormat } from '../output/render';
import { buildReport } from '../domain/reports/build-report';
import { parsePeriod } from '../domain/reports/period';
import { REPORT_KINDS, type ReportRequest } from '../domain/reports/report-table';
import { HistoryWriter } from '../domain/reports/reports.spec-helpers';
import { isoOf } from '../domain/history/calendar';
import { decodeFoldState, encodeFoldState, FOLD_VERSION } from '../domain/history/fold-state';
import { MigrationHistory, type HistoryFact } from '../domain/history/migration-history';

/*
 * Checkpointed and parallel folds give, byte for byte, the reports of one full fold, over generated histories
 * of every topic (registration, skills, employment, fund) dealt out to partitions by stream key as Kafka's
 * producers do: a checkpoint's state saved, encoded, decoded and carried on with the tail; members each
 * folding some partitions, their states encoded, decoded and merged.
 */

/** A small seeded generator (mulberry32): the same seed, the same history. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COUNTRIES = ['SA', 'AE', 'HK', 'SG', 'QA', 'KW', 'MY'];
const OCCUPATIONS = ['9111', '5322', '7112', '8322', '5120', '9313'];
const day = (n: number) => isoOf(Date.UTC(2022, 0, 1) / 86_400_000 + n);

/** A history of `workers` people with every kind of fact (and some redeliveries), by topic. */
function generate(seed: number, workers: number): HistoryWriter {
  const r = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const w = new HistoryWriter();
  w.standard('CG', 1, 'Caregiving NC II', '5322', day(0)).standard('CG', 2, 'Caregiving NC II (2024)', '5322', day(400));
  w.standard('SMAW', 1, 'Shielded metal arc welding', '7212', day(10));
  for (let i = 0; i < workers; i++) {
    const id = `${seed}-${i}`;
    // The registry's days go forward per worker; a few facts are recorded late.
    let t = Math.floor(r() * 300);
    const late = () => (r() < 0.1 ? { recorded: day(t + 30 + Math.floor(r() * 200)) } : {});
    w.registered(
      id,
      pick(['F', 'M', 'F', 'U'] as const),
      1970 + Math.floor(r() * 35),
      day(t),
      r() < 0.7 ? { education: Math.floor(r() * 9) } : {},
    );
    const cycles = 1 + Math.floor(r() * 3);
    for (let c = 1; c <= cycles; c++) {
      t += 5 + Math.floor(r() * 60);
      const country = pick(COUNTRIES);
      if (r() < 0.08) {
        w.returned(id, c, day(t), country, 'assisted', 'deportation', { undocumented: true, ...late() });
        continue;
      }
      w.departed(id, c, day(t), country, pick(OCCUPATIONS), {
        ...late(),
        cost: { currency: 'PHP', amountMinor: 1_000_000 + Math.floor(r() * 9_000_000) },
        income: { currency: r() < 0.5 ? 'USD' : 'SAR', amountMinor: 40_000 + Math.floor(r() * 200_000) },
        ...(r() < 0.8 ? { channel: r() < 0.85 ? ('regular' as const) : ('irregular' as const), agency: r() < 0.6 } : {}),
      });
      if (r() < 0.7) w.arrived(id, c, day(t + 2), country);
      if (r() < 0.15) w.changedOccupation(id, c, day(t + 100), pick(OCCUPATIONS));
      if (r() < 0.6) {
        t += 100 + Math.floor(r() * 500);
        w.returned(
          id,
          c,
          day(t),
          country,
          pick(['assisted', 'unassisted'] as const),
          pick(['contract_completed', 'illness_or_injury', 'voluntary'] as const),
          late(),
        );
        if (r() < 0.5) {
          w.seeker(id, day(t + 3));
          if (r() < 0.6) {
            const vacancy = `v-${seed}-${i}-${c}`;
            w.vacancy(vacancy, pick(OCCUPATIONS), 'PH-00', day(t + 1));
            w.referred(`${vacancy}-r`, vacancy, id, day(t + 10));
            if (r() < 0.6) w.interviewed(`${vacancy}-r`, day(t + 15));
            if (r() < 0.5) w.hired(`${vacancy}-r`, vacancy, id, day(t + 20), pick(OCCUPATIONS), r() < 0.2 ? { recorded: day(t + 90) } : {});
            if (r() < 0.3) w.vacancyEnded(vacancy, 'filled', day(t + 25));
          }
        }
        if (r() < 0.3) {
          w.assessed(id, r() < 0.5 ? 'CG@2' : 'SMAW', day(t + 5), { U1: r() < 0.8, U2: r() < 0.7 });
          if (r() < 0.5) {
            const number = `CERT-${seed}-${i}-${c}`;
            w.certified(id, 'CG', r() < 0.7 ? 'full' : 'partial', day(t + 6), { number });
            if (r() < 0.3) w.certificateChanged(number, 'suspended', day(t + 50));
          }
        }
      }
      if (r() < 0.1) {
        const claim = `c-${seed}-${i}-${c}`;
        w.claimFiled(claim, id, pick(['medical', 'repatriation'] as const), day(t + 1), day(t + 3), { country });
        if (r() < 0.7) w.claimApproved(claim, day(t + 10), 'USD', 50_000);
        else w.claimRejected(claim, day(t + 10), ['fund.not-covered']);
        if (r() < 0.5) w.disbursed(claim, day(t + 20), 'USD', 50_000);
      }
    }
    if (r() < 0.05) w.correctedSex(id, pick(['F', 'M'] as const), day(t + 10));
    if (r() < 0.05) w.correctedEducation(id, Math.floor(r() * 9), day(t + 10));
    if (r() < 0.03) w.erased(id, day(t + 20));
    if (i > 0 && r() < 0.03) w.merged(id, `${seed}-${i - 1}`, day(t + 30));
  }
  return w;
}

const PARTITIONS = 6;
/** Kafka's default partitioner is a hash of the key: any stable hash of it deals a stream to one partition. */
function partitionOf(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) % PARTITIONS;
}
const keyOf = (fact: HistoryFact) => ('workerId' in fact && !('stream' in fact) ? fact.workerId : (fact as { stream: string }).stream);

/** Each topic's facts by partition, in the order produced (with a few redelivered at random). */
function partitioned(w: HistoryWriter, seed: number): HistoryFact[][][] {
  const r = random(seed * 7 + 1);
  return [w.facts, w.skillsFacts, w.employmentFacts, w.fundFacts].map((topic: readonly HistoryFact[]) => {
    const partitions: HistoryFact[][] = Array.from({ length: PARTITIONS }, () => []);
    for (const fact of topic) {
      const p = partitions[partitionOf(keyOf(fact))]!;
      p.push(fact);
      if (r() < 0.01) p.push(fact);
    }
    return partitions;
  });
}

/** The full single replay: each topic after the other, its partitions interleaved batch by batch as a consumer reads them. */
function fullFold(topics: HistoryFact[][][], knownAt?: number): MigrationHistory {
  const h = new MigrationHistory(knownAt === undefined ? {} : { knownAt });
  for (const partitions of topics) {
    const at = partitions.map(() => 0);
    for (let more = true; more;) {
      more = false;
      partitions.forEach((p, n) => {
        for (const fact of p.slice(at[n], at[n]! + 17)) h.apply(fact);
        at[n] = Math.min(p.length, at[n]! + 17);
        if (at[n]! < p.length) more = true;
      });
    }
  }
  return h;
}

const roundTrip = (h: MigrationHistory, knownAt?: number) =>
  MigrationHistory.fromState(decodeFoldState(encodeFoldState(h.exportState())), knownAt === undefined ? {} : { knownAt });

/** N members, member m folding partitions m, m + N, …, of every topic; their states encoded, decoded and merged. */
function parallelFold(topics: HistoryFact[][][], members: number, knownAt?: number): MigrationHistory {
  const merged = new MigrationHistory(knownAt === undefined ? {} : { knownAt });
  for (let m = 0; m < members; m++) {
    const h = new MigrationHistory(knownAt === undefined ? {} : { knownAt });
    for (const partitions of topics) partitions.forEach((p, n) => n % members === m && p.forEach((fact) => h.apply(fact)));
    merged.absorb(roundTrip(h, knownAt));
  }
  return merged;
}

const request = (knownAt?: number): ReportRequest => ({
  asOf: '2025-12-31',
  period: parsePeriod('2024'),
  frequency: 'year',
  reports: REPORT_KINDS,
  suppressBelow: 3,
  exchangeRates: { PHP: 0.018, USD: 1, SAR: 0.27 },
  ...(knownAt === undefined ? {} : { knownAt: new Date(knownAt).toISOString() }),
});

/** The report's files: JSON (every cell, the suppressions, the basis) unless every format is asked for. */
function files(h: MigrationHistory, knownAt?: number, formats: readonly OutputFormat[] = ['json']): string[] {
  const report = buildReport(h, request(knownAt));
  return formats.map((format) => render(report, format, { refArea: 'PH', agency: 'HOMEWARD' }).body.toString());
}

const stateBytes = (h: MigrationHistory) => Buffer.from(encodeFoldState(h.exportState()));

describe.each([1, 2])('a generated history of every topic (seed %i)', (seed) => {
  const writer = generate(seed, 300);
  const topics = partitioned(writer, seed);
  const recorded = [...writer.facts, ...writer.skillsFacts, ...writer.employmentFacts, ...writer.fundFacts].map((f) => f.recordedAt);
  const last = Math.max(...recorded);
  // A cut-off that leaves out part of the history (late-recorded facts among them).
  const knownAt = Date.parse(`${day(520)}T12:00:00Z`);
  const expected = { all: files(fullFold(topics)), cut: files(fullFold(topics, knownAt), knownAt) };

  it.each([1, 2, 4])('folded by %i members in parallel gives the full replay’s file, byte for byte (no cut-off, and one)', (members) => {
    expect(files(parallelFold(topics, members))).toEqual(expected.all);
    expect(files(parallelFold(topics, members, knownAt), knownAt)).toEqual(expected.cut);
  });

  it('carried on from a checkpoint at any partition offsets, for any cut-off at or after it, folds as if never stopped', () => {
    const r = random(seed * 31);
    for (let round = 0; round < 6; round++) {
      // The checkpoint: every partition folded (without a cut-off) up to an offset of its own.
      const cut = topics.map((partitions) => partitions.map((p) => Math.floor(r() * (p.length + 1))));
      const head: HistoryFact[] = [];
      const tail: HistoryFact[] = [];
      topics.forEach((partitions, t) =>
        partitions.forEach((p, n) => (head.push(...p.slice(0, cut[t]![n])), tail.push(...p.slice(cut[t]![n])))),
      );
      const checkpoint = new MigrationHistory();
      head.forEach((f) => checkpoint.apply(f));
      const validFrom = checkpoint.recordedUntil ?? -Infinity;
      for (const cutOff of [undefined, validFrom, validFrom + Math.floor(r() * (last - validFrom + 1)), last]) {
        if (cutOff !== undefined && !Number.isFinite(cutOff)) continue;
        const carried = roundTrip(checkpoint, cutOff);
        tail.forEach((f) => carried.apply(f));
        // The same state, byte for byte, as one fold of the same facts with the report's cut-off…
        const uninterrupted = new MigrationHistory(cutOff === undefined ? {} : { knownAt: cutOff });
        [...head, ...tail].forEach((f) => uninterrupted.apply(f));
        expect(stateBytes(carried).equals(stateBytes(uninterrupted))).toBe(true);
      }
    }
  });

  it('carried on from a checkpoint, gives the full replay’s files in every format, byte for byte', () => {
    const half = topics.map((partitions) => partitions.map((p) => p.slice(0, Math.floor(p.length / 2))));
    const checkpoint = new MigrationHistory();
    half.forEach((partitions) => partitions.forEach((p) => p.forEach((f) => checkpoint.apply(f))));
    const cutOff = Math.max(checkpoint.recordedUntil!, knownAt);
    const carried = roundTrip(checkpoint, cutOff);
    topics.forEach((partitions, t) => partitions.forEach((p, n) => p.slice(half[t]![n]!.length).forEach((f) => carried.apply(f))));
    expect(files(carried, cutOff, OUTPUT_FORMATS)).toEqual(files(fullFold(topics, cutOff), cutOff, OUTPUT_FORMATS));
    expect(carried.foldCounts).toEqual(fullFold(topics, cutOff).foldCounts);
  });

  it('encodes a state deterministically and refuses one of another fold version', () => {
    const h = fullFold(topics);
    const bytes = stateBytes(h);
    expect(stateBytes(roundTrip(h)).equals(bytes)).toBe(true);
    expect(stateBytes(fullFold(topics)).equals(bytes)).toBe(true);
    expect(() => MigrationHistory.fromState({ ...decodeFoldState(bytes), foldVersion: FOLD_VERSION + 1 })).toThrow(/fold version/);
  });
});

it('refuses to merge two members that folded the same stream', () => {
  const w = generate(9, 20);
  const a = new MigrationHistory();
  const b = new MigrationHistory();
  for (const f of w.facts) a.apply(f);
  for (const f of w.facts.slice(0, 3)) b.apply(f);
  expect(() => a.absorb(b)).toThrow(/two partitions/);
});

it('a checkpoint used for a cut-off before what it folded would differ from the full replay (why the rule exists)', () => {
  const w = generate(4, 200);
  const topics = partitioned(w, 4);
  const checkpoint = fullFold(topics);
  const knownAt = Date.parse(day(300));
  expect(knownAt).toBeLessThan(checkpoint.recordedUntil!);
  expect(files(roundTrip(checkpoint, knownAt), knownAt)).not.toEqual(files(fullFold(topics, knownAt), knownAt));
});
