import type { Pool } from '@homeward/pg-kit';
import type { ExplainedMatch, MatchExplainer } from '../application/ports/match-explainer';
import { MatchingStore, type SeekerRanking, type VacancyRanking } from './matching.store';

export const MATCHING_ENGINE = Symbol('MatchingEngine');

/**
 * The matching engine as the rest of the service sees it: the MatchExplainer port the referral command asks
 * for the score it records, and the two rankings the matching controller serves. Everything reads the
 * matching projection's tables in the service's database.
 */
export class MatchingEngine implements MatchExplainer {
  constructor(
    private readonly pool: Pool,
    readonly store: MatchingStore = new MatchingStore(),
  ) {}

  explain(vacancyId: string, workerId: string): Promise<ExplainedMatch | undefined> {
    return this.store.explain(this.pool, vacancyId, workerId);
  }

  rankSeekers(vacancyId: string, options: { originCountry: string; limit: number; requireCertified?: boolean }): Promise<SeekerRanking> {
    return this.store.rankSeekers(this.pool, vacancyId, options);
  }

  rankVacancies(workerId: string, options: { originCountry: string; limit: number }): Promise<VacancyRanking> {
    return this.store.rankVacancies(this.pool, workerId, options);
  }
}
