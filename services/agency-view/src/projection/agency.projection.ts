import type { RegistrationFact, Sex } from '@homeward/projections/registration';
import type { DirectoryEmployer, DirectoryFact, DirectoryIdentity } from '@homeward/projections/registration-directory';
import { assertNever } from '@homeward/assert-never';
import type { CertificateStatusChange, SkillsFact } from './skills.source';
import type { EmploymentFact, ExplainedFactor, VacancyStatusChange, Wage } from './employment.source';
import type { FundFact } from '@homeward/projections/fund';

/**
 * The agency's national picture, folded from the facts of every Homeward topic into row changes. Pure:
 * facts in, changes out; the writer (agency.read-model.ts) turns changes into SQL.
 *
 * Invariants:
 * - one `workers` row per registered worker; `cycles` is the number of their latest cycle, `status` moves
 *   at_home → abroad (a departure) → returned (the return of the latest cycle), and back to abroad on a
 *   re-migration;
 * - one `cycles` row per cycle, opened by its departure, or by its return when no departure was recorded;
 * - every fact adds one timeline entry (the event id is its key), whatever else it changes;
 * - personal data comes only from the registration directory (docs/adr/0004): one `identities` row per
 *   worker with the names, date of birth and documents of the latest entry (a lower stream version never
 *   replaces a higher one), and the keys that search compares them by; and one `employers` row per
 *   departure or change of employer that the directory names (docs/adr/0006), which is where the employer
 *   of a cycle comes from (events recorded before employer names were sealed still bring theirs in the
 *   clear, into `cycles`). Erasure deletes the identity and the employers and removes what could still
 *   identify the person beyond the pseudonymous attributes statistics keep (employer and recruitment agency
 *   names); later facts do not bring any of it back.
 */

/** Bump with any change to the tables or to what is written into them: a new version is rebuilt from offset zero. */
export const AGENCY_VIEW_VERSION = 7;

/** Fields of timeline details that identify more than the pseudonymous attributes: dropped on erasure. */
export const ERASABLE_DETAILS = ['employerName', 'recruitmentAgency'] as const;

