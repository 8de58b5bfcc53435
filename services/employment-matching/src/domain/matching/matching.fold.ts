import { assertNever } from '@homeward/assert-never';
import type { MatchingFact } from './matching.facts';
import { evolveSeeker, initialSeekerProfile, type SeekerProfile } from './seeker.profile';
import { evolveStandards, vacancyPosted, type StandardCatalogue, type VacancyProfile } from './vacancy.profile';

/**
 * Everything the matching engine knows, folded in memory from facts in delivery order (tests, evaluation).
 * foldMatching updates the state's maps in place (they belong to the fold; each profile itself is replaced,
 * never changed), so folding a demo history of tens of thousands of facts stays linear.
 */
export interface MatchingState {
  seekers: Record<string, SeekerProfile>;
  standards: StandardCatalogue;
  vacancies: Record<string, VacancyProfile>;
}

export const emptyMatchingState = (): MatchingState => ({ seekers: {}, standards: {}, vacancies: {} });

export function foldMatching(state: MatchingState, fact: MatchingFact): MatchingState {
  switch (fact.type) {
    case 'StandardPublished':
      state.standards = evolveStandards(state.standards, fact);
      return state;
    case 'VacancyPosted':
      if (state.vacancies[fact.vacancyId]) return state;
      state.vacancies[fact.vacancyId] = vacancyPosted(fact);
      return state;
    case 'VacancyEnded': {
      const vacancy = state.vacancies[fact.vacancyId];
      if (!vacancy) return state;
      state.vacancies[fact.vacancyId] = { ...vacancy, open: false };
      return state;
    }
    case 'WorkerRegistered':
    case 'WorkerDetailsCorrected':
    case 'DepartureRecorded':
    case 'ArrivalRecorded':
    case 'EmploymentChanged':
    case 'ReturnRecorded':
    case 'SkillsClaimed':
    case 'PersonalDataErased':
    case 'CertificateIssued':
    case 'CertificateStatusChanged':
    case 'JobSeekerRegistered':
    case 'JobSeekerPreferencesSet':
    case 'JobSeekerLeft': {
      const profile = state.seekers[fact.workerId] ?? initialSeekerProfile(fact.workerId);
      state.seekers[fact.workerId] = evolveSeeker(profile, fact);
      return state;
    }
    default:
      return assertNever(fact);
  }
}

export const foldAll = (facts: readonly MatchingFact[]): MatchingState => facts.reduce(foldMatching, emptyMatchingState());
