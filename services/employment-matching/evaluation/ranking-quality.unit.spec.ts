import { foldAll, type MatchingState } from '../src/domain/matching/matching.fold';
import {
  scoreMatch,
  seekerForScoring,
  vacancyForScoring,
  type SeekerForScoring,
  type VacancyForScoring,
} from '../src/domain/matching/match.score';
import { currentWeights } from '../src/domain/matching/weights';
import { demoEvaluationSet } from './demo-set';
import { HAND_JUDGMENTS, HAND_VACANCIES, handFacts } from './hand-set';
import { mean, ndcg, shuffled } from './ndcg';

/**
 * Ranking quality: nDCG@10 of the engine on the two labelled sets (README.md), beside a random ranking (mean of
 * 100 seeded shuffles) and an occupation-only ranking (ISCO digits shared, nothing else) of the same eligible
 * pool. The engine ranks as the service does: only seekers who can work in the vacancy's area (the WHERE
 * clause), by score, ties by worker id. Fails below the thresholds the README justifies.
 */

const K = 10;
const weights = currentWeights();

const eligible = (vacancy: VacancyForScoring, seeker: SeekerForScoring) =>
  seeker.originArea === vacancy.location || seeker.areas.includes(vacancy.location) || seeker.willingToRelocate;

function rankings(state: MatchingState, vacancyId: string) {
  const vacancy = vacancyForScoring(state.vacancies[vacancyId]!, state.standards);
  const pool = Object.values(state.seekers)
    .filter((s) => s.active)
    .map(seekerForScoring)
    .filter((s) => eligible(vacancy, s))
    .map((s) => ({ id: s.workerId, match: scoreMatch(vacancy, s, weights) }));
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const engine = [...pool].sort((a, b) => b.match.scoreMilli - a.match.scoreMilli || byId(a, b)).map((s) => s.id);
  const occupation = (s: (typeof pool)[number]) => s.match.factors.find((f) => f.name === 'occupation')!.valueMilli;
  const occupationOnly = [...pool].sort((a, b) => occupation(b) - occupation(a) || byId(a, b)).map((s) => s.id);
  const ids = pool.map((s) => s.id).sort();
  return { engine, occupationOnly, random: (seed: number) => shuffled(ids, seed) };
}

function evaluate(state: MatchingState, vacancyIds: readonly string[], judgments: ReadonlyMap<string, ReadonlyMap<string, number>>) {
  const engine: (number | undefined)[] = [];
  const occupationOnly: (number | undefined)[] = [];
  const random: (number | undefined)[] = [];
  for (const vacancyId of vacancyIds) {
    const judged = judgments.get(vacancyId)!;
    const r = rankings(state, vacancyId);
    engine.push(ndcg(r.engine, judged, K));
    occupationOnly.push(ndcg(r.occupationOnly, judged, K));
    random.push(mean(Array.from({ length: 100 }, (_, seed) => ndcg(r.random(seed + 1), judged, K))));
  }
  return { engine: mean(engine), occupationOnly: mean(occupationOnly), random: mean(random), perVacancy: engine };
}

const fmt = (x: number) => x.toFixed(3);

describe('ranking quality on the hand-written set (60 judged pairs)', () => {
  const state = foldAll(handFacts());
  const judgments = new Map<string, Map<string, number>>();
  for (const [vacancyId, workerId, grade] of HAND_JUDGMENTS) {
    const m = judgments.get(vacancyId) ?? new Map<string, number>();
    m.set(workerId, grade);
    judgments.set(vacancyId, m);
  }

  it('holds at least 50 judged pairs, each with a reason, over known seekers and vacancies', () => {
    expect(HAND_JUDGMENTS.length).toBeGreaterThanOrEqual(50);
    for (const [vacancyId, workerId, , reason] of HAND_JUDGMENTS) {
      expect(state.vacancies[vacancyId]).toBeDefined();
      expect(state.seekers[workerId]).toBeDefined();
      expect(reason.length).toBeGreaterThan(3);
    }
  });

  it('reaches nDCG@10 ≥ 0.90, well above occupation-only and random rankings', () => {
    const result = evaluate(
      state,
      HAND_VACANCIES.map((v) => v.vacancyId),
      judgments,
    );
    console.log(
      `hand set nDCG@${K}: engine ${fmt(result.engine)} (per vacancy ${result.perVacancy.map((x) => (x === undefined ? '-' : fmt(x))).join(' ')}), occupation only ${fmt(result.occupationOnly)}, random ${fmt(result.random)}`,
    );
    expect(result.engine).toBeGreaterThanOrEqual(0.9);
    expect(result.engine).toBeGreaterThan(result.occupationOnly);
    expect(result.engine).toBeGreaterThan(result.random + 0.2);
  });
});

describe('ranking quality on the set generated from the demo histories', () => {
  const set = demoEvaluationSet();

  it('has vacancies with relevant seekers to rank', () => {
    expect(set.vacancies).toHaveLength(12);
    for (const v of set.vacancies) expect(set.judgments.get(v.vacancyId)!.size).toBeGreaterThan(0);
  });

  it('reaches nDCG@10 ≥ 0.95, 0.05 above occupation-only and far above random rankings', () => {
    const state = foldAll([
      ...set.facts,
      ...set.vacancies.map((v) => ({
        type: 'VacancyPosted' as const,
        eventId: `ev-${v.vacancyId}`,
        vacancyId: v.vacancyId,
        employerId: 'demo-employer',
        occupationIsco: v.occupationIsco,
        requiredStandards: [],
        requiredUnits: [],
        experienceMonths: v.experienceMonths,
        location: v.location,
        languages: v.languages,
      })),
    ]);
    const result = evaluate(
      state,
      set.vacancies.map((v) => v.vacancyId),
      set.judgments,
    );
    const seekers = Object.values(state.seekers).filter((s) => s.active).length;
    console.log(
      `demo set (${seekers} job seekers, ${set.vacancies.length} vacancies) nDCG@${K}: engine ${fmt(result.engine)}, occupation only ${fmt(result.occupationOnly)}, random ${fmt(result.random)}`,
    );
    expect(result.engine).toBeGreaterThanOrEqual(0.95);
    expect(result.engine).toBeGreaterThan(result.occupationOnly + 0.05);
    expect(result.engine).toBeGreaterThan(result.random + 0.3);
  });
});