export type AgencyChange =
  | {
      readonly kind: 'timeline';
      /** Absent only for an event of a referral or a claim that names no worker: `referralId` or `claimId` then says whose it is. */
      readonly workerId?: string;
      readonly referralId?: string;
      readonly claimId?: string;
      readonly eventId: string;
      readonly source: string;
      readonly type: string;
      readonly streamId: string;
      readonly streamVersion: number;
      readonly cycleNumber?: number;
      readonly occurredOn: string;
      readonly recordedAt: Date;
      readonly details: Readonly<Record<string, unknown>>;
    }
  | {
      readonly kind: 'worker-registered';
      readonly workerId: string;
      readonly registeredOn: string;
      readonly sex: Sex;
      readonly birthYear: number;
      readonly originArea: string;
      readonly educationIsced?: number;
      readonly languages: readonly string[];
      readonly at: Date;
    }
  | {
      readonly kind: 'cycle-opened';
      readonly workerId: string;
      readonly cycleNumber: number;
      readonly destinationCountry: string;
      readonly departedOn: string;
      /** In the clear only in events recorded before employer names were sealed; see `employers-known`. */
      readonly employerName?: string;
      readonly occupationIsco: string;
      readonly contractStart: string;
      readonly contractEnd: string;
      readonly recruitmentAgency: string;
      readonly channel: string;
      readonly at: Date;
    }
  | { readonly kind: 'arrived'; readonly workerId: string; readonly cycleNumber: number; readonly arrivedOn: string }
  | {
      readonly kind: 'employment-changed';
      readonly workerId: string;
      readonly cycleNumber: number;
      readonly employerName?: string;
      readonly occupationIsco?: string;
      readonly contractEnd?: string;
    }
  | {
      readonly kind: 'returned';
      readonly workerId: string;
      readonly cycleNumber: number;
      readonly returnedOn: string;
      readonly fromCountry: string;
      readonly assistance: string;
      readonly reason: string;
      readonly withoutRecordedDeparture: boolean;
      readonly at: Date;
    }
  | { readonly kind: 'needs-assessed'; readonly workerId: string; readonly cycleNumber: number; readonly assessedOn: string }
  | { readonly kind: 'referred'; readonly workerId: string; readonly cycleNumber: number; readonly referredOn: string }
  | {
      readonly kind: 'details-corrected';
      readonly workerId: string;
      readonly sex?: Sex;
      readonly originArea?: string;
      readonly educationIsced?: number;
      readonly languages?: readonly string[];
      readonly at: Date;
    }
  | { readonly kind: 'duplicates-flagged'; readonly workerId: string; readonly candidates: readonly string[] }
  | { readonly kind: 'duplicate-resolved'; readonly workerId: string; readonly candidateId: string; readonly samePerson: boolean }
  | { readonly kind: 'erasure-recorded'; readonly workerId: string; readonly erasedOn: string }
  | { readonly kind: 'identity-known'; readonly workerId: string; readonly streamVersion: number; readonly identity: DirectoryIdentity }
  /** The employers a directory entry names (docs/adr/0006): each at the stream version of its departure or change of employer. */
  | { readonly kind: 'employers-known'; readonly workerId: string; readonly employers: readonly DirectoryEmployer[] }
  /** What the erase hook does: the rows keep the pseudonymous attributes and lose the rest. */
  | { readonly kind: 'personal-data-erased'; readonly workerId: string }
  // The skills topic (issue 11): a worker's assessments, gap training and certificates.
  | {
      readonly kind: 'assessed';
      readonly workerId: string;
      readonly assessmentId: string;
      readonly reassessment: boolean;
      readonly standardId: string;
      readonly standardVersion: number;
      readonly centreId: string;
      readonly assessorId: string;
      readonly assessedOn: string;
      readonly method: string;
      readonly unitsCompetent: readonly string[];
      readonly unitsNotYetCompetent: readonly string[];
    }
  | {
      readonly kind: 'gap-training-referred';
      readonly workerId: string;
      readonly referralId: string;
      readonly standardId: string;
      readonly unitCodes: readonly string[];
      readonly provider: string;
      readonly referredOn: string;
    }
  | { readonly kind: 'gap-training-completed'; readonly workerId: string; readonly referralId: string; readonly completedOn: string }
  | {
      readonly kind: 'certificate-issued';
      readonly workerId: string;
      readonly certificateNumber: string;
      readonly certificateKind: string;
      readonly standardId: string;
      readonly standardVersion: number;
      readonly unitCodes: readonly string[];
      readonly issuingBody: string;
      readonly issuedOn: string;
      readonly expiresOn?: string;
    }
  | {
      readonly kind: 'certificate-status-changed';
      readonly workerId: string;
      readonly certificateNumber: string;
      readonly change: CertificateStatusChange;
      readonly on: string;
      readonly reason?: string;
      readonly supersededBy?: string;
    }
  /** Reference data of the skills topic, about no worker: a standard's version, a centre. */
  | {
      readonly kind: 'standard-version-known';
      readonly standardId: string;
      readonly version: number;
      readonly title: string;
      readonly occupationIsco: string;
      readonly level: number;
      readonly units: readonly { readonly code: string; readonly title: string }[];
    }
  | { readonly kind: 'centre-known'; readonly centreId: string; readonly name: string; readonly subdivision: string }
  // The employment topic (issue 12). Vacancies are reference data (about no worker), written in order; a
  // job seeker's changes key on the worker; a referral's on the referral (its interview and closing do not
  // name the worker), and none of them touches a row of another key.
  | {
      readonly kind: 'vacancy-known';
      readonly vacancyId: string;
      readonly employerId: string;
      readonly postedBy: string;
      readonly title: string;
      readonly occupationIsco: string;
      readonly location: string;
      readonly wage?: Wage;
      readonly openings: number;
      readonly postedOn: string;
      readonly closingOn: string;
    }
  | {
      readonly kind: 'vacancy-status-changed';
      readonly vacancyId: string;
      readonly change: VacancyStatusChange;
      readonly on: string;
      readonly reason?: string;
    }
  | {
      readonly kind: 'seeker-registered';
      readonly workerId: string;
      readonly registeredOn: string;
      readonly basis: string;
      readonly cycleNumber?: number;
      readonly returnedOn?: string;
    }
  | {
      readonly kind: 'seeker-preferences-set';
      readonly workerId: string;
      readonly setOn: string;
      readonly occupations: readonly string[];
      readonly areas: readonly string[];
      readonly willingToRelocate: boolean;
      readonly availableFrom?: string;
    }
  | { readonly kind: 'seeker-left'; readonly workerId: string; readonly leftOn: string; readonly reason: string }
  | {
      readonly kind: 'referral-made';
      readonly referralId: string;
      readonly workerId: string;
      readonly vacancyId: string;
      readonly employerId: string;
      readonly referredOn: string;
      readonly weightsVersion: string;
      readonly scoreMilli: number;
      readonly factors: readonly ExplainedFactor[];
    }
  | { readonly kind: 'interview-recorded'; readonly referralId: string; readonly interviewedOn: string; readonly outcome: string }
  | { readonly kind: 'referral-closed'; readonly referralId: string; readonly closedOn: string; readonly reason: string }
  | {
      readonly kind: 'hire-recorded';
      readonly referralId: string;
      readonly workerId: string;
      readonly vacancyId: string;
      readonly hiredOn: string;
      readonly startsOn: string;
      readonly contractType: string;
      readonly wage?: Wage;
      readonly occupationIsco: string;
    }
  | {
      readonly kind: 'placement-ended';
      readonly referralId: string;
      readonly workerId: string;
      readonly endedOn: string;
      readonly reason: string;
    }
  /** A fact of a claim's stream on the fund topic (issue 13), case notes never among them. */
  | { readonly kind: 'fund-claim'; readonly fact: ClaimFact };

