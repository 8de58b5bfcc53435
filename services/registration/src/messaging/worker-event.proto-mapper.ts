import { create, binaryEncoder, fromBinary, toEnvelope as envelopeOf, type Envelope, type EnvelopeFields } from '@homeward/contracts';
import {
  RegistrationEventSchema,
  Sex as ProtoSex,
  RecruitmentChannel as ProtoChannel,
  ReturnAssistance as ProtoAssistance,
  ReturnReason as ProtoReason,
  ErasureBasis as ProtoBasis,
  OrientationTopic as ProtoTopic,
  EmploymentChange as ProtoChange,
  SkillKind as ProtoSkillKind,
  IncidentKind as ProtoIncidentKind,
  NeedLevel as ProtoNeed,
  ReintegrationService as ProtoService,
  ReferralOutcome as ProtoOutcome,
  type RegistrationEvent,
} from '@homeward/contracts/registration/v1';
import type { SealedData } from '@homeward/personal-data';
import { assertNever } from '@homeward/assert-never';
import type {
  EmploymentChange,
  ErasureBasis,
  IncidentKind,
  Money,
  NeedLevel,
  OrientationTopic,
  RecruitmentChannel,
  ReferralOutcome,
  ReintegrationService,
  ReturnAssistance,
  ReturnReason,
  Sex,
  SkillKind,
  WorkerEvent,
} from '../domain/worker/worker.events';

/**
 * Domain events ⇄ integration events (homeward.registration.v1). The domain's words stay in the domain;
 * what crosses Kafka is the protobuf contract, and these explicit mappers are the only bridge.
 * Personal data never crosses in the clear: the proto carries it sealed with the worker's data key, which
 * never leaves this service; erasing the key makes every copy on the topic unreadable. Employers' names
 * are sealed the same way (docs/adr/0006).
 */

const sexToProto: Record<Sex, ProtoSex> = { F: ProtoSex.FEMALE, M: ProtoSex.MALE, O: ProtoSex.OTHER, U: ProtoSex.UNKNOWN };
const channelToProto: Record<RecruitmentChannel, ProtoChannel> = { regular: ProtoChannel.REGULAR, irregular: ProtoChannel.IRREGULAR };
const assistanceToProto: Record<ReturnAssistance, ProtoAssistance> = {
  assisted: ProtoAssistance.ASSISTED,
  unassisted: ProtoAssistance.UNASSISTED,
};
const reasonToProto: Record<ReturnReason, ProtoReason> = {
  contract_completed: ProtoReason.CONTRACT_COMPLETED,
  terminated_early: ProtoReason.TERMINATED_EARLY,
  abuse_or_exploitation: ProtoReason.ABUSE_OR_EXPLOITATION,
  illness_or_injury: ProtoReason.ILLNESS_OR_INJURY,
  death: ProtoReason.DEATH,
  deportation: ProtoReason.DEPORTATION,
  evacuation: ProtoReason.EVACUATION,
  voluntary: ProtoReason.VOLUNTARY,
  other: ProtoReason.OTHER,
};

const basisToProto: Record<ErasureBasis, ProtoBasis> = {
  subject_request: ProtoBasis.SUBJECT_REQUEST,
  retention_period_ended: ProtoBasis.RETENTION_PERIOD_ENDED,
  legal_obligation: ProtoBasis.LEGAL_OBLIGATION,
};

