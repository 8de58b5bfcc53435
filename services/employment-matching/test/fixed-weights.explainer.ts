import type { ExplainedMatch, MatchExplainer } from '../src/application/ports/match-explainer';

/**
 * A test double of the matching engine (not of PostgreSQL or Kafka): a real, deterministic explainer whose
 * one factor's value is derived from the two ids, so that each seeker–vacancy pair has its own score and the
 * same pair always the same. Seekers it is told not to know get no score, as the engine answers for a seeker
 * it has not yet seen on registration's topic.
 */
export class FixedWeightsExplainer implements MatchExplainer {
  readonly unknown = new Set<string>();

  async explain(vacancyId: string, workerId: string): Promise<ExplainedMatch | undefined> {
    if (this.unknown.has(workerId)) return undefined;
    return FixedWeightsExplainer.score(vacancyId, workerId);
  }

  static score(vacancyId: string, workerId: string): ExplainedMatch {
    const valueMilli = [...`${vacancyId}/${workerId}`].reduce((sum, c) => (sum * 31 + c.charCodeAt(0)) % 1001, 7);
    const weightMilli = 2000;
    const contributionMilli = Math.round((weightMilli * valueMilli) / 1000);
    return {
      weightsVersion: 'test-2026-12-01',
      scoreMilli: contributionMilli,
      factors: [
        { name: 'occupation', weightMilli, valueMilli, contributionMilli, evidence: [`test pair ${valueMilli}`], citedEventIds: [] },
      ],
    };
  }
}