const day = (date: Date): string => date.toISOString().slice(0, 10);

/** The timeline entry of a registration fact: its data without the worker id and cycle, which have columns of their own. */
function timelineEntry(fact: Exclude<RegistrationFact, { type: 'Unrecognised' }>): AgencyChange {
  const { workerId, ...rest } = fact.data as { workerId: string; cycleNumber?: number } & Record<string, unknown>;
  const { cycleNumber, ...details } = rest as { cycleNumber?: number } & Record<string, unknown>;
  const e = fact.envelope;
  return {
    kind: 'timeline',
    workerId,
    eventId: e.eventId,
    source: 'registration',
    type: fact.type,
    streamId: e.streamId,
    streamVersion: e.streamVersion,
    ...(cycleNumber === undefined ? {} : { cycleNumber }),
    occurredOn: day(e.occurredAt ?? e.recordedAt),
    recordedAt: e.recordedAt,
    details,
  };
}

/** The row changes of a registration fact. */
export function registrationChanges(fact: RegistrationFact): AgencyChange[] {
  if (fact.type === 'Unrecognised') return [];
  const at = fact.envelope.recordedAt;
  const entry = timelineEntry(fact);
  switch (fact.type) {
    case 'WorkerRegistered': {
      const d = fact.data;
      return [
        {
          kind: 'worker-registered',
          workerId: d.workerId,
          registeredOn: day(fact.envelope.occurredAt ?? at),
          sex: d.sex,
          birthYear: d.birthYear,
          originArea: d.originArea,
          ...(d.educationIsced === undefined ? {} : { educationIsced: d.educationIsced }),
          languages: d.languages,
          at,
        },
        entry,
      ];
    }
    case 'DepartureRecorded': {
      const d = fact.data;
      return [
        {
          kind: 'cycle-opened',
          workerId: d.workerId,
          cycleNumber: d.cycleNumber,
          destinationCountry: d.destinationCountry,
          departedOn: d.departedOn,
          ...(d.employerName ? { employerName: d.employerName } : {}),
          occupationIsco: d.occupationIsco,
          contractStart: d.contractStart,
          contractEnd: d.contractEnd,
          recruitmentAgency: d.recruitmentAgency,
          channel: d.channel,
          at,
        },
        entry,
      ];
    }
    case 'ArrivalRecorded':
      return [{ kind: 'arrived', workerId: fact.data.workerId, cycleNumber: fact.data.cycleNumber, arrivedOn: fact.data.arrivedOn }, entry];
    case 'EmploymentChanged': {
      const d = fact.data;
      return [
        {
          kind: 'employment-changed',
          workerId: d.workerId,
          cycleNumber: d.cycleNumber,
          ...(d.employerName ? { employerName: d.employerName } : {}),
          ...(d.occupationIsco ? { occupationIsco: d.occupationIsco } : {}),
          ...(d.contractEnd ? { contractEnd: d.contractEnd } : {}),
        },
        entry,
      ];
    }
    case 'ReturnRecorded': {
      const d = fact.data;
      return [
        {
          kind: 'returned',
          workerId: d.workerId,
          cycleNumber: d.cycleNumber,
          returnedOn: d.returnedOn,
          fromCountry: d.fromCountry,
          assistance: d.assistance,
          reason: d.reason,
          withoutRecordedDeparture: d.withoutRecordedDeparture,
          at,
        },
        entry,
      ];
    }
    case 'ReintegrationNeedsAssessed':
      return [
        { kind: 'needs-assessed', workerId: fact.data.workerId, cycleNumber: fact.data.cycleNumber, assessedOn: fact.data.assessedOn },
        entry,
      ];
    case 'ReintegrationReferralMade':
      return [
        { kind: 'referred', workerId: fact.data.workerId, cycleNumber: fact.data.cycleNumber, referredOn: fact.data.referredOn },
        entry,
      ];
    case 'WorkerDetailsCorrected': {
      const d = fact.data;
      return [
        {
          kind: 'details-corrected',
          workerId: d.workerId,
          ...(d.sex ? { sex: d.sex } : {}),
          ...(d.originArea === undefined ? {} : { originArea: d.originArea }),
          ...(d.educationIsced === undefined ? {} : { educationIsced: d.educationIsced }),
          ...(d.languages === undefined ? {} : { languages: d.languages }),
          at,
        },
        entry,
      ];
    }
    case 'PossibleDuplicateFlagged':
      return [{ kind: 'duplicates-flagged', workerId: fact.data.workerId, candidates: fact.data.candidates.map((c) => c.workerId) }, entry];
    case 'DuplicateResolved':
      return [
        { kind: 'duplicate-resolved', workerId: fact.data.workerId, candidateId: fact.data.candidateId, samePerson: fact.data.samePerson },
        entry,
      ];
    case 'PersonalDataErased':
      // The erase hook has removed what the rows held; this records when.
      return [{ kind: 'erasure-recorded', workerId: fact.data.workerId, erasedOn: fact.data.erasedOn }, entry];
    case 'PreDepartureOrientationCompleted':
    case 'SkillsAcquired':
    case 'WelfareIncidentRecorded':
    case 'ReintegrationOutcomeRecorded':
      // On the timeline (and in the cycle's stages) only.
      return [entry];
    default:
      assertNever(fact, 'fact');
  }
}

