import { fromBinary } from '@bufbuild/protobuf';
import {
  RecruitmentChannel as ProtoChannel,
  RegistrationEventSchema,
  ReturnAssistance as ProtoAssistance,
  ReturnReason as ProtoReason,
  Sex as ProtoSex,
  type RegistrationEvent,
} from '@homeward/contracts/registration/v1';
import type { Envelope } from '@homeward/contracts';
import { assertNever } from '@homeward/assert-never';
import type { RecruitmentChannel, RegistrationFact, ReturnAssistance, ReturnReason, Sex } from '../domain/history/registration-fact';

/**
 * Integration events (homeward.registration.v1, the Kafka topic's protobuf) → statistical facts. The
 * sealed personal data in the messages is never opened: statistics have no key, and need none.
 */

const SEX: Record<ProtoSex, Sex | undefined> = {
  [ProtoSex.UNSPECIFIED]: undefined,
  [ProtoSex.FEMALE]: 'F',
  [ProtoSex.MALE]: 'M',
  [ProtoSex.OTHER]: 'O',
  [ProtoSex.UNKNOWN]: 'U',
};
const ASSISTANCE: Record<ProtoAssistance, ReturnAssistance> = {
  [ProtoAssistance.UNSPECIFIED]: 'unspecified',
  [ProtoAssistance.ASSISTED]: 'assisted',
  [ProtoAssistance.UNASSISTED]: 'unassisted',
};
const REASON: Record<ProtoReason, ReturnReason> = {
  [ProtoReason.UNSPECIFIED]: 'unspecified',
  [ProtoReason.CONTRACT_COMPLETED]: 'contract_completed',
  [ProtoReason.TERMINATED_EARLY]: 'terminated_early',
  [ProtoReason.ABUSE_OR_EXPLOITATION]: 'abuse_or_exploitation',
  [ProtoReason.ILLNESS_OR_INJURY]: 'illness_or_injury',
  [ProtoReason.DEATH]: 'death',
  [ProtoReason.DEPORTATION]: 'deportation',
  [ProtoReason.EVACUATION]: 'evacuation',
  [ProtoReason.VOLUNTARY]: 'voluntary',
  [ProtoReason.OTHER]: 'other',
};

const CHANNEL: Record<ProtoChannel, RecruitmentChannel | undefined> = {
  [ProtoChannel.UNSPECIFIED]: undefined,
  [ProtoChannel.REGULAR]: 'regular',
  [ProtoChannel.IRREGULAR]: 'irregular',
};

const money = (m: { currency: string; amountMinor: bigint } | undefined) =>
  m && m.currency !== '' ? { currency: m.currency, amountMinor: Number(m.amountMinor) } : undefined;

function envelopeOf(envelope: Envelope | undefined): { version: number; recordedAt: number } {
  const recorded = envelope?.recordedAt;
  return {
    version: envelope ? Number(envelope.streamVersion) : 0,
    recordedAt: recorded ? Number(recorded.seconds) * 1000 + Math.floor(recorded.nanos / 1_000_000) : 0,
  };
}

