import { experienceAbroad, type ExperienceEntry, type SeekerProfile } from './seeker.profile';
import { unitKey, type StandardCatalogue, type VacancyProfile } from './vacancy.profile';
import type { Weights } from './weights';

/**
 * The score of a seeker for a vacancy: the sum of five named factors, each weight × value in thousandths
 * (integers only, so no float ever rounds a score differently here and in SQL), each with the evidence it
 * rests on and the ids of the events it was computed from.
 *
 *   occupation  ISCO-08 digits shared by the vacancy's unit group and any of the seeker's occupations (abroad
 *               or preferred): 4, 3, 2, 1 or 0 → weights.occupationLevelValueMilli.
 *   units       mean credit of the required units: certified by a live certificate 1000, only claimed (an ESCO
 *               skill of the unit claimed by a mission's or the seeker's record) weights.claimedUnitCreditMilli,
 *               missing 0. No unit required: 1000.
 *   experience  months abroad in the vacancy's unit group ÷ months wanted (weights.experienceDefaultMonths when
 *               none), capped at 1000.
 *   location    the vacancy's subdivision is the seeker's origin area or one of their preferred areas: 1000;
 *               elsewhere but willing to relocate: weights.relocationValueMilli; otherwise 0.
 *   languages   share of the vacancy's languages the seeker speaks. None asked: 1000.
 *
 * Divisions round half away from zero (all terms are non-negative: ⌊(2a + b) ÷ 2b⌋).
 */

/** What the scoring reads of a seeker. It has no sex field, by design: sex can never be an input. */
export interface SeekerForScoring {
  workerId: string;
  originArea?: string;
  languages: string[];
  attributeEventIds: string[];
  occupations: { isco: string; source: 'abroad' | 'preferred'; eventIds: string[] }[];
  experience: ExperienceEntry[];
  areas: string[];
  willingToRelocate: boolean;
  preferencesEventIds: string[];
  certified: { key: string; certificateNumber: string; eventIds: string[] }[];
  claims: { escoUri: string; eventIds: string[] }[];
}

export interface RequiredUnitForScoring {
  key: string;
  standardId: string;
  unitCode: string;
  escoSkills: string[];
  /** The standard's publication that defines the unit; empty when the standard is not known here. */
  eventIds: string[];
}

export interface VacancyForScoring {
  vacancyId: string;
  occupationIsco: string;
  units: RequiredUnitForScoring[];
  experienceMonths: number;
  location: string;
  languages: string[];
  eventIds: string[];
}

export type FactorName = 'occupation' | 'units' | 'experience' | 'location' | 'languages';
export const FACTOR_NAMES: readonly FactorName[] = ['occupation', 'units', 'experience', 'location', 'languages'];

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

/** a ÷ b rounded half away from zero, for a ≥ 0 and b > 0 (the SQL computes the same in bigint). */
export const roundDiv = (a: number, b: number): number => Math.floor((2 * a + b) / (2 * b));

export const contribution = (weightMilli: number, valueMilli: number): number => roundDiv(weightMilli * valueMilli, 1000);

const sortedUnique = (ids: Iterable<string>): string[] => [...new Set(ids)].sort();

/** The seeker as the scoring reads it, from the folded profile. */
export function seekerForScoring(profile: SeekerProfile): SeekerForScoring {
  const experience = experienceAbroad(profile);
  const occupations: SeekerForScoring['occupations'] = experience.map((e) => ({ isco: e.isco, source: 'abroad', eventIds: e.eventIds }));
  for (const isco of profile.preferences?.occupations ?? [])
    occupations.push({ isco, source: 'preferred', eventIds: [profile.preferences!.eventId] });
  const certified: SeekerForScoring['certified'] = [];
  for (const number of Object.keys(profile.certificates).sort()) {
    const certificate = profile.certificates[number]!;
    if (!certificate.live) continue;
    for (const code of certificate.unitCodes) {
      const key = unitKey(certificate.standardId, code);
      if (!certified.some((c) => c.key === key)) certified.push({ key, certificateNumber: number, eventIds: [...certificate.eventIds] });
    }
  }
  return {
    workerId: profile.workerId,
    ...(profile.originArea === undefined ? {} : { originArea: profile.originArea }),
    languages: [...new Set(profile.languages)].sort(),
    attributeEventIds: [...profile.attributeEventIds],
    occupations,
    experience,
    areas: [...(profile.preferences?.areas ?? [])],
    willingToRelocate: profile.preferences?.willingToRelocate ?? false,
    preferencesEventIds: profile.preferences ? [profile.preferences.eventId] : [],
    certified,
    claims: Object.keys(profile.claims)
      .sort()
      .map((escoUri) => ({ escoUri, eventIds: [...profile.claims[escoUri]!] })),
  };
}