/**
 * The row changes of a directory fact: the worker's identity and employers; a withdrawal is an erasure,
 * which the erase hook has done.
 */
export function directoryChanges(fact: DirectoryFact): AgencyChange[] {
  switch (fact.type) {
    case 'IdentityPublished':
      return [
        { kind: 'identity-known', workerId: fact.workerId, streamVersion: fact.streamVersion, identity: fact.identity },
        ...(fact.employers.length > 0 ? [{ kind: 'employers-known' as const, workerId: fact.workerId, employers: fact.employers }] : []),
      ];
    case 'IdentityWithdrawn':
      return [];
    default:
      assertNever(fact, 'directory fact');
  }
}

/** The timeline entry of a skills fact about a worker: its data without the worker id (the cycle of a mission's record kept). */
function skillsTimelineEntry(fact: Extract<SkillsFact, { data: { workerId: string } }>): AgencyChange {
  const { workerId, ...rest } = fact.data as { workerId: string } & Record<string, unknown>;
  const { cycleNumber, ...details } = rest as { cycleNumber?: number } & Record<string, unknown>;
  const e = fact.envelope;
  return {
    kind: 'timeline',
    workerId,
    eventId: e.eventId,
    source: 'skills',
    type: fact.type,
    streamId: e.streamId,
    streamVersion: e.streamVersion,
    ...(cycleNumber === undefined ? {} : { cycleNumber }),
    occurredOn: day(e.occurredAt ?? e.recordedAt),
    recordedAt: e.recordedAt,
    details,
  };
}

