import { assertNever } from '@homeward/assert-never';
import type { SeekerFact } from './matching.facts';

/**
 * A job seeker's profile as the matching engine folds it from the facts of the three topics. Plain JSON (it
 * is stored as such in the profile table and folded again from cited events by rebuildScore).
 *
 * Invariants: every value the scoring reads carries the ids of the events it came from (attributeEventIds,
 * a cycle's dated records, a certificate's events, a claim's events), so a score can cite them; only
 * periods abroad closed by a recorded return count as experience (an open period has no end to measure);
 * a certificate counts only while live (issued or reinstated, not suspended, revoked or superseded); after
 * erasure nothing but the id and the erased flag remains. There is no sex here.
 */
export interface SeekerProfile {
  workerId: string;
  /** A job seeker now (JobSeekerRegistered, not yet JobSeekerLeft). */
  active: boolean;
  erased: boolean;
  /** ISO 3166-2 subdivision. */
  originArea?: string;
  /** ISO 639-1 codes. */
  languages: string[];
  /** The registration and corrections that set originArea and languages. */
  attributeEventIds: string[];
  cycles: Record<string, CycleRecord>;
  preferences?: { occupations: string[]; areas: string[]; willingToRelocate: boolean; eventId: string };
  certificates: Record<string, { standardId: string; unitCodes: string[]; live: boolean; ended: boolean; eventIds: string[] }>;
  /** ESCO skill URI → the events that claimed it. */
  claims: Record<string, string[]>;
}

export interface CycleRecord {
  departure?: { occupationIsco: string; contractStart: string; departedOn: string; eventId: string };
  arrival?: { on: string; eventId: string };
  changes: { on: string; occupationIsco?: string; eventId: string }[];
  return?: { on: string; eventId: string };
}

export const initialSeekerProfile = (workerId: string): SeekerProfile => ({
  workerId,
  active: false,
  erased: false,
  languages: [],
  attributeEventIds: [],
  cycles: {},
  certificates: {},
  claims: {},
});

const cycleOf = (profile: SeekerProfile, cycleNumber: number): CycleRecord => profile.cycles[String(cycleNumber)] ?? { changes: [] };

/** The profile after one more fact about the seeker; pure, and idempotent for a fact folded twice. */
export function evolveSeeker(profile: SeekerProfile, fact: SeekerFact): SeekerProfile {
  if (profile.erased) return profile;
  switch (fact.type) {
    case 'WorkerRegistered':
      return {
        ...profile,
        originArea: fact.originArea,
        languages: [...fact.languages],
        attributeEventIds: withId(profile.attributeEventIds, fact.eventId),
      };
    case 'WorkerDetailsCorrected':
      if (fact.originArea === undefined && fact.languages === undefined) return profile;
      return {
        ...profile,
        ...(fact.originArea === undefined ? {} : { originArea: fact.originArea }),
        ...(fact.languages === undefined ? {} : { languages: [...fact.languages] }),
        attributeEventIds: withId(profile.attributeEventIds, fact.eventId),
      };
    case 'DepartureRecorded': {
      const cycle = cycleOf(profile, fact.cycleNumber);
      const departure = {
        occupationIsco: fact.occupationIsco,
        contractStart: fact.contractStart,
        departedOn: fact.departedOn,
        eventId: fact.eventId,
      };
      return { ...profile, cycles: { ...profile.cycles, [String(fact.cycleNumber)]: { ...cycle, departure } } };
    }
    case 'ArrivalRecorded': {
      const cycle = cycleOf(profile, fact.cycleNumber);
      const arrival = { on: fact.arrivedOn, eventId: fact.eventId };
      return { ...profile, cycles: { ...profile.cycles, [String(fact.cycleNumber)]: { ...cycle, arrival } } };
    }
    case 'EmploymentChanged': {
      const cycle = cycleOf(profile, fact.cycleNumber);
      if (cycle.changes.some((c) => c.eventId === fact.eventId)) return profile;
      const change = { on: fact.changedOn, eventId: fact.eventId, ...(fact.occupationIsco ? { occupationIsco: fact.occupationIsco } : {}) };
      return { ...profile, cycles: { ...profile.cycles, [String(fact.cycleNumber)]: { ...cycle, changes: [...cycle.changes, change] } } };
    }
    case 'ReturnRecorded': {
      const cycle = cycleOf(profile, fact.cycleNumber);
      const ret = { on: fact.returnedOn, eventId: fact.eventId };
      return { ...profile, cycles: { ...profile.cycles, [String(fact.cycleNumber)]: { ...cycle, return: ret } } };
    }
    case 'SkillsClaimed': {
      const claims = { ...profile.claims };
      for (const uri of fact.escoUris) claims[uri] = withId(claims[uri] ?? [], fact.eventId);
      return { ...profile, claims };
    }
    case 'CertificateIssued':
      return {
        ...profile,
        certificates: {
          ...profile.certificates,
          [fact.certificateNumber]: {
            standardId: fact.standardId,
            unitCodes: [...fact.unitCodes],
            live: true,
            ended: false,
            eventIds: [fact.eventId],
          },
        },
      };
    case 'CertificateStatusChanged': {
      const certificate = profile.certificates[fact.certificateNumber];
      if (!certificate || certificate.eventIds.includes(fact.eventId)) return profile;
      // Revoked and superseded are final; a reinstatement only lifts a suspension.
      const ended = certificate.ended || fact.change === 'revoked' || fact.change === 'superseded';
      const live = !ended && fact.change !== 'suspended';
      return {
        ...profile,
        certificates: {
          ...profile.certificates,
          [fact.certificateNumber]: { ...certificate, live, ended, eventIds: [...certificate.eventIds, fact.eventId] },
        },
      };
    }
    case 'JobSeekerRegistered':
      return { ...profile, active: true };
    case 'JobSeekerPreferencesSet':
      return {
        ...profile,
        preferences: {
          occupations: [...fact.occupations],
          areas: [...fact.areas],
          willingToRelocate: fact.willingToRelocate,
          eventId: fact.eventId,
        },
      };
    case 'JobSeekerLeft':
      return { ...profile, active: false };
    case 'PersonalDataErased':
      return { ...initialSeekerProfile(profile.workerId), erased: true };
    default:
      return assertNever(fact);
  }
}