/** The fact a decoded event carries for statistics; nothing for events without statistical content. */
export function factFromRegistrationEvent(message: RegistrationEvent): RegistrationFact | undefined {
  const { event } = message;
  const { version, recordedAt } = envelopeOf(message.envelope);
  switch (event.case) {
    case 'workerRegistered': {
      const e = event.value;
      return {
        type: 'WorkerRegistered',
        workerId: e.workerId,
        version,
        recordedAt,
        data: {
          sex: SEX[e.sex] ?? 'U',
          ...(e.birthYear > 0 ? { birthYear: e.birthYear } : {}),
          ...(e.educationIsced === undefined ? {} : { educationIsced: e.educationIsced }),
        },
      };
    }
    case 'departureRecorded': {
      const e = event.value;
      const recruitmentCost = money(e.recruitmentCost);
      const monthlyIncome = money(e.monthlyWage);
      const channel = CHANNEL[e.channel];
      return {
        type: 'DepartureRecorded',
        workerId: e.workerId,
        version,
        recordedAt,
        data: {
          cycle: e.cycleNumber,
          departedOn: e.departedOn,
          destination: e.destinationCountry,
          occupation: e.occupationIsco,
          ...(recruitmentCost ? { recruitmentCost } : {}),
          ...(monthlyIncome ? { monthlyIncome } : {}),
          ...(channel ? { channel } : {}),
          viaAgency: e.recruitmentAgency.trim() !== '',
        },
      };
    }
    case 'arrivalRecorded': {
      const e = event.value;
      return {
        type: 'ArrivalRecorded',
        workerId: e.workerId,
        version,
        recordedAt,
        data: { cycle: e.cycleNumber, arrivedOn: e.arrivedOn, country: e.country },
      };
    }
    case 'employmentChanged': {
      const e = event.value;
      // Only a change of occupation matters here; the field is empty when the occupation did not change.
      if (e.occupationIsco === '') return undefined;
      return {
        type: 'OccupationChanged',
        workerId: e.workerId,
        version,
        recordedAt,
        data: { cycle: e.cycleNumber, changedOn: e.changedOn, occupation: e.occupationIsco },
      };
    }
    case 'returnRecorded': {
      const e = event.value;
      return {
        type: 'ReturnRecorded',
        workerId: e.workerId,
        version,
        recordedAt,
        data: {
          cycle: e.cycleNumber,
          returnedOn: e.returnedOn,
          from: e.fromCountry,
          assistance: ASSISTANCE[e.assistance] ?? 'unspecified',
          reason: REASON[e.reason] ?? 'unspecified',
          withoutRecordedDeparture: e.withoutRecordedDeparture,
        },
      };
    }
    case 'workerDetailsCorrected': {
      const e = event.value;
      const sex = SEX[e.sex];
      return {
        type: 'DetailsCorrected',
        workerId: e.workerId,
        version,
        recordedAt,
        data: { ...(sex ? { sex } : {}), ...(e.educationIsced === undefined ? {} : { educationIsced: e.educationIsced }) },
      };
    }
    case 'duplicateResolved': {
      const e = event.value;
      if (!e.samePerson) return undefined;
      return { type: 'RecordMerged', workerId: e.workerId, version, recordedAt, data: { into: e.candidateId } };
    }
    case 'personalDataErased':
      return { type: 'PersonalDataErased', workerId: event.value.workerId, version, recordedAt, data: {} };
    case 'preDepartureOrientationCompleted':
    case 'skillsAcquired':
    case 'welfareIncidentRecorded':
    case 'reintegrationNeedsAssessed':
    case 'reintegrationReferralMade':
    case 'reintegrationOutcomeRecorded':
    case 'possibleDuplicateFlagged':
    case undefined:
      return undefined;
    default:
      assertNever(event, 'registration event');
  }
}

/** Field numbers (in RegistrationEvent's `event` oneof) of the events that carry statistical facts. */
const STATISTICAL_FIELDS: ReadonlySet<number> = new Set(
  (
    [
      'workerRegistered',
      'departureRecorded',
      'arrivalRecorded',
      'employmentChanged',
      'returnRecorded',
      'workerDetailsCorrected',
      'duplicateResolved',
      'personalDataErased',
    ] as const
  ).map((name) => RegistrationEventSchema.field[name].number),
);
const ENVELOPE_FIELD = RegistrationEventSchema.field.envelope.number;

/**
 * The field number of the event a RegistrationEvent message holds, read from the wire without decoding
 * it: top-level fields are skipped by their length. Undefined when the bytes are not a well-formed message.
 */
export function eventFieldOf(bytes: Uint8Array): number | undefined {
  let pos = 0;
  let found: number | undefined;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= bytes.length) throw new RangeError('truncated');
      const b = bytes[pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
      if (shift > 63) throw new RangeError('varint too long');
    }
  };
  try {
    while (pos < bytes.length) {
      const tag = varint();
      const field = Math.floor(tag / 8);
      switch (tag & 7) {
        case 0:
          varint();
          break;
        case 1:
          pos += 8;
          break;
        case 2: {
          const length = varint();
          pos += length;
          // In a oneof the last field on the wire wins.
          if (field !== ENVELOPE_FIELD) found = field;
          break;
        }
        case 5:
          pos += 4;
          break;
        default:
          return undefined;
      }
    }
    return pos === bytes.length ? found : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The fact a message on the registration topic carries, decoding only messages whose event has one (an
 * orientation, a skill, an incident or a reintegration step is read past without decoding).
 */
export function factFromMessage(bytes: Uint8Array): RegistrationFact | undefined {
  const field = eventFieldOf(bytes);
  // Not well-formed at the top level: let the decoder say what is wrong.
  if (field !== undefined && !STATISTICAL_FIELDS.has(field)) return undefined;
  return factFromRegistrationEvent(fromBinary(RegistrationEventSchema, bytes));
}
