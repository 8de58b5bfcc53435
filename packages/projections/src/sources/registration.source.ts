import {
  eventsTopic,
  fromBinary,
  timestampDate,
  OrganisationKind,
  type DescMessage,
  type Envelope,
  type MessageShape,
} from '@homeward/contracts';
import {
  RegistrationEventSchema,
  Sex as ProtoSex,
  RecruitmentChannel,
  ReturnAssistance,
  ReturnReason,
  ErasureBasis,
  OrientationTopic,
  EmploymentChange,
  SkillKind,
  IncidentKind,
  NeedLevel,
  ReintegrationService,
  ReferralOutcome,
  type RegistrationEvent,
} from '@homeward/contracts/registration/v1';
import { PoisonMessageError, type IncomingMessage } from '@homeward/messaging/consumer';
import { assertNever } from '@homeward/assert-never';
import type { EventMeta, Source } from '../projection';

/**
 * The registration topic as read models see it: each protobuf message turned into a plain fact with
 * string codes, and without the sealed personal data and employers' names, which no read model can open
 * (the data keys are registration's alone). Read models project facts, never generated types.
 */

export type Sex = 'F' | 'M' | 'O' | 'U';

export interface FactEnvelope {
  readonly eventId: string;
  /** e.g. "homeward.registration.v1.DepartureRecorded". */
  readonly eventType: string;
  readonly streamId: string;
  readonly streamVersion: number;
  /** When it happened in the world; absent if the publisher did not say. */
  readonly occurredAt?: Date;
  /** When the registry learnt of it. */
  readonly recordedAt: Date;
  readonly actor: { readonly organisationId: string; readonly kind: string };
  /** ISO 3166-1 alpha-2; empty when the event concerns no destination (a registration, an erasure). */
  readonly originCountry: string;
  readonly destinationCountry: string;
}

export interface Money {
  readonly currency: string;
  readonly amountMinor: number;
}

type Fact<T extends string, D> = { readonly type: T; readonly envelope: FactEnvelope; readonly data: D };

export type RegistrationFact =
  | Fact<
      'WorkerRegistered',
      {
        workerId: string;
        sex: Sex;
        birthYear: number;
        originArea: string;
        educationIsced?: number;
        languages: readonly string[];
      }
    >
  | Fact<
      'DepartureRecorded',
      {
        workerId: string;
        cycleNumber: number;
        destinationCountry: string;
        departedOn: string;
        /** The clear name of events recorded before employer names were sealed only (see EmploymentChanged's). */
        employerName?: string;
        occupationIsco: string;
        contractStart: string;
        contractEnd: string;
        recruitmentAgency: string;
        channel: string;
        recruitmentCost?: Money;
        monthlyWage?: Money;
      }
    >
  | Fact<
      'ReturnRecorded',
      {
        workerId: string;
        cycleNumber: number;
        returnedOn: string;
        fromCountry: string;
        assistance: string;
        reason: string;
        withoutRecordedDeparture: boolean;
      }
    >
  | Fact<'PersonalDataErased', { workerId: string; erasedOn: string; basis: string }>
  | Fact<'PreDepartureOrientationCompleted', { workerId: string; completedOn: string; topics: readonly string[]; provider: string }>
  | Fact<'ArrivalRecorded', { workerId: string; cycleNumber: number; arrivedOn: string; country: string }>
  | Fact<
      'EmploymentChanged',
      {
        workerId: string;
        cycleNumber: number;
        changedOn: string;
        change: string;
        /**
         * The employer's name in the clear, as events recorded before employer names were sealed carry it
         * (docs/adr/0006). Newer events carry it sealed with the worker's key, which no read model holds:
         * an agency's read model gets it from the registration directory.
         */
        employerName?: string;
        occupationIsco?: string;
        contractEnd?: string;
      }
    >
  | Fact<
      'SkillsAcquired',
      {
        workerId: string;
        cycleNumber: number;
        recordedOn: string;
        skills: readonly { kind: string; title: string; escoUri?: string }[];
      }
    >
  | Fact<
      'WelfareIncidentRecorded',
      {
        workerId: string;
        cycleNumber: number;
        incidentId: string;
        occurredOn: string;
        kind: string;
        fundAssistanceRequested: boolean;
        /** Whether sealed case notes exist; their content is registration's to open. */
        hasCaseNotes: boolean;
      }
    >
  | Fact<
      'ReintegrationNeedsAssessed',
      { workerId: string; cycleNumber: number; assessedOn: string; economic: string; social: string; psychosocial: string }
    >
  | Fact<'ReintegrationReferralMade', { workerId: string; cycleNumber: number; referralId: string; referredOn: string; service: string }>
  | Fact<'ReintegrationOutcomeRecorded', { workerId: string; cycleNumber: number; referralId: string; recordedOn: string; outcome: string }>
  | Fact<
      'WorkerDetailsCorrected',
      {
        workerId: string;
        correctedOn: string;
        correctsVersion: number;
        sex?: Sex;
        originArea?: string;
        educationIsced?: number;
        languages?: readonly string[];
      }
    >
  | Fact<'PossibleDuplicateFlagged', { workerId: string; flaggedOn: string; candidates: readonly { workerId: string; score: number }[] }>
  | Fact<'DuplicateResolved', { workerId: string; resolvedOn: string; candidateId: string; samePerson: boolean }>
  /** An event type newer than this code (v1 only ever adds types): read models skip it. */
  | Fact<'Unrecognised', { workerId: string }>;

