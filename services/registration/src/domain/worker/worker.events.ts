import { assertNever } from '@homeward/assert-never';

/** Domain events of a worker's stream, in the past tense. Dates are ISO calendar dates (YYYY-MM-DD). */

export type Sex = 'F' | 'M' | 'O' | 'U';
export type RecruitmentChannel = 'regular' | 'irregular';
export type ReturnAssistance = 'assisted' | 'unassisted';
export type ReturnReason =
  | 'contract_completed'
  | 'terminated_early'
  | 'abuse_or_exploitation'
  | 'illness_or_injury'
  | 'death'
  | 'deportation'
  | 'evacuation'
  | 'voluntary'
  | 'other';

export interface Money {
  readonly currency: string;
  readonly amountMinor: number;
}

export interface PersonalData {
  readonly givenName: string;
  readonly familyName: string;
  readonly dateOfBirth: string;
  readonly nationalId?: string;
  readonly passportNumber?: string;
  readonly phone?: string;
  readonly email?: string;
}

export interface WorkerRegistered {
  readonly type: 'WorkerRegistered';
  readonly data: {
    readonly workerId: string;
    readonly registeredOn: string;
    readonly sex: Sex;
    readonly birthYear: number;
    readonly originArea: string;
    readonly educationIsced?: number;
    readonly languages: readonly string[];
    /** Absent when read back after the worker's personal data was erased. */
    readonly personalData?: PersonalData;
  };
}

export interface DepartureRecorded {
  readonly type: 'DepartureRecorded';
  readonly data: {
    readonly workerId: string;
    readonly cycleNumber: number;
    readonly destinationCountry: string;
    readonly departedOn: string;
    /**
     * Sealed in storage like personal data (a household employer's name points back at the worker,
     * docs/adr/0006); absent when read back after the worker's personal data was erased.
     */
    readonly employerName?: string;
    readonly occupationIsco: string;
    readonly contractStart: string;
    readonly contractEnd: string;
    readonly recruitmentAgency?: string;
    readonly channel: RecruitmentChannel;
    readonly recruitmentCost?: Money;
    readonly monthlyWage?: Money;
  };
}

export interface ReturnRecorded {
  readonly type: 'ReturnRecorded';
  readonly data: {
    readonly workerId: string;
    readonly cycleNumber: number;
    readonly returnedOn: string;
    readonly fromCountry: string;
    readonly assistance: ReturnAssistance;
    readonly reason: ReturnReason;
    /** No departure was recorded for this cycle: an undocumented returnee, counted and flagged. */
    readonly withoutRecordedDeparture: boolean;
  };
}

export type ErasureBasis = 'subject_request' | 'retention_period_ended' | 'legal_obligation';

export interface PersonalDataErased {
  readonly type: 'PersonalDataErased';
  readonly data: {
    readonly workerId: string;
    readonly erasedOn: string;
    readonly basis: ErasureBasis;
  };
}

export type OrientationTopic = 'rights' | 'skills_recognition' | 'employment_prospects' | 'credit_and_savings';

/** Pre-departure orientation, before the cycle it prepares for. */
export interface PreDepartureOrientationCompleted {
  readonly type: 'PreDepartureOrientationCompleted';
  readonly data: {
    readonly workerId: string;
    readonly completedOn: string;
    readonly topics: readonly OrientationTopic[];
    readonly provider: string;
  };
}

export interface ArrivalRecorded {
  readonly type: 'ArrivalRecorded';
  readonly data: { readonly workerId: string; readonly cycleNumber: number; readonly arrivedOn: string; readonly country: string };
}

export type EmploymentChange = 'new_employer' | 'new_occupation' | 'contract_renewal';

export interface EmploymentChanged {
  readonly type: 'EmploymentChanged';
  readonly data: {
    readonly workerId: string;
    readonly cycleNumber: number;
    readonly changedOn: string;
    readonly change: EmploymentChange;
    /** Sealed in storage like the departure's; absent when unchanged, or read back after erasure. */
    readonly employerName?: string;
    readonly occupationIsco?: string;
    readonly contractEnd?: string;
  };
}

export type SkillKind = 'language' | 'technology' | 'work_process';

export interface AcquiredSkill {
  readonly kind: SkillKind;
  readonly title: string;
  /** ESCO skill URI, when the skill is in ESCO. */
  readonly escoUri?: string;
}

/** Skills learnt on the job abroad, recorded so that they can be assessed and certified on return. */
export interface SkillsAcquired {
  readonly type: 'SkillsAcquired';
  readonly data: {
    readonly workerId: string;
    readonly cycleNumber: number;
    readonly recordedOn: string;
    readonly skills: readonly AcquiredSkill[];
  };
}

export type IncidentKind = 'abuse' | 'exploitation' | 'accident' | 'illness' | 'death' | 'detention' | 'stranding';

