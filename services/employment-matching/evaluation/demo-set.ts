import { generateHistories, type WorkerHistory } from '@homeward/demo-data/histories';
import type { MatchingFact } from '../src/domain/matching/matching.facts';
import { foldAll, type MatchingState } from '../src/domain/matching/matching.fold';
import { experienceAbroad, type SeekerProfile } from '../src/domain/matching/seeker.profile';

/**
 * The generated evaluation set: the demo histories (packages/demo-data, Philippines, seed 2026, 1,500 workers,
 * today 2026-12-01) turned into the facts the matching engine folds, every worker whose last cycle ended in a
 * return a job seeker; vacancies for the twelve occupations most returnees had abroad, each in the origin area
 * most of that occupation's returnees come from, wanting 36 months (a contract and a half: so that experience
 * separates seekers of one occupation) and the languages most of them speak.
 *
 * Ground truth (README.md, "Generated set"), graded 0–3 from DOMAIN.md's matching rules and nothing the
 * engine computes (no weight, no score):
 *   0  cannot work there (not in the area, not preferring it, not willing to relocate), or no ISCO-08 group shared
 *      below the major group;
 *   3  the vacancy's unit group abroad for at least the months wanted;
 *   2  the unit group for less, or its minor group (3 digits) for at least the months wanted;
 *   1  its minor group for less, or its sub-major group (2 digits);
 *   one grade less when the seeker does not speak every language the vacancy asks for.
 */

export interface EvaluationVacancy {
  vacancyId: string;
  occupationIsco: string;
  location: string;
  experienceMonths: number;
  languages: string[];
}

export interface EvaluationSet {
  facts: MatchingFact[];
  state: MatchingState;
  vacancies: EvaluationVacancy[];
  /** vacancyId → workerId → grade, for every eligible seeker with a grade above 0. */
  judgments: Map<string, Map<string, number>>;
}

/** The registration steps of a demo history as the matching engine's facts (what the topic would carry). */
export function historyFacts(history: WorkerHistory): MatchingFact[] {
  const workerId = `demo-${history.index}`;
  const facts: MatchingFact[] = [];
  let cycle = 0;
  let open = false;
  let returned = false;
  history.steps.forEach((step, index) => {
    const eventId = `${workerId}-${index}`;
    switch (step.path) {
      case '/workers':
        facts.push({ type: 'WorkerRegistered', eventId, workerId, originArea: step.body.originArea, languages: step.body.languages ?? [] });
        return;
      case '/workers/{workerId}/departures':
        cycle++;
        open = true;
        returned = false;
        facts.push({
          type: 'DepartureRecorded',
          eventId,
          workerId,
          cycleNumber: cycle,
          occupationIsco: step.body.occupationIsco,
          contractStart: step.body.contractStart,
          departedOn: step.body.departedOn,
        });
        return;
      case '/workers/{workerId}/arrivals':
        facts.push({ type: 'ArrivalRecorded', eventId, workerId, cycleNumber: cycle, arrivedOn: step.body.arrivedOn });
        return;
      case '/workers/{workerId}/employment-changes':
        facts.push({
          type: 'EmploymentChanged',
          eventId,
          workerId,
          cycleNumber: cycle,
          changedOn: step.body.changedOn,
          ...(step.body.occupationIsco ? { occupationIsco: step.body.occupationIsco } : {}),
        });
        return;
      case '/workers/{workerId}/returns':
        if (!open) cycle++;
        open = false;
        returned = true;
        facts.push({ type: 'ReturnRecorded', eventId, workerId, cycleNumber: cycle, returnedOn: step.body.returnedOn });
        return;
      default:
        return;
    }
  });
  if (returned) facts.push({ type: 'JobSeekerRegistered', eventId: `${workerId}-seeker`, workerId });
  return facts;
}

const shared = (a: string, b: string) => {
  let n = 0;
  while (n < 4 && a[n] === b[n]) n++;
  return n;
};

/** The grade of a seeker for a vacancy by the rules above (deliberately written apart from the engine's code). */
export function demoGrade(vacancy: EvaluationVacancy, profile: SeekerProfile): number {
  const canWorkThere =
    profile.originArea === vacancy.location ||
    (profile.preferences?.areas ?? []).includes(vacancy.location) ||
    profile.preferences?.willingToRelocate === true;
  if (!profile.active || !canWorkThere) return 0;
  const periods = experienceAbroad(profile);
  const monthsSharing = (digits: number) =>
    periods.filter((p) => shared(p.isco, vacancy.occupationIsco) >= digits).reduce((sum, p) => sum + p.months, 0);
  const best = Math.max(0, ...periods.map((p) => shared(p.isco, vacancy.occupationIsco)));
  const wanted = vacancy.experienceMonths;
  let grade = 0;
  if (best === 4) grade = monthsSharing(4) >= wanted ? 3 : 2;
  else if (best === 3) grade = monthsSharing(3) >= wanted ? 2 : 1;
  else if (best === 2) grade = 1;
  if (!vacancy.languages.every((l) => profile.languages.includes(l))) grade = Math.max(0, grade - 1);
  return grade;
}

export function demoEvaluationSet(workers = 1500): EvaluationSet {
  const histories = [...generateHistories({ country: 'PH', seed: 2026, today: '2026-12-01' }, workers)];
  const facts = histories.flatMap(historyFacts);
  const state = foldAll(facts);
  const seekers = Object.values(state.seekers).filter((s) => s.active);
  // The occupations most job seekers had abroad, each with the area most of them come from and the language most speak.
  const byOccupation = new Map<string, SeekerProfile[]>();
  for (const seeker of seekers)
    for (const period of experienceAbroad(seeker)) byOccupation.set(period.isco, [...(byOccupation.get(period.isco) ?? []), seeker]);
  const mostCommon = <T>(values: readonly T[]): T => {
    const counts = new Map<T, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])))[0]![0];
  };
  const vacancies: EvaluationVacancy[] = [...byOccupation.entries()]
    .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
    .slice(0, 12)
    .map(([isco, holders], i) => ({
      vacancyId: `demo-v${i + 1}-${isco}`,
      occupationIsco: isco,
      location: mostCommon(holders.map((h) => h.originArea ?? '')),
      experienceMonths: 36,
      languages: [mostCommon(holders.flatMap((h) => h.languages))],
    }));
  const judgments = new Map<string, Map<string, number>>();
  for (const vacancy of vacancies) {
    const grades = new Map<string, number>();
    for (const seeker of seekers) {
      const grade = demoGrade(vacancy, seeker);
      if (grade > 0) grades.set(seeker.workerId, grade);
    }
    judgments.set(vacancy.vacancyId, grades);
  }
  return { facts, state, vacancies, judgments };
}