const withId = (ids: readonly string[], id: string): string[] => (ids.includes(id) ? [...ids] : [...ids, id]);

/** Whole calendar months from one ISO date to a later one (0 when not later). */
export function monthsBetween(from: string, to: string): number {
  const [y1, m1, d1] = from.split('-').map(Number) as [number, number, number];
  const [y2, m2, d2] = to.split('-').map(Number) as [number, number, number];
  const months = (y2 - y1) * 12 + (m2 - m1) - (d2 < d1 ? 1 : 0);
  return Math.max(0, months);
}

export interface ExperienceEntry {
  isco: string;
  months: number;
  eventIds: string[];
}

/**
 * Months abroad per ISCO unit group, from the closed periods of every cycle: from the mission's arrival (the
 * contract's start when no arrival was posted) to the return, split at each employment change that names an
 * occupation. Each period counts its whole calendar months.
 */
export function experienceAbroad(profile: SeekerProfile): ExperienceEntry[] {
  const byIsco = new Map<string, ExperienceEntry>();
  for (const key of Object.keys(profile.cycles).sort((a, b) => Number(a) - Number(b))) {
    const cycle = profile.cycles[key]!;
    if (!cycle.departure || !cycle.return) continue;
    const start = cycle.arrival?.on ?? cycle.departure.contractStart ?? cycle.departure.departedOn;
    const end = cycle.return.on;
    const changes = cycle.changes
      .filter((c) => c.occupationIsco && c.on > start && c.on < end)
      .sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : a.eventId < b.eventId ? -1 : 1));
    // Every period of a cycle cites all the cycle's records that bound a period: without one of them a
    // rebuild from the cited events would measure a period differently.
    const bounds = [
      cycle.departure.eventId,
      ...(cycle.arrival ? [cycle.arrival.eventId] : []),
      ...changes.map((c) => c.eventId),
      cycle.return.eventId,
    ];
    let from = start;
    let isco = cycle.departure.occupationIsco;
    const close = (to: string) => {
      const months = monthsBetween(from, to);
      const entry = byIsco.get(isco) ?? { isco, months: 0, eventIds: [] };
      entry.months += months;
      for (const id of bounds) if (!entry.eventIds.includes(id)) entry.eventIds.push(id);
      byIsco.set(isco, entry);
    };
    for (const change of changes) {
      close(change.on);
      from = change.on;
      isco = change.occupationIsco!;
    }
    close(end);
  }
  return [...byIsco.values()].sort((a, b) => (a.isco < b.isco ? -1 : a.isco > b.isco ? 1 : 0));
}