export interface WelfareIncidentRecorded {
  readonly type: 'WelfareIncidentRecorded';
  readonly data: {
    readonly workerId: string;
    readonly cycleNumber: number;
    readonly incidentId: string;
    readonly occurredOn: string;
    readonly kind: IncidentKind;
    /** The worker asks for (or the mission recommends) an emergency-fund case. */
    readonly fundAssistanceRequested: boolean;
    /** Free-text case notes: the most sensitive data in the registry; sealed like personal data. */
    readonly caseNotes?: string;
  };
}

export type NeedLevel = 'none' | 'some' | 'high';

/** The three IOM reintegration dimensions, assessed after a return. */
export interface ReintegrationNeedsAssessed {
  readonly type: 'ReintegrationNeedsAssessed';
  readonly data: {
    readonly workerId: string;
    readonly cycleNumber: number;
    readonly assessedOn: string;
    readonly economic: NeedLevel;
    readonly social: NeedLevel;
    readonly psychosocial: NeedLevel;
  };
}

export type ReintegrationService = 'employment' | 'skills_assessment' | 'business_start_up_and_credit' | 'counselling' | 'legal_aid';

export interface ReintegrationReferralMade {
  readonly type: 'ReintegrationReferralMade';
  readonly data: {
    readonly workerId: string;
    readonly cycleNumber: number;
    readonly referralId: string;
    readonly referredOn: string;
    readonly service: ReintegrationService;
  };
}

export type ReferralOutcome = 'completed' | 'declined' | 'dropped_out';

export interface ReintegrationOutcomeRecorded {
  readonly type: 'ReintegrationOutcomeRecorded';
  readonly data: {
    readonly workerId: string;
    readonly cycleNumber: number;
    readonly referralId: string;
    readonly recordedOn: string;
    readonly outcome: ReferralOutcome;
  };
}

/**
 * A correction of the worker's registered attributes or personal data. The original event stays; this
 * one names it (`correctsVersion`, its stream version) and carries only the corrected fields.
 */
export interface WorkerDetailsCorrected {
  readonly type: 'WorkerDetailsCorrected';
  readonly data: {
    readonly workerId: string;
    readonly correctedOn: string;
    readonly correctsVersion: number;
    readonly sex?: Sex;
    readonly originArea?: string;
    readonly educationIsced?: number;
    readonly languages?: readonly string[];
    /** The whole corrected personal data, sealed in storage like the original. */
    readonly personalData?: PersonalData;
  };
}

/** Registration found people who may be this worker: flagged for a person to decide, never merged silently. */
export interface PossibleDuplicateFlagged {
  readonly type: 'PossibleDuplicateFlagged';
  readonly data: {
    readonly workerId: string;
    readonly flaggedOn: string;
    readonly candidates: readonly { readonly workerId: string; readonly score: number }[];
  };
}

/** An officer's decision on a flagged candidate: the same person (this record merges into theirs) or not. */
export interface DuplicateResolved {
  readonly type: 'DuplicateResolved';
  readonly data: {
    readonly workerId: string;
    readonly resolvedOn: string;
    readonly candidateId: string;
    readonly samePerson: boolean;
  };
}

export type WorkerEvent =
  | WorkerRegistered
  | PossibleDuplicateFlagged
  | DuplicateResolved
  | PreDepartureOrientationCompleted
  | DepartureRecorded
  | ArrivalRecorded
  | EmploymentChanged
  | SkillsAcquired
  | WelfareIncidentRecorded
  | ReturnRecorded
  | ReintegrationNeedsAssessed
  | ReintegrationReferralMade
  | ReintegrationOutcomeRecorded
  | WorkerDetailsCorrected
  | PersonalDataErased;

/** When it happened in the world (the event), for the envelope's occurred-at. */
export function occurredOn(event: WorkerEvent): string {
  switch (event.type) {
    case 'WorkerRegistered':
      return event.data.registeredOn;
    case 'DepartureRecorded':
      return event.data.departedOn;
    case 'ReturnRecorded':
      return event.data.returnedOn;
    case 'PersonalDataErased':
      return event.data.erasedOn;
    case 'PossibleDuplicateFlagged':
      return event.data.flaggedOn;
    case 'DuplicateResolved':
      return event.data.resolvedOn;
    case 'PreDepartureOrientationCompleted':
      return event.data.completedOn;
    case 'ArrivalRecorded':
      return event.data.arrivedOn;
    case 'EmploymentChanged':
      return event.data.changedOn;
    case 'SkillsAcquired':
      return event.data.recordedOn;
    case 'WelfareIncidentRecorded':
      return event.data.occurredOn;
    case 'ReintegrationNeedsAssessed':
      return event.data.assessedOn;
    case 'ReintegrationReferralMade':
      return event.data.referredOn;
    case 'ReintegrationOutcomeRecorded':
      return event.data.recordedOn;
    case 'WorkerDetailsCorrected':
      return event.data.correctedOn;
    default:
      assertNever(event, 'event');
  }
}