/** The vacancy as the scoring reads it: required standards expanded to their units, with each unit's ESCO skills. */
export function vacancyForScoring(vacancy: VacancyProfile, standards: StandardCatalogue): VacancyForScoring {
  const units: RequiredUnitForScoring[] = [];
  const add = (standardId: string, unitCode: string) => {
    const key = unitKey(standardId, unitCode);
    if (units.some((u) => u.key === key)) return;
    const standard = standards[standardId];
    const unit = standard?.units.find((u) => u.code === unitCode);
    units.push({ key, standardId, unitCode, escoSkills: [...(unit?.escoSkills ?? [])], eventIds: standard ? [standard.eventId] : [] });
  };
  for (const standardId of vacancy.requiredStandards) for (const unit of standards[standardId]?.units ?? []) add(standardId, unit.code);
  for (const unit of vacancy.requiredUnits) add(unit.standardId, unit.unitCode);
  return {
    vacancyId: vacancy.vacancyId,
    occupationIsco: vacancy.occupationIsco,
    units,
    experienceMonths: vacancy.experienceMonths,
    location: vacancy.location,
    languages: [...new Set(vacancy.languages)],
    eventIds: [vacancy.eventId],
  };
}

/** ISCO-08 digits two unit groups share from the left (0–4). */
export function sharedIscoDigits(a: string, b: string): number {
  let n = 0;
  while (n < 4 && n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

function factor(name: FactorName, weights: Weights, valueMilli: number, evidence: string[], cited: Iterable<string>): ExplainedFactor {
  const weightMilli = weights.factors[name];
  return {
    name,
    weightMilli,
    valueMilli,
    contributionMilli: contribution(weightMilli, valueMilli),
    evidence,
    citedEventIds: sortedUnique(cited),
  };
}

function occupationFactor(vacancy: VacancyForScoring, seeker: SeekerForScoring, weights: Weights): ExplainedFactor {
  let level = 0;
  for (const o of seeker.occupations) level = Math.max(level, sharedIscoDigits(vacancy.occupationIsco, o.isco));
  const best = seeker.occupations.filter((o) => level > 0 && sharedIscoDigits(vacancy.occupationIsco, o.isco) === level);
  const evidence =
    level === 0
      ? [`isco:0 digits with ${vacancy.occupationIsco}`]
      : best.map((o) => `isco:${level} digits ${o.isco} ${o.source === 'abroad' ? 'abroad' : 'preferred'} for ${vacancy.occupationIsco}`);
  const cited = [...vacancy.eventIds, ...best.flatMap((o) => o.eventIds)];
  return factor('occupation', weights, weights.occupationLevelValueMilli[level as 0 | 1 | 2 | 3 | 4], sortedUnique(evidence), cited);
}

export type UnitState = 'certified' | 'claimed' | 'missing';

/** At most three items, then how many more: an evidence line stays short (the API bounds it to 500 characters). */
const listed = (items: readonly string[]): string =>
  items.length <= 3 ? items.join(', ') : `${items.slice(0, 3).join(', ')} and ${items.length - 3} more`;

/** The state of each required unit for a seeker: certified beats claimed beats missing. */
export function unitStates(vacancy: VacancyForScoring, seeker: SeekerForScoring) {
  return vacancy.units.map((unit) => {
    const certificate = seeker.certified.find((c) => c.key === unit.key);
    if (certificate)
      return {
        unit,
        state: 'certified' as UnitState,
        evidence: `certified ${unit.key} (certificate ${certificate.certificateNumber})`,
        eventIds: [...unit.eventIds, ...certificate.eventIds],
      };
    const claims = seeker.claims.filter((c) => unit.escoSkills.includes(c.escoUri));
    if (claims.length > 0)
      return {
        unit,
        state: 'claimed' as UnitState,
        evidence: `claimed ${unit.key} (${listed(claims.map((c) => c.escoUri))})`,
        eventIds: [...unit.eventIds, ...claims.flatMap((c) => c.eventIds)],
      };
    return { unit, state: 'missing' as UnitState, evidence: `missing ${unit.key}`, eventIds: [...unit.eventIds] };
  });
}

function unitsFactor(vacancy: VacancyForScoring, seeker: SeekerForScoring, weights: Weights): ExplainedFactor {
  if (vacancy.units.length === 0) return factor('units', weights, 1000, ['no units required'], vacancy.eventIds);
  const states = unitStates(vacancy, seeker);
  const credit = states.reduce(
    (sum, s) => sum + (s.state === 'certified' ? 1000 : s.state === 'claimed' ? weights.claimedUnitCreditMilli : 0),
    0,
  );
  return factor(
    'units',
    weights,
    roundDiv(credit, states.length),
    states.map((s) => s.evidence),
    [...vacancy.eventIds, ...states.flatMap((s) => s.eventIds)],
  );
}

function experienceFactor(vacancy: VacancyForScoring, seeker: SeekerForScoring, weights: Weights): ExplainedFactor {
  const entry = seeker.experience.find((e) => e.isco === vacancy.occupationIsco);
  const months = entry?.months ?? 0;
  const wanted = vacancy.experienceMonths > 0 ? vacancy.experienceMonths : weights.experienceDefaultMonths;
  const value = Math.min(1000, roundDiv(months * 1000, wanted));
  return factor(
    'experience',
    weights,
    value,
    [`${months} months abroad as ${vacancy.occupationIsco}, ${wanted} wanted`],
    [...vacancy.eventIds, ...(entry?.eventIds ?? [])],
  );
}

function locationFactor(vacancy: VacancyForScoring, seeker: SeekerForScoring, weights: Weights): ExplainedFactor {
  if (seeker.originArea === vacancy.location)
    return factor('location', weights, 1000, [`origin area ${vacancy.location}`], [...vacancy.eventIds, ...seeker.attributeEventIds]);
  if (seeker.areas.includes(vacancy.location))
    return factor('location', weights, 1000, [`preferred area ${vacancy.location}`], [...vacancy.eventIds, ...seeker.preferencesEventIds]);
  if (seeker.willingToRelocate)
    return factor(
      'location',
      weights,
      weights.relocationValueMilli,
      [`willing to relocate to ${vacancy.location}`],
      [...vacancy.eventIds, ...seeker.preferencesEventIds],
    );
  return factor(
    'location',
    weights,
    0,
    [`not in ${vacancy.location} nor willing to relocate`],
    [...vacancy.eventIds, ...seeker.attributeEventIds, ...seeker.preferencesEventIds],
  );
}

function languagesFactor(vacancy: VacancyForScoring, seeker: SeekerForScoring, weights: Weights): ExplainedFactor {
  if (vacancy.languages.length === 0) return factor('languages', weights, 1000, ['no language asked'], vacancy.eventIds);
  const spoken = vacancy.languages.filter((l) => seeker.languages.includes(l));
  const missing = vacancy.languages.filter((l) => !seeker.languages.includes(l));
  return factor(
    'languages',
    weights,
    roundDiv(1000 * spoken.length, vacancy.languages.length),
    [...spoken.map((l) => `speaks ${l}`), ...missing.map((l) => `does not speak ${l}`)],
    [...vacancy.eventIds, ...seeker.attributeEventIds],
  );
}

/** The explained score of a seeker for a vacancy; pure. */
export function scoreMatch(vacancy: VacancyForScoring, seeker: SeekerForScoring, weights: Weights): ExplainedMatch {
  const factors = [
    occupationFactor(vacancy, seeker, weights),
    unitsFactor(vacancy, seeker, weights),
    experienceFactor(vacancy, seeker, weights),
    locationFactor(vacancy, seeker, weights),
    languagesFactor(vacancy, seeker, weights),
  ];
  return { weightsVersion: weights.version, scoreMilli: factors.reduce((sum, f) => sum + f.contributionMilli, 0), factors };
}
