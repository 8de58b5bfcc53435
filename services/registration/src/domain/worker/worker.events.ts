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
    readonly employerName: string;
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

export type WorkerEvent = WorkerRegistered | DepartureRecorded | ReturnRecorded | PersonalDataErased;

/** When the event happened in the world, for the envelope's occurred-at. */
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
    default: {
      const unknown: never = event;
      throw new Error(`unknown event ${JSON.stringify(unknown)}`);
    }
  }
}