/**
 * The row changes of a skills fact. Every fact about a worker goes on the worker's timeline (source
 * `skills`); assessments, gap training and certificates also have rows of their own, and standards and
 * centres are kept to name what the profile shows. Nothing sealed reaches here (skills.source.ts).
 */
export function skillsChanges(fact: SkillsFact): AgencyChange[] {
  switch (fact.type) {
    case 'Ignored':
      return [];
    case 'StandardVersionPublished': {
      const d = fact.data;
      return [
        {
          kind: 'standard-version-known',
          standardId: d.standardId,
          version: d.version,
          title: d.title,
          occupationIsco: d.occupationIsco,
          level: d.level,
          units: d.units,
        },
      ];
    }
    case 'CentreRegistered':
      return [{ kind: 'centre-known', centreId: fact.data.centreId, name: fact.data.name, subdivision: fact.data.subdivision }];
    case 'CounsellingRecorded':
    case 'EvidenceAdded':
    case 'MissionAttestedSkillsAdded':
    case 'PersonalDataErased':
      // On the timeline only (an erasure's effect is the erase hook's).
      return [skillsTimelineEntry(fact)];
    case 'AssessmentRecorded': {
      const { hasRemarks: _remarks, ...d } = fact.data;
      return [{ kind: 'assessed', ...d }, skillsTimelineEntry(fact)];
    }
    case 'GapTrainingReferred':
      return [{ kind: 'gap-training-referred', ...fact.data }, skillsTimelineEntry(fact)];
    case 'GapTrainingCompleted':
      return [{ kind: 'gap-training-completed', ...fact.data }, skillsTimelineEntry(fact)];
    case 'CertificateIssued': {
      const { kind, ...d } = fact.data;
      return [{ kind: 'certificate-issued', certificateKind: kind, ...d }, skillsTimelineEntry(fact)];
    }
    case 'CertificateStatusChanged':
      return [{ kind: 'certificate-status-changed', ...fact.data }, skillsTimelineEntry(fact)];
    default:
      assertNever(fact, 'skills fact');
  }
}

/** The timeline entry of an employment fact about a worker (or a referral): its data without the ids that have columns. */
function employmentTimelineEntry(
  fact: Extract<EmploymentFact, { data: { workerId: string } } | { data: { referralId: string } }>,
  details: Readonly<Record<string, unknown>>,
): AgencyChange {
  const e = fact.envelope;
  const data = fact.data as { workerId?: string; referralId?: string; cycleNumber?: number };
  return {
    kind: 'timeline',
    ...(data.workerId === undefined ? { referralId: data.referralId! } : { workerId: data.workerId }),
    eventId: e.eventId,
    source: 'employment',
    type: fact.type,
    streamId: e.streamId,
    streamVersion: e.streamVersion,
    ...(data.cycleNumber === undefined ? {} : { cycleNumber: data.cycleNumber }),
    occurredOn: day(e.occurredAt ?? e.recordedAt),
    recordedAt: e.recordedAt,
    details,
  };
}

