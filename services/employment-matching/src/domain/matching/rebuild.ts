import type { MatchingFact, SeekerFact } from './matching.facts';
import { scoreMatch, seekerForScoring, vacancyForScoring, type ExplainedMatch } from './match.score';
import { evolveSeeker, initialSeekerProfile } from './seeker.profile';
import { evolveStandards, vacancyPosted, type StandardCatalogue, type VacancyProfile } from './vacancy.profile';
import { weightsVersion } from './weights';

/** A referral as ReferralMade recorded it: the score shown at that moment and its explanation. */
export interface RecordedReferral {
  vacancyId: string;
  workerId: string;
  weightsVersion: string;
  scoreMilli: number;
  factors: readonly { name: string; valueMilli: number; contributionMilli: number; citedEventIds: readonly string[] }[];
}

export type RebuildResult =
  | { outcome: 'rebuilt'; match: ExplainedMatch; same: boolean }
  | { outcome: 'unknown_weights_version'; weightsVersion: string }
  | { outcome: 'missing_events'; missing: string[] };

/**
 * Rebuilds a past referral's score from the events it cites, and only those: the facts (in the order of their
 * topics) are filtered to the cited ids, folded into the seeker's profile, the standards and the vacancy, and
 * scored with the weights version the referral recorded. `same` says whether the score and every factor's
 * value and contribution equal what was recorded.
 */
export function rebuildScore(referral: RecordedReferral, facts: readonly MatchingFact[]): RebuildResult {
  const weights = weightsVersion(referral.weightsVersion);
  if (!weights) return { outcome: 'unknown_weights_version', weightsVersion: referral.weightsVersion };
  const cited = new Set(referral.factors.flatMap((f) => f.citedEventIds));
  const used = facts.filter((f) => cited.has(f.eventId));
  const seen = new Set(used.map((f) => f.eventId));
  const missing = [...cited].filter((id) => !seen.has(id)).sort();
  if (missing.length > 0) return { outcome: 'missing_events', missing };

  let seeker = initialSeekerProfile(referral.workerId);
  let standards: StandardCatalogue = {};
  let vacancy: VacancyProfile | undefined;
  for (const fact of used) {
    if (fact.type === 'StandardPublished') standards = evolveStandards(standards, fact);
    else if (fact.type === 'VacancyPosted') {
      if (fact.vacancyId === referral.vacancyId) vacancy = vacancyPosted(fact);
    } else if (fact.type === 'VacancyEnded') continue;
    else if ((fact as SeekerFact).workerId === referral.workerId) seeker = evolveSeeker(seeker, fact as SeekerFact);
  }
  if (!vacancy) return { outcome: 'missing_events', missing: [`VacancyPosted of ${referral.vacancyId}`] };
  const match = scoreMatch(vacancyForScoring(vacancy, standards), seekerForScoring(seeker), weights);
  const same =
    match.scoreMilli === referral.scoreMilli &&
    match.factors.length === referral.factors.length &&
    match.factors.every((f, i) => {
      const recorded = referral.factors[i]!;
      return f.name === recorded.name && f.valueMilli === recorded.valueMilli && f.contributionMilli === recorded.contributionMilli;
    });
  return { outcome: 'rebuilt', match, same };
}
