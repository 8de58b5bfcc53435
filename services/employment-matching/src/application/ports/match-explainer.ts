/**
 * The port through which the write side asks the matching engine (emp-rank's `src/matching/`) for the score
 * of one seeker for one vacancy. The referral command records what it answers in `ReferralMade`, so that the
 * score shown at referral time can be rebuilt later from the events it cites.
 */
export interface ExplainedFactor {
  name: string;
  weightMilli: number;
  valueMilli: number;
  contributionMilli: number;
  evidence: string[];
  citedEventIds: string[];
}
export interface ExplainedMatch {
  weightsVersion: string;
  scoreMilli: number;
  factors: ExplainedFactor[];
}
export interface MatchExplainer {
  /** The score of one seeker for one vacancy as of now, explained; undefined when the seeker or vacancy is unknown to the matcher. */
  explain(vacancyId: string, workerId: string): Promise<ExplainedMatch | undefined>;
}
export const MATCH_EXPLAINER = Symbol('MatchExplainer');