export type RegistrationFactType = RegistrationFact['type'];

const SEX: Record<ProtoSex, Sex> = {
  [ProtoSex.UNSPECIFIED]: 'U',
  [ProtoSex.FEMALE]: 'F',
  [ProtoSex.MALE]: 'M',
  [ProtoSex.OTHER]: 'O',
  [ProtoSex.UNKNOWN]: 'U',
};

/** A protobuf enum value as the API's code: REGULAR → "regular", BUSINESS_START_UP_AND_CREDIT → "business_start_up_and_credit". */
function code(enumObject: Record<number, string>, value: number): string {
  return (enumObject[value] ?? 'UNSPECIFIED').toLowerCase();
}

const sexOf = (value: ProtoSex): Sex => SEX[value] ?? 'U';
const optional = (value: string): string | undefined => (value === '' ? undefined : value);

function envelopeOf(envelope: Envelope): FactEnvelope {
  return {
    eventId: envelope.eventId,
    eventType: envelope.eventType,
    streamId: envelope.streamId,
    streamVersion: Number(envelope.streamVersion),
    ...(envelope.occurredAt ? { occurredAt: timestampDate(envelope.occurredAt) } : {}),
    recordedAt: envelope.recordedAt ? timestampDate(envelope.recordedAt) : new Date(0),
    actor: { organisationId: envelope.actor?.organisationId ?? '', kind: code(OrganisationKind, envelope.actor?.kind ?? 0) },
    originCountry: envelope.jurisdiction?.originCountry ?? '',
    destinationCountry: envelope.jurisdiction?.destinationCountry ?? '',
  };
}

