import fc from 'fast-check';
import type { MatchingFact } from '../matching.facts';

/**
 * Generated histories for the matching engine's property tests: a few competency standards, one vacancy and
 * several seekers with registrations, corrections, cycles abroad (departure, arrival, employment changes,
 * return), claimed ESCO skills, certificates with status changes and preferences, interleaved as the topics
 * would deliver them. Codes are real ISCO-08 unit groups and ISO 3166-2 subdivisions, chosen so that they
 * share prefixes and areas often.
 */

export const ISCO = ['5152', '5151', '5141', '5120', '9111', '9112', '7112', '7115', '8322', '3221', '2221', '6111'] as const;
export const AREAS = ['PH-CEB', 'PH-MNL', 'PH-DAV', 'PH-ILO'] as const;
export const LANGUAGES = ['en', 'tl', 'ar', 'zh', 'ja'] as const;
export const ESCO = Array.from({ length: 12 }, (_, i) => `http://data.europa.eu/esco/skill/test-${i}`);

const pad = (n: number) => String(n).padStart(2, '0');
const date = (year: number, month: number, day: number) => `${year}-${pad(month)}-${pad(day)}`;

/** A fact without its event id; ids are given in delivery order. */
type Draft = MatchingFact extends infer F ? (F extends MatchingFact ? Omit<F, 'eventId'> : never) : never;

const standardsArb = fc.array(
  fc.record({
    occupationIsco: fc.constantFrom(...ISCO),
    units: fc.uniqueArray(fc.record({ code: fc.constantFrom('U1', 'U2', 'U3', 'U4'), escoSkills: fc.subarray(ESCO, { maxLength: 3 }) }), {
      minLength: 1,
      maxLength: 4,
      selector: (u) => u.code,
    }),
    revisions: fc.nat(1),
  }),
  { minLength: 1, maxLength: 3 },
);

const cycleArb = fc.record({
  occupationIsco: fc.constantFrom(...ISCO),
  year: fc.integer({ min: 2012, max: 2023 }),
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 28 }),
  withArrival: fc.boolean(),
  arrivalDelayDays: fc.integer({ min: 0, max: 20 }),
  lengthMonths: fc.integer({ min: 1, max: 48 }),
  returnDay: fc.integer({ min: 1, max: 28 }),
  returned: fc.boolean(),
  changes: fc.array(
    fc.record({ afterMonths: fc.integer({ min: 0, max: 50 }), occupationIsco: fc.option(fc.constantFrom(...ISCO), { nil: undefined }) }),
    {
      maxLength: 2,
    },
  ),
});

const seekerArb = fc.record({
  sex: fc.constantFrom('F' as const, 'M' as const, 'O' as const, 'U' as const),
  originArea: fc.constantFrom(...AREAS),
  languages: fc.subarray([...LANGUAGES]),
  correction: fc.option(
    fc.record({
      originArea: fc.option(fc.constantFrom(...AREAS), { nil: undefined }),
      languages: fc.option(fc.subarray([...LANGUAGES]), { nil: undefined }),
    }),
    {
      nil: undefined,
    },
  ),
  cycles: fc.array(cycleArb, { maxLength: 3 }),
  claims: fc.array(fc.subarray(ESCO, { minLength: 1, maxLength: 3 }), { maxLength: 2 }),
  certificates: fc.array(
    fc.record({
      standard: fc.nat(2),
      units: fc.subarray(['U1', 'U2', 'U3', 'U4'], { minLength: 1 }),
      changes: fc.array(fc.constantFrom('suspended' as const, 'reinstated' as const, 'revoked' as const, 'superseded' as const), {
        maxLength: 2,
      }),
    }),
    { maxLength: 2 },
  ),
  preferences: fc.option(
    fc.record({
      occupations: fc.subarray([...ISCO], { maxLength: 2 }),
      areas: fc.subarray([...AREAS], { maxLength: 2 }),
      willingToRelocate: fc.boolean(),
    }),
    { nil: undefined },
  ),
  leaves: fc.boolean(),
});

const vacancyArb = fc.record({
  occupationIsco: fc.constantFrom(...ISCO),
  requiredStandards: fc.subarray([0, 1, 2], { maxLength: 1 }),
  requiredUnits: fc.array(fc.record({ standard: fc.nat(2), unitCode: fc.constantFrom('U1', 'U2', 'U3', 'U4') }), { maxLength: 3 }),
  experienceMonths: fc.constantFrom(0, 6, 12, 24, 36),
  location: fc.constantFrom(...AREAS),
  languages: fc.subarray([...LANGUAGES], { maxLength: 2 }),
});

export type SeekerSpec = typeof seekerArb extends fc.Arbitrary<infer T> ? T : never;

export interface MatchingWorld {
  facts: MatchingFact[];
  vacancyId: string;
  workerIds: string[];
  /** Sex per worker: what registration's topic says, kept beside the facts (the facts cannot carry it). */
  sexes: Record<string, 'F' | 'M' | 'O' | 'U'>;
}

