import type { KnownStandard, PostVacancy, VacancyCommand } from '../vacancy/vacancy.decider';
import type { VacancyEvent } from '../vacancy/vacancy.events';
import type { VacancyFacts } from '../vacancy/vacancy.state';
import type { SeekerEvent } from '../seeker/seeker.events';
import type { MakeReferral, MatchScore, RecordHire, ReferralCommand } from '../referral/referral.decider';
import type { ReferralEvent } from '../referral/referral.events';
import type { SeekerCommand } from '../seeker/seeker.decider';

/** The deciders' clock in the tests: 2025-07-01, noon UTC. */
export const NOW = new Date('2025-07-01T12:00:00Z');
export const TODAY = '2025-07-01';

export const at = <C>(command: C, now: Date = NOW) => ({ ...command, metadata: { now } });

export const vacancyId = '0197c1a0-0000-7000-8000-00000000000a';
export const workerId = '0197c1a0-0000-7000-8000-0000000000b1';
export const referralId = '0197c1a0-0000-7000-8000-0000000000c1';
export const employerId = 'ph-employer-cebu-hotel';

export const housekeeping: KnownStandard = { standardId: 'rmcs-housekeeping', withdrawn: false, unitCodes: ['HHK-01', 'HHK-02', 'HHK-03'] };
export const standards = new Map([[housekeeping.standardId, housekeeping]]);

export const post = (extra: Partial<PostVacancy['data']> = {}): VacancyCommand => ({
  type: 'PostVacancy',
  data: {
    vacancyId,
    employerId,
    postedBy: 'employer',
    title: 'Room attendant',
    occupationIsco: '9112',
    requiredStandards: [],
    requiredUnits: [{ standardId: 'rmcs-housekeeping', unitCode: 'HHK-01' }],
    experienceMonths: 12,
    location: 'PH-CEB',
    languages: ['en', 'tl'],
    monthlyWage: { currency: 'PHP', amountMinor: 1_800_000 },
    openings: 2,
    closingOn: '2025-08-31',
    standards,
    ...extra,
  },
});

export const posted: VacancyEvent = {
  type: 'VacancyPosted',
  data: {
    vacancyId,
    employerId,
    postedBy: 'employer',
    title: 'Room attendant',
    occupationIsco: '9112',
    requiredStandards: [],
    requiredUnits: [{ standardId: 'rmcs-housekeeping', unitCode: 'HHK-01' }],
    experienceMonths: 12,
    location: 'PH-CEB',
    languages: ['en', 'tl'],
    monthlyWage: { currency: 'PHP', amountMinor: 1_800_000 },
    openings: 2,
    closingOn: '2025-08-31',
    postedOn: '2025-06-01',
  },
};
export const vacancyClosed: VacancyEvent = {
  type: 'VacancyClosed',
  data: { vacancyId, closedOn: '2025-06-20', reason: 'closed_by_employer' },
};
export const vacancyFilled: VacancyEvent = { type: 'VacancyFilled', data: { vacancyId, filledOn: '2025-06-25' } };
export const vacancyWithdrawn: VacancyEvent = {
  type: 'VacancyWithdrawn',
  data: { vacancyId, withdrawnOn: '2025-06-21', reason: 'job cancelled' },
};

export const openVacancy: VacancyFacts = {
  vacancyId,
  employerId,
  status: 'open',
  closingOn: '2025-08-31',
  occupationIsco: '9112',
  monthlyWage: { currency: 'PHP', amountMinor: 1_800_000 },
  openings: 2,
  hires: 0,
};

export const seekerRegistered: SeekerEvent = {
  type: 'JobSeekerRegistered',
  data: { workerId, registeredOn: '2025-05-02', basis: 'return', sourceEventId: 'evt-return-1', cycleNumber: 1, returnedOn: '2025-05-01' },
};
export const seekerLeft: SeekerEvent = { type: 'JobSeekerLeft', data: { workerId, leftOn: '2025-06-01', reason: 'on_request' } };

export const registerReturnee = (extra: Partial<Extract<SeekerCommand, { type: 'RegisterReturnee' }>['data']> = {}): SeekerCommand => ({
  type: 'RegisterReturnee',
  data: { workerId, sourceEventId: 'evt-return-1', cycleNumber: 1, returnedOn: '2025-05-01', ...extra },
});
export const setPreferences = (extra: Partial<Extract<SeekerCommand, { type: 'SetPreferences' }>['data']> = {}): SeekerCommand => ({
  type: 'SetPreferences',
  data: { occupations: ['9112'], areas: ['PH-CEB'], willingToRelocate: false, ...extra },
});

export const match: MatchScore = {
  weightsVersion: '2026-12-01',
  scoreMilli: 1500,
  factors: [
    {
      name: 'occupation',
      weightMilli: 1000,
      valueMilli: 1000,
      contributionMilli: 1000,
      evidence: ['isco:4 digits 9112'],
      citedEventIds: ['e1'],
    },
    { name: 'location', weightMilli: 500, valueMilli: 1000, contributionMilli: 500, evidence: ['PH-CEB'], citedEventIds: ['e2'] },
  ],
};

export const refer = (extra: Partial<MakeReferral['data']> = {}): ReferralCommand => ({
  type: 'MakeReferral',
  data: {
    referralId,
    vacancyId,
    workerId,
    vacancy: openVacancy,
    seeker: { workerId, status: 'active' },
    liveReferralId: undefined,
    match,
    ...extra,
  },
});

export const referred: ReferralEvent = {
  type: 'ReferralMade',
  data: {
    referralId,
    vacancyId,
    workerId,
    employerId,
    referredOn: '2025-06-10',
    weightsVersion: match.weightsVersion,
    scoreMilli: match.scoreMilli,
    factors: match.factors,
  },
};
export const interviewed: ReferralEvent = {
  type: 'InterviewRecorded',
  data: { referralId, interviewedOn: '2025-06-15', outcome: 'passed' },
};
export const referralClosed: ReferralEvent = {
  type: 'ReferralClosed',
  data: { referralId, closedOn: '2025-06-16', reason: 'not_selected' },
};
export const hired: ReferralEvent = {
  type: 'HireRecorded',
  data: {
    referralId,
    vacancyId,
    workerId,
    hiredOn: '2025-06-20',
    startsOn: '2025-06-23',
    contractType: 'permanent',
    monthlyWage: { currency: 'PHP', amountMinor: 1_800_000 },
    occupationIsco: '9112',
  },
};
export const placementEnded: ReferralEvent = {
  type: 'PlacementEnded',
  data: { referralId, workerId, endedOn: '2025-06-30', reason: 'resigned' },
};

export const hire = (extra: Partial<RecordHire['data']> = {}): ReferralCommand => ({
  type: 'RecordHire',
  data: { hiredOn: '2025-06-20', startsOn: '2025-06-23', contractType: 'permanent', vacancy: openVacancy, ...extra },
});