const topicToProto: Record<OrientationTopic, ProtoTopic> = {
  rights: ProtoTopic.RIGHTS,
  skills_recognition: ProtoTopic.SKILLS_RECOGNITION,
  employment_prospects: ProtoTopic.EMPLOYMENT_PROSPECTS,
  credit_and_savings: ProtoTopic.CREDIT_AND_SAVINGS,
};
const changeToProto: Record<EmploymentChange, ProtoChange> = {
  new_employer: ProtoChange.NEW_EMPLOYER,
  new_occupation: ProtoChange.NEW_OCCUPATION,
  contract_renewal: ProtoChange.CONTRACT_RENEWAL,
};
const skillKindToProto: Record<SkillKind, ProtoSkillKind> = {
  language: ProtoSkillKind.LANGUAGE,
  technology: ProtoSkillKind.TECHNOLOGY,
  work_process: ProtoSkillKind.WORK_PROCESS,
};
const incidentToProto: Record<IncidentKind, ProtoIncidentKind> = {
  abuse: ProtoIncidentKind.ABUSE,
  exploitation: ProtoIncidentKind.EXPLOITATION,
  accident: ProtoIncidentKind.ACCIDENT,
  illness: ProtoIncidentKind.ILLNESS,
  death: ProtoIncidentKind.DEATH,
  detention: ProtoIncidentKind.DETENTION,
  stranding: ProtoIncidentKind.STRANDING,
};
const needToProto: Record<NeedLevel, ProtoNeed> = { none: ProtoNeed.NONE, some: ProtoNeed.SOME, high: ProtoNeed.HIGH };
const serviceToProto: Record<ReintegrationService, ProtoService> = {
  employment: ProtoService.EMPLOYMENT,
  skills_assessment: ProtoService.SKILLS_ASSESSMENT,
  business_start_up_and_credit: ProtoService.BUSINESS_START_UP_AND_CREDIT,
  counselling: ProtoService.COUNSELLING,
  legal_aid: ProtoService.LEGAL_AID,
};
const outcomeToProto: Record<ReferralOutcome, ProtoOutcome> = {
  completed: ProtoOutcome.COMPLETED,
  declined: ProtoOutcome.DECLINED,
  dropped_out: ProtoOutcome.DROPPED_OUT,
};

/** Personal data of an event, sealed for this event: the only form in which it leaves the service. */
export interface SealedFields {
  readonly personalData?: SealedData;
  readonly caseNotes?: SealedData;
  /** A departure's or an employment change's employer (docs/adr/0006). */
  readonly employerName?: SealedData;
}

const sealedProto = (s: SealedData | undefined) => (s ? { keyId: s.keyId, nonce: s.nonce, ciphertext: s.ciphertext } : undefined);

/**
 * An employer's name as it travels: sealed. Only an event stored before employer names were sealed
 * (docs/adr/0006) still has the name in its data, unsealed; it goes out as it was first published.
 */
function employer(clear: string | undefined, sealed: SealedData | undefined) {
  if (sealed) return { sealedEmployerName: sealedProto(sealed) };
  return clear ? { employerName: clear } : {};
}

export const SEX_FROM_PROTO: Record<ProtoSex, Sex> = {
  [ProtoSex.UNSPECIFIED]: 'U',
  [ProtoSex.FEMALE]: 'F',
  [ProtoSex.MALE]: 'M',
  [ProtoSex.OTHER]: 'O',
  [ProtoSex.UNKNOWN]: 'U',
};

function money(m: Money | undefined) {
  return m ? { currency: m.currency, amountMinor: BigInt(m.amountMinor) } : undefined;
}

export const PROTO_EVENT_TYPES: Record<WorkerEvent['type'], string> = {
  WorkerRegistered: 'homeward.registration.v1.WorkerRegistered',
  DepartureRecorded: 'homeward.registration.v1.DepartureRecorded',
  ReturnRecorded: 'homeward.registration.v1.ReturnRecorded',
  PersonalDataErased: 'homeward.registration.v1.PersonalDataErased',
  PreDepartureOrientationCompleted: 'homeward.registration.v1.PreDepartureOrientationCompleted',
  ArrivalRecorded: 'homeward.registration.v1.ArrivalRecorded',
  EmploymentChanged: 'homeward.registration.v1.EmploymentChanged',
  SkillsAcquired: 'homeward.registration.v1.SkillsAcquired',
  WelfareIncidentRecorded: 'homeward.registration.v1.WelfareIncidentRecorded',
  ReintegrationNeedsAssessed: 'homeward.registration.v1.ReintegrationNeedsAssessed',
  ReintegrationReferralMade: 'homeward.registration.v1.ReintegrationReferralMade',
  ReintegrationOutcomeRecorded: 'homeward.registration.v1.ReintegrationOutcomeRecorded',
  WorkerDetailsCorrected: 'homeward.registration.v1.WorkerDetailsCorrected',
  PossibleDuplicateFlagged: 'homeward.registration.v1.PossibleDuplicateFlagged',
  DuplicateResolved: 'homeward.registration.v1.DuplicateResolved',
};

