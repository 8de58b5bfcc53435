import fc from 'fast-check';
import { foldAll } from './matching.fold';
import { contribution, scoreMatch, seekerForScoring, vacancyForScoring, FACTOR_NAMES } from './match.score';
import { rebuildScore } from './rebuild';
import { matchingWorldArb } from './testing/matching.arbitraries';
import { currentWeights } from './weights';

const weights = currentWeights();

function scoresOf(world: { facts: Parameters<typeof foldAll>[0]; vacancyId: string; workerIds: string[] }) {
  const state = foldAll(world.facts);
  const vacancy = vacancyForScoring(state.vacancies[world.vacancyId]!, state.standards);
  return world.workerIds.map((workerId) => ({ workerId, match: scoreMatch(vacancy, seekerForScoring(state.seekers[workerId]!), weights) }));
}

describe('a score over generated histories', () => {
  it('equals the sum of its explained contributions, each weight × value rounded, in the five named factors', () => {
    fc.assert(
      fc.property(matchingWorldArb, (world) => {
        for (const { match } of scoresOf(world)) {
          expect(match.factors.map((f) => f.name)).toEqual(FACTOR_NAMES);
          expect(match.scoreMilli).toBe(match.factors.reduce((sum, f) => sum + f.contributionMilli, 0));
          for (const f of match.factors) {
            expect(f.valueMilli).toBeGreaterThanOrEqual(0);
            expect(f.valueMilli).toBeLessThanOrEqual(1000);
            expect(f.contributionMilli).toBe(contribution(f.weightMilli, f.valueMilli));
            expect(f.evidence.length).toBeGreaterThan(0);
            expect(f.citedEventIds).toContain(world.facts.find((x) => x.type === 'VacancyPosted')!.eventId);
          }
          expect(match.weightsVersion).toBe(weights.version);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is rebuilt exactly from the events its explanation cites, and from nothing else', () => {
    fc.assert(
      fc.property(matchingWorldArb, (world) => {
        for (const { workerId, match } of scoresOf(world)) {
          const referral = { vacancyId: world.vacancyId, workerId, ...match };
          const cited = new Set(match.factors.flatMap((f) => f.citedEventIds));
          // Only the cited events, in their topics' order: what an auditor would fetch by id.
          const result = rebuildScore(
            referral,
            world.facts.filter((f) => cited.has(f.eventId)),
          );
          expect(result.outcome).toBe('rebuilt');
          if (result.outcome !== 'rebuilt') return;
          expect(result.match.scoreMilli).toBe(match.scoreMilli);
          expect(result.match.factors.map((f) => [f.name, f.valueMilli, f.contributionMilli])).toEqual(
            match.factors.map((f) => [f.name, f.valueMilli, f.contributionMilli]),
          );
          expect(result.same).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is not rebuilt when a cited event is missing', () => {
    fc.assert(
      fc.property(matchingWorldArb, (world) => {
        const [{ workerId, match }] = scoresOf(world) as [ReturnType<typeof scoresOf>[number]];
        const cited = match.factors.flatMap((f) => f.citedEventIds);
        const dropped = cited[cited.length - 1]!;
        const result = rebuildScore(
          { vacancyId: world.vacancyId, workerId, ...match },
          world.facts.filter((f) => f.eventId !== dropped),
        );
        expect(result).toEqual({ outcome: 'missing_events', missing: [dropped] });
      }),
      { numRuns: 100 },
    );
  });

  it('does not change when a fact is delivered twice (the fold is idempotent per event)', () => {
    fc.assert(
      fc.property(matchingWorldArb, fc.nat(), (world, pick) => {
        const seekerFacts = world.facts.filter(
          (f) => 'workerId' in f && f.type !== 'WorkerDetailsCorrected' && f.type !== 'WorkerRegistered',
        );
        if (seekerFacts.length === 0) return;
        const again = seekerFacts[pick % seekerFacts.length]!;
        const index = world.facts.indexOf(again);
        const twice = [...world.facts.slice(0, index + 1), again, ...world.facts.slice(index + 1)];
        expect(scoresOf({ ...world, facts: twice })).toEqual(scoresOf(world));
      }),
      { numRuns: 200 },
    );
  });
});