function addMonths(year: number, month: number, months: number): [number, number] {
  const total = year * 12 + (month - 1) + months;
  return [Math.floor(total / 12), (total % 12) + 1];
}

function seekerDrafts(workerId: string, seeker: SeekerSpec): Draft[] {
  const drafts: Draft[] = [{ type: 'WorkerRegistered', workerId, originArea: seeker.originArea, languages: seeker.languages }];
  if (seeker.correction) drafts.push({ type: 'WorkerDetailsCorrected', workerId, ...seeker.correction } as Draft);
  seeker.cycles.forEach((cycle, index) => {
    const cycleNumber = index + 1;
    const start = date(cycle.year, cycle.month, cycle.day);
    drafts.push({
      type: 'DepartureRecorded',
      workerId,
      cycleNumber,
      occupationIsco: cycle.occupationIsco,
      contractStart: start,
      departedOn: start,
    });
    if (cycle.withArrival) {
      const d = Math.min(28, cycle.day + cycle.arrivalDelayDays);
      drafts.push({ type: 'ArrivalRecorded', workerId, cycleNumber, arrivedOn: date(cycle.year, cycle.month, d) });
    }
    for (const change of cycle.changes) {
      const [y, m] = addMonths(cycle.year, cycle.month, change.afterMonths);
      drafts.push({
        type: 'EmploymentChanged',
        workerId,
        cycleNumber,
        changedOn: date(y, m, 15),
        ...(change.occupationIsco ? { occupationIsco: change.occupationIsco } : {}),
      });
    }
    if (cycle.returned) {
      const [y, m] = addMonths(cycle.year, cycle.month, cycle.lengthMonths);
      drafts.push({ type: 'ReturnRecorded', workerId, cycleNumber, returnedOn: date(y, m, cycle.returnDay) });
    }
  });
  drafts.push({ type: 'JobSeekerRegistered', workerId });
  for (const escoUris of seeker.claims) drafts.push({ type: 'SkillsClaimed', workerId, escoUris });
  seeker.certificates.forEach((certificate, index) => {
    const certificateNumber = `${workerId}-C${index}`;
    drafts.push({
      type: 'CertificateIssued',
      workerId,
      certificateNumber,
      standardId: `STD-${certificate.standard}`,
      unitCodes: certificate.units,
    });
    for (const change of certificate.changes) drafts.push({ type: 'CertificateStatusChanged', workerId, certificateNumber, change });
  });
  if (seeker.preferences) drafts.push({ type: 'JobSeekerPreferencesSet', workerId, ...seeker.preferences });
  return drafts;
}

/** Standards, a vacancy and 1–8 seekers; seekers' facts interleaved (each seeker's own order kept). */
export const matchingWorldArb: fc.Arbitrary<MatchingWorld> = fc
  .record({
    standards: standardsArb,
    vacancy: vacancyArb,
    seekers: fc.array(seekerArb, { minLength: 1, maxLength: 8 }),
    interleave: fc.array(fc.nat(), { minLength: 64, maxLength: 64 }),
  })
  .map(({ standards, vacancy, seekers, interleave }) => {
    const drafts: Draft[] = [];
    standards.forEach((s, i) => {
      for (let version = 1; version <= 1 + s.revisions; version++)
        drafts.push({
          type: 'StandardPublished',
          standardId: `STD-${i}`,
          version,
          occupationIsco: s.occupationIsco,
          units: version === 1 ? s.units.slice(0, 1) : s.units,
        });
    });
    drafts.push({
      type: 'VacancyPosted',
      vacancyId: 'V-1',
      employerId: 'EMP-1',
      occupationIsco: vacancy.occupationIsco,
      requiredStandards: vacancy.requiredStandards.map((i) => `STD-${i}`),
      requiredUnits: vacancy.requiredUnits.map((u) => ({ standardId: `STD-${u.standard}`, unitCode: u.unitCode })),
      experienceMonths: vacancy.experienceMonths,
      location: vacancy.location,
      languages: vacancy.languages,
    });
    const workerIds = seekers.map((_, i) => `W-${i + 1}`);
    const queues = seekers.map((s, i) => seekerDrafts(workerIds[i]!, s));
    let turn = 0;
    while (queues.some((q) => q.length > 0)) {
      const open = queues.filter((q) => q.length > 0);
      const queue = open[(interleave[turn++ % interleave.length] ?? 0) % open.length]!;
      drafts.push(queue.shift()!);
    }
    const facts = drafts.map((d, i) => ({ ...d, eventId: `e-${String(i + 1).padStart(4, '0')}` }) as MatchingFact);
    const sexes = Object.fromEntries(seekers.map((s, i) => [workerIds[i]!, s.sex]));
    return { facts, vacancyId: 'V-1', workerIds, sexes };
  });