/** The fact a RegistrationEvent states; pure. */
export function registrationFact(message: RegistrationEvent): RegistrationFact {
  if (!message.envelope) throw new PoisonMessageError('RegistrationEvent without envelope');
  const envelope = envelopeOf(message.envelope);
  const event = message.event;
  switch (event.case) {
    case 'workerRegistered': {
      const e = event.value;
      return {
        type: 'WorkerRegistered',
        envelope,
        data: {
          workerId: e.workerId,
          sex: sexOf(e.sex),
          birthYear: e.birthYear,
          originArea: e.originArea,
          ...(e.educationIsced === undefined ? {} : { educationIsced: e.educationIsced }),
          languages: [...e.languages],
        },
      };
    }
    case 'departureRecorded': {
      const e = event.value;
      return {
        type: 'DepartureRecorded',
        envelope,
        data: {
          workerId: e.workerId,
          cycleNumber: e.cycleNumber,
          destinationCountry: e.destinationCountry,
          departedOn: e.departedOn,
          ...(e.employerName ? { employerName: e.employerName } : {}),
          occupationIsco: e.occupationIsco,
          contractStart: e.contractStart,
          contractEnd: e.contractEnd,
          recruitmentAgency: e.recruitmentAgency,
          channel: code(RecruitmentChannel, e.channel),
          ...(e.recruitmentCost
            ? { recruitmentCost: { currency: e.recruitmentCost.currency, amountMinor: Number(e.recruitmentCost.amountMinor) } }
            : {}),
          ...(e.monthlyWage ? { monthlyWage: { currency: e.monthlyWage.currency, amountMinor: Number(e.monthlyWage.amountMinor) } } : {}),
        },
      };
    }
    case 'returnRecorded': {
      const e = event.value;
      return {
        type: 'ReturnRecorded',
        envelope,
        data: {
          workerId: e.workerId,
          cycleNumber: e.cycleNumber,
          returnedOn: e.returnedOn,
          fromCountry: e.fromCountry,
          assistance: code(ReturnAssistance, e.assistance),
          reason: code(ReturnReason, e.reason),
          withoutRecordedDeparture: e.withoutRecordedDeparture,
        },
      };
    }
    case 'personalDataErased': {
      const e = event.value;
      return {
        type: 'PersonalDataErased',
        envelope,
        data: { workerId: e.workerId, erasedOn: e.erasedOn, basis: code(ErasureBasis, e.basis) },
      };
    }
    case 'preDepartureOrientationCompleted': {
      const e = event.value;
      return {
        type: 'PreDepartureOrientationCompleted',
        envelope,
        data: {
          workerId: e.workerId,
          completedOn: e.completedOn,
          topics: e.topics.map((t) => code(OrientationTopic, t)),
          provider: e.provider,
        },
      };
    }
    case 'arrivalRecorded': {
      const e = event.value;
      return {
        type: 'ArrivalRecorded',
        envelope,
        data: { workerId: e.workerId, cycleNumber: e.cycleNumber, arrivedOn: e.arrivedOn, country: e.country },
      };
    }
    case 'employmentChanged': {
      const e = event.value;
      const employerName = optional(e.employerName);
      const occupationIsco = optional(e.occupationIsco);
      const contractEnd = optional(e.contractEnd);
      return {
        type: 'EmploymentChanged',
        envelope,
        data: {
          workerId: e.workerId,
          cycleNumber: e.cycleNumber,
          changedOn: e.changedOn,
          change: code(EmploymentChange, e.change),
          ...(employerName ? { employerName } : {}),
          ...(occupationIsco ? { occupationIsco } : {}),
          ...(contractEnd ? { contractEnd } : {}),
        },
      };
    }
    case 'skillsAcquired': {
      const e = event.value;
      return {
        type: 'SkillsAcquired',
        envelope,
        data: {
          workerId: e.workerId,
          cycleNumber: e.cycleNumber,
          recordedOn: e.recordedOn,
          skills: e.skills.map((s) => ({ kind: code(SkillKind, s.kind), title: s.title, ...(s.escoUri ? { escoUri: s.escoUri } : {}) })),
        },
      };
    }
    case 'welfareIncidentRecorded': {
      const e = event.value;
      return {
        type: 'WelfareIncidentRecorded',
        envelope,
        data: {
          workerId: e.workerId,
          cycleNumber: e.cycleNumber,
          incidentId: e.incidentId,
          occurredOn: e.occurredOn,
          kind: code(IncidentKind, e.kind),
          fundAssistanceRequested: e.fundAssistanceRequested,
          hasCaseNotes: e.caseNotes !== undefined,
        },
      };
    }
    case 'reintegrationNeedsAssessed': {
      const e = event.value;
      return {
        type: 'ReintegrationNeedsAssessed',
        envelope,
        data: {
          workerId: e.workerId,
          cycleNumber: e.cycleNumber,
          assessedOn: e.assessedOn,
          economic: code(NeedLevel, e.economic),
          social: code(NeedLevel, e.social),
          psychosocial: code(NeedLevel, e.psychosocial),
        },
      };
    }
    case 'reintegrationReferralMade': {
      const e = event.value;
      return {
        type: 'ReintegrationReferralMade',
        envelope,
        data: {
          workerId: e.workerId,
          cycleNumber: e.cycleNumber,
          referralId: e.referralId,
          referredOn: e.referredOn,
          service: code(ReintegrationService, e.service),
        },
      };
    }
    case 'reintegrationOutcomeRecorded': {
      const e = event.value;
      return {
        type: 'ReintegrationOutcomeRecorded',
        envelope,
        data: {
          workerId: e.workerId,
          cycleNumber: e.cycleNumber,
          referralId: e.referralId,
          recordedOn: e.recordedOn,
          outcome: code(ReferralOutcome, e.outcome),
        },
      };
    }
    case 'workerDetailsCorrected': {
      const e = event.value;
      return {
        type: 'WorkerDetailsCorrected',
        envelope,
        data: {
          workerId: e.workerId,
          correctedOn: e.correctedOn,
          correctsVersion: Number(e.correctsVersion),
          ...(e.sex === ProtoSex.UNSPECIFIED ? {} : { sex: sexOf(e.sex) }),
          ...(e.originArea === undefined ? {} : { originArea: e.originArea }),
          ...(e.educationIsced === undefined ? {} : { educationIsced: e.educationIsced }),
          ...(e.languages === undefined ? {} : { languages: [...e.languages.codes] }),
        },
      };
    }
    case 'possibleDuplicateFlagged': {
      const e = event.value;
      return {
        type: 'PossibleDuplicateFlagged',
        envelope,
        data: {
          workerId: e.workerId,
          flaggedOn: e.flaggedOn,
          candidates: e.candidates.map((c) => ({ workerId: c.workerId, score: c.score })),
        },
      };
    }
    case 'duplicateResolved': {
      const e = event.value;
      return {
        type: 'DuplicateResolved',
        envelope,
        data: { workerId: e.workerId, resolvedOn: e.resolvedOn, candidateId: e.candidateId, samePerson: e.samePerson },
      };
    }
    case undefined:
      return { type: 'Unrecognised', envelope, data: { workerId: workerIdOfStream(envelope.streamId) } };
    default:
      assertNever(event, 'event', (message) => new PoisonMessageError(message));
  }
}