export type { EnvelopeFields };

/** The envelope of a worker event: the shared fields (@homeward/contracts) under the event's proto type. */
export function toEnvelope(event: WorkerEvent, fields: EnvelopeFields): Envelope {
  return envelopeOf(PROTO_EVENT_TYPES[event.type], fields);
}

/** `sealed` holds the event's personal data as sealed for it; it travels only in that form. */
export function toRegistrationEvent(event: WorkerEvent, envelope: Envelope, sealed: SealedFields = {}): RegistrationEvent {
  switch (event.type) {
    case 'WorkerRegistered': {
      const d = event.data;
      return create(RegistrationEventSchema, {
        envelope,
        event: {
          case: 'workerRegistered',
          value: {
            workerId: d.workerId,
            registeredOn: d.registeredOn,
            sex: sexToProto[d.sex],
            birthYear: d.birthYear,
            originArea: d.originArea,
            ...(d.educationIsced === undefined ? {} : { educationIsced: d.educationIsced }),
            languages: [...d.languages],
            ...(sealed.personalData ? { personalData: sealedProto(sealed.personalData) } : {}),
          },
        },
      });
    }
    case 'DepartureRecorded': {
      const d = event.data;
      return create(RegistrationEventSchema, {
        envelope,
        event: {
          case: 'departureRecorded',
          value: {
            workerId: d.workerId,
            cycleNumber: d.cycleNumber,
            destinationCountry: d.destinationCountry,
            departedOn: d.departedOn,
            ...employer(d.employerName, sealed.employerName),
            occupationIsco: d.occupationIsco,
            contractStart: d.contractStart,
            contractEnd: d.contractEnd,
            recruitmentAgency: d.recruitmentAgency ?? '',
            channel: channelToProto[d.channel],
            ...(d.recruitmentCost ? { recruitmentCost: money(d.recruitmentCost) } : {}),
            ...(d.monthlyWage ? { monthlyWage: money(d.monthlyWage) } : {}),
          },
        },
      });
    }
    case 'ReturnRecorded': {
      const d = event.data;
      return create(RegistrationEventSchema, {
        envelope,
        event: {
          case: 'returnRecorded',
          value: {
            workerId: d.workerId,
            cycleNumber: d.cycleNumber,
            returnedOn: d.returnedOn,
            fromCountry: d.fromCountry,
            assistance: assistanceToProto[d.assistance],
            reason: reasonToProto[d.reason],
            withoutRecordedDeparture: d.withoutRecordedDeparture,
          },
        },
      });
    }
    case 'PersonalDataErased': {
      const d = event.data;
      return create(RegistrationEventSchema, {
        envelope,
        event: { case: 'personalDataErased', value: { workerId: d.workerId, erasedOn: d.erasedOn, basis: basisToProto[d.basis] } },
      });
    }
    case 'PreDepartureOrientationCompleted': {
      const d = event.data;
      return create(RegistrationEventSchema, {
        envelope,
        event: {
          case: 'preDepartureOrientationCompleted',
          value: { workerId: d.workerId, completedOn: d.completedOn, topics: d.topics.map((t) => topicToProto[t]), provider: d.provider },
        },
      });
    }
    case 'ArrivalRecorded': {
      const d = event.data;
      return create(RegistrationEventSchema, { envelope, event: { case: 'arrivalRecorded', value: { ...d } } });
    }
    case 'EmploymentChanged': {
      const d = event.data;
      return create(RegistrationEventSchema, {
        envelope,
        event: {
          case: 'employmentChanged',
          value: {
            workerId: d.workerId,
            cycleNumber: d.cycleNumber,
            changedOn: d.changedOn,
            change: changeToProto[d.change],
            ...employer(d.employerName, sealed.employerName),
            occupationIsco: d.occupationIsco ?? '',
            contractEnd: d.contractEnd ?? '',
          },
        },
      });
    }
    case 'SkillsAcquired': {
      const d = event.data;
      return create(RegistrationEventSchema, {
        envelope,
        event: {
          case: 'skillsAcquired',
          value: {
            workerId: d.workerId,
            cycleNumber: d.cycleNumber,
            recordedOn: d.recordedOn,
            skills: d.skills.map((k) => ({ kind: skillKindToProto[k.kind], title: k.title, escoUri: k.escoUri ?? '' })),
          },
        },
      });
    }
    case 'WelfareIncidentRecorded': {
      const d = event.data;
      return create(RegistrationEventSchema, {
        envelope,
        event: {
          case: 'welfareIncidentRecorded',
          value: {
            workerId: d.workerId,
            cycleNumber: d.cycleNumber,
            incidentId: d.incidentId,
            occurredOn: d.occurredOn,
            kind: incidentToProto[d.kind],
            fundAssistanceRequested: d.fundAssistanceRequested,
            ...(sealed.caseNotes ? { caseNotes: sealedProto(sealed.caseNotes) } : {}),
          },
        },
      });
    }
    case 'ReintegrationNeedsAssessed': {
      const d = event.data;
      return create(RegistrationEventSchema, {
        envelope,
        event: {
          case: 'reintegrationNeedsAssessed',
          value: {
            workerId: d.workerId,
            cycleNumber: d.cycleNumber,
            assessedOn: d.assessedOn,
            economic: needToProto[d.economic],
            social: needToProto[d.social],
            psychosocial: needToProto[d.psychosocial],
          },
        },
      });
    }
    case 'ReintegrationReferralMade': {
      const d = event.data;
      return create(RegistrationEventSchema, {
        envelope,
        event: { case: 'reintegrationReferralMade', value: { ...d, service: serviceToProto[d.service] } },
      });
    }
    case 'ReintegrationOutcomeRecorded': {
      const d = event.data;
      return create(RegistrationEventSchema, {
        envelope,
        event: { case: 'reintegrationOutcomeRecorded', value: { ...d, outcome: outcomeToProto[d.outcome] } },
      });
    }
    case 'WorkerDetailsCorrected': {
      const d = event.data;
      return create(RegistrationEventSchema, {
        envelope,
        event: {
          case: 'workerDetailsCorrected',
          value: {
            workerId: d.workerId,
            correctedOn: d.correctedOn,
            correctsVersion: BigInt(d.correctsVersion),
            ...(d.sex ? { sex: sexToProto[d.sex] } : {}),
            ...(d.originArea === undefined ? {} : { originArea: d.originArea }),
            ...(d.educationIsced === undefined ? {} : { educationIsced: d.educationIsced }),
            ...(d.languages === undefined ? {} : { languages: { codes: [...d.languages] } }),
            ...(sealed.personalData ? { personalData: sealedProto(sealed.personalData) } : {}),
          },
        },
      });
    }
    case 'PossibleDuplicateFlagged': {
      const d = event.data;
      return create(RegistrationEventSchema, {
        envelope,
        event: {
          case: 'possibleDuplicateFlagged',
          value: { workerId: d.workerId, flaggedOn: d.flaggedOn, candidates: d.candidates.map((c) => ({ ...c })) },
        },
      });
    }
    case 'DuplicateResolved':
      return create(RegistrationEventSchema, { envelope, event: { case: 'duplicateResolved', value: { ...event.data } } });
    default:
      assertNever(event, 'event');
  }
}

const encoder = binaryEncoder(RegistrationEventSchema);

export function encodeRegistrationEvent(message: RegistrationEvent): Uint8Array {
  return encoder(message);
}

export function decodeRegistrationEvent(bytes: Uint8Array): RegistrationEvent {
  return fromBinary(RegistrationEventSchema, bytes);
}
