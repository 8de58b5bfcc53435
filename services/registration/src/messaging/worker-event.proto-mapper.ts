import { create, toBinary, fromBinary, timestampFromDate, EnvelopeSchema, OrganisationKind, type Envelope } from '@homeward/contracts';
import {
  RegistrationEventSchema,
  Sex as ProtoSex,
  RecruitmentChannel as ProtoChannel,
  ReturnAssistance as ProtoAssistance,
  ReturnReason as ProtoReason,
  ErasureBasis as ProtoBasis,
  type RegistrationEvent,
} from '@homeward/contracts/registration/v1';
import type { SealedData } from '@homeward/personal-data';
import type {
  ErasureBasis,
  Money,
  RecruitmentChannel,
  ReturnAssistance,
  ReturnReason,
  Sex,
  WorkerEvent,
} from '../domain/worker/worker.events';

/**
 * Domain events ⇄ integration events (homeward.registration.v1). The domain's words stay in the domain;
 * what crosses Kafka is the protobuf contract, and these explicit mappers are the only bridge.
 * Personal data never crosses in the clear: the proto carries it sealed with the worker's data key, which
 * never leaves this service; erasing the key makes every copy on the topic unreadable.
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
};

export interface EnvelopeFields {
  eventId: string;
  streamId: string;
  streamVersion: number;
  occurredAt: Date;
  recordedAt: Date;
  actor: { organisationId: string; kind: 'agency' | 'mission' | 'statistics' | 'employer' | 'system'; userId: string };
  originCountry: string;
  destinationCountry: string;
  correlationId: string;
  causationId: string;
}

const kindToProto = {
  agency: OrganisationKind.AGENCY,
  mission: OrganisationKind.MISSION,
  statistics: OrganisationKind.STATISTICS,
  employer: OrganisationKind.EMPLOYER,
  system: OrganisationKind.SYSTEM,
} as const;

export function toEnvelope(event: WorkerEvent, fields: EnvelopeFields): Envelope {
  return create(EnvelopeSchema, {
    eventId: fields.eventId,
    eventType: PROTO_EVENT_TYPES[event.type],
    streamId: fields.streamId,
    streamVersion: BigInt(fields.streamVersion),
    occurredAt: timestampFromDate(fields.occurredAt),
    recordedAt: timestampFromDate(fields.recordedAt),
    actor: { organisationId: fields.actor.organisationId, kind: kindToProto[fields.actor.kind], userId: fields.actor.userId },
    jurisdiction: { originCountry: fields.originCountry, destinationCountry: fields.destinationCountry },
    correlationId: fields.correlationId,
    causationId: fields.causationId,
    schemaVersion: 1,
  });
}

/** `sealed` is the worker's personal data as sealed for this event; it travels only in that form. */
export function toRegistrationEvent(event: WorkerEvent, envelope: Envelope, sealed?: SealedData): RegistrationEvent {
  switch (event.type) {
    case 'WorkerRegistered': {
      const d = event.data;
      return create(RegistrationEventSchema, {
        envelope,
        event: {
          case: 'workerRegistered',
          value: {
            workerId: d.workerId,
            sex: sexToProto[d.sex],
            birthYear: d.birthYear,
            originArea: d.originArea,
            ...(d.educationIsced === undefined ? {} : { educationIsced: d.educationIsced }),
            languages: [...d.languages],
            ...(sealed ? { personalData: { keyId: sealed.keyId, nonce: sealed.nonce, ciphertext: sealed.ciphertext } } : {}),
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
            employerName: d.employerName,
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
    default: {
      const unknown: never = event;
      throw new Error(`unknown event ${JSON.stringify(unknown)}`);
    }
  }
}

export function encodeRegistrationEvent(message: RegistrationEvent): Uint8Array {
  return toBinary(RegistrationEventSchema, message);
}

export function decodeRegistrationEvent(bytes: Uint8Array): RegistrationEvent {
  return fromBinary(RegistrationEventSchema, bytes);
}