const workerIdOfStream = (streamId: string): string => streamId.replace(/^worker-/, '');

/** The worker a fact is about. */
export const workerOf = (fact: RegistrationFact): string => fact.data.workerId;

/**
 * A topic message's protobuf value, or a PoisonMessageError naming the message type it is not: what every
 * source's decoder starts with (registration's, and the skills topic's in agency-view).
 */
export function decodeMessageValue<S extends DescMessage>(message: IncomingMessage, schema: S): MessageShape<S> {
  if (!message.value) throw new PoisonMessageError('empty message value');
  try {
    return fromBinary(schema, message.value);
  } catch (error) {
    throw new PoisonMessageError(`not a ${schema.typeName}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The position of an event in its stream, from the envelope every fact carries. */
export const factMeta = (fact: { readonly envelope: FactEnvelope }): EventMeta => ({
  eventId: fact.envelope.eventId,
  streamId: fact.envelope.streamId,
  streamVersion: fact.envelope.streamVersion,
  recordedAt: fact.envelope.recordedAt,
});

export function decodeRegistrationFact(message: IncomingMessage): RegistrationFact {
  return registrationFact(decodeMessageValue(message, RegistrationEventSchema));
}

export const registrationMeta: (fact: RegistrationFact) => EventMeta = factMeta;

/** The registration topic (homeward.registration.events.v1) as a read model's source. */
export function registrationSource(topicNamespace = ''): Source<RegistrationFact> {
  return {
    topic: eventsTopic('registration', topicNamespace),
    decode: decodeRegistrationFact,
    meta: registrationMeta,
    erasedSubject: (fact) => (fact.type === 'PersonalDataErased' ? fact.data.workerId : undefined),
  };
}
