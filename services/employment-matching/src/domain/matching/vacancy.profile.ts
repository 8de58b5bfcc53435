import type { MatchingFact } from './matching.facts';

/** A competency standard's latest published version, as the matching engine needs it. */
export interface StandardRecord {
  standardId: string;
  version: number;
  occupationIsco: string;
  units: { code: string; escoSkills: string[] }[];
  eventId: string;
}

export type StandardCatalogue = Record<string, StandardRecord>;

/** A vacancy as posted, and whether it still takes referrals. */
export interface VacancyProfile {
  vacancyId: string;
  employerId: string;
  occupationIsco: string;
  requiredStandards: string[];
  requiredUnits: { standardId: string; unitCode: string }[];
  experienceMonths: number;
  location: string;
  languages: string[];
  eventId: string;
  open: boolean;
}

/** The catalogue after a fact; a version older than the one held changes nothing. */
export function evolveStandards(
  catalogue: StandardCatalogue,
  fact: Extract<MatchingFact, { type: 'StandardPublished' }>,
): StandardCatalogue {
  const held = catalogue[fact.standardId];
  if (held && held.version >= fact.version) return catalogue;
  return {
    ...catalogue,
    [fact.standardId]: {
      standardId: fact.standardId,
      version: fact.version,
      occupationIsco: fact.occupationIsco,
      units: fact.units.map((u) => ({ code: u.code, escoSkills: [...u.escoSkills] })),
      eventId: fact.eventId,
    },
  };
}

export function vacancyPosted(fact: Extract<MatchingFact, { type: 'VacancyPosted' }>): VacancyProfile {
  return {
    vacancyId: fact.vacancyId,
    employerId: fact.employerId,
    occupationIsco: fact.occupationIsco,
    requiredStandards: [...fact.requiredStandards],
    requiredUnits: fact.requiredUnits.map((u) => ({ standardId: u.standardId, unitCode: u.unitCode })),
    experienceMonths: fact.experienceMonths,
    location: fact.location,
    languages: [...fact.languages],
    eventId: fact.eventId,
    open: true,
  };
}

/** The key of a unit of competency, across standards: "<standardId>/<unitCode>". */
export const unitKey = (standardId: string, unitCode: string): string => `${standardId}/${unitCode}`;
