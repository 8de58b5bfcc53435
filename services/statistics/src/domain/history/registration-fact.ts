/**
 * What statistics learn from one registration event: the attributes and dates that ILO labour-migration
 * statistics need, and nothing else. The edge maps each source (the Kafka topic's protobuf, the event
 * store's JSON) into these plain facts; events with no statistical content map to nothing.
 *
 * Dates are ISO calendar dates (the occurred-at of the stage, as recorded); `recordedAt` is when the
 * registry learnt of it (epoch milliseconds), which lets a report be reproduced as it was known then.
 */

export type Sex = 'F' | 'M' | 'O' | 'U';
export type RecruitmentChannel = 'regular' | 'irregular';
export type ReturnAssistance = 'assisted' | 'unassisted' | 'unspecified';
export type ReturnReason =
  | 'contract_completed'
  | 'terminated_early'
  | 'abuse_or_exploitation'
  | 'illness_or_injury'
  | 'death'
  | 'deportation'
  | 'evacuation'
  | 'voluntary'
  | 'other'
  | 'unspecified';

/** An amount in minor units of an ISO 4217 currency. */
export interface Money {
  readonly currency: string;
  readonly amountMinor: number;
}

interface Fact<T extends string, D> {
  readonly type: T;
  /** Pseudonymous registry id. */
  readonly workerId: string;
  /** 1-based position of the event in the worker's stream: duplicates are recognised by it. */
  readonly version: number;
  /** When the registry recorded the event, epoch milliseconds. */
  readonly recordedAt: number;
  readonly data: D;
}

export type WorkerRegistered = Fact<
  'WorkerRegistered',
  {
    readonly sex: Sex;
    readonly birthYear?: number;
    /** ISCED 2011 level attained (0 to 8), when recorded. */
    readonly educationIsced?: number;
  }
>;

export type DepartureRecorded = Fact<
  'DepartureRecorded',
  {
    readonly cycle: number;
    readonly departedOn: string;
    /** ISO 3166-1 alpha-2. */
    readonly destination: string;
    /** ISCO-08 unit group, four characters. */
    readonly occupation: string;
    readonly recruitmentCost?: Money;
    readonly monthlyIncome?: Money;
    /** Regular or irregular recruitment; absent when the departure did not say. */
    readonly channel?: RecruitmentChannel;
    /** Whether a recruitment agency placed the worker (its name is not kept: only whether there was one). */
    readonly viaAgency: boolean;
  }
>;

export type ArrivalRecorded = Fact<'ArrivalRecorded', { readonly cycle: number; readonly arrivedOn: string; readonly country: string }>;

/** An employment change abroad that changed the occupation. */
export type OccupationChanged = Fact<
  'OccupationChanged',
  { readonly cycle: number; readonly changedOn: string; readonly occupation: string }
>;

export type ReturnRecorded = Fact<
  'ReturnRecorded',
  {
    readonly cycle: number;
    readonly returnedOn: string;
    /** ISO 3166-1 alpha-2 of the country of previous residence. */
    readonly from: string;
    readonly assistance: ReturnAssistance;
    readonly reason: ReturnReason;
    /** No departure was recorded for the cycle: an undocumented returnee, who counts like any other. */
    readonly withoutRecordedDeparture: boolean;
  }
>;

/** A correction of the registered attributes that statistics use: sex and level of education, when corrected. */
export type DetailsCorrected = Fact<'DetailsCorrected', { readonly sex?: Sex; readonly educationIsced?: number }>;

/** An officer decided this record is the same person as `into`, which carries on. */
export type RecordMerged = Fact<'RecordMerged', { readonly into: string }>;

/** Personal data erased (crypto-shredding). Removes no statistical attribute: the person still counts. */
export type PersonalDataErased = Fact<'PersonalDataErased', Record<string, never>>;

export type RegistrationFact =
  | WorkerRegistered
  | DepartureRecorded
  | ArrivalRecorded
  | OccupationChanged
  | ReturnRecorded
  | DetailsCorrected
  | RecordMerged
  | PersonalDataErased;