/**
 * The row changes of an employment fact. Vacancies are kept to name what a referral is for; a job seeker's
 * status and preferences, referrals and placements have rows of their own; every fact about a worker or a
 * referral also goes on the worker's timeline (source `employment`), a referral's without the explained
 * factors (they are on the referral's row).
 */
export function employmentChanges(fact: EmploymentFact): AgencyChange[] {
  switch (fact.type) {
    case 'Ignored':
      return [];
    case 'VacancyPosted':
      return [{ kind: 'vacancy-known', ...fact.data }];
    case 'VacancyStatusChanged':
      return [{ kind: 'vacancy-status-changed', ...fact.data }];
    case 'JobSeekerRegistered': {
      const { workerId: _w, cycleNumber: _c, ...details } = fact.data;
      return [{ kind: 'seeker-registered', ...fact.data }, employmentTimelineEntry(fact, details)];
    }
    case 'JobSeekerPreferencesSet': {
      const { workerId: _w, ...details } = fact.data;
      return [{ kind: 'seeker-preferences-set', ...fact.data }, employmentTimelineEntry(fact, details)];
    }
    case 'JobSeekerLeft': {
      const { workerId: _w, ...details } = fact.data;
      return [{ kind: 'seeker-left', ...fact.data }, employmentTimelineEntry(fact, details)];
    }
    case 'ReferralMade': {
      const { workerId: _w, factors: _f, ...details } = fact.data;
      return [{ kind: 'referral-made', ...fact.data }, employmentTimelineEntry(fact, details)];
    }
    case 'InterviewRecorded':
      return [{ kind: 'interview-recorded', ...fact.data }, employmentTimelineEntry(fact, fact.data)];
    case 'ReferralClosed':
      return [{ kind: 'referral-closed', ...fact.data }, employmentTimelineEntry(fact, fact.data)];
    case 'HireRecorded': {
      const { workerId: _w, ...details } = fact.data;
      return [{ kind: 'hire-recorded', ...fact.data }, employmentTimelineEntry(fact, details)];
    }
    case 'PlacementEnded': {
      const { workerId: _w, ...details } = fact.data;
      return [{ kind: 'placement-ended', ...fact.data }, employmentTimelineEntry(fact, details)];
    }
    default:
      assertNever(fact, 'employment fact');
  }
}

export type ClaimFact = Exclude<FundFact, { type: 'Ignored' }>;

/**
 * The row changes of a fund fact: the claim's row, and an entry on the worker's timeline (source `fund`)
 * with what the event says about the claim — never case notes, which the fund source does not read.
 */
export function fundChanges(fact: FundFact): AgencyChange[] {
  if (fact.type === 'Ignored') return [];
  const e = fact.envelope;
  const { claimId, ...details } = fact.data;
  const worker = fact.type === 'ClaimFiled' ? { workerId: fact.data.workerId } : { claimId };
  return [
    { kind: 'fund-claim', fact },
    {
      kind: 'timeline',
      ...worker,
      eventId: e.eventId,
      source: 'fund',
      type: fact.type,
      streamId: e.streamId,
      streamVersion: e.streamVersion,
      ...(fact.type === 'ClaimFiled' && fact.data.cycleNumber !== undefined ? { cycleNumber: fact.data.cycleNumber } : {}),
      occurredOn: day(e.occurredAt ?? e.recordedAt),
      recordedAt: e.recordedAt,
      details: { claimId, ...(fact.type === 'ClaimFiled' ? (({ workerId: _w, ...rest }) => rest)(fact.data) : details) },
    },
  ];
}

/** Every prefix of an ISCO-08 code ("9111" → 9, 91, 911, 9111), so that a group matches its unit groups. */
export const iscoPrefixes = (code: string): string[] => Array.from({ length: code.length }, (_, i) => code.slice(0, i + 1));
