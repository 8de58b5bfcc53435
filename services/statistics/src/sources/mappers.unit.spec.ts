import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  RecruitmentChannel,
  RegistrationEventSchema,
  ReturnAssistance,
  ReturnReason,
  Sex,
  SkillKind,
  type RegistrationEvent,
} from '@homeward/contracts/registration/v1';
import { unescapeCopyText } from './event-store.source';
import { eventFieldOf, factFromMessage } from './registration-event.proto-mapper';
import { STORED_FIELDS, factFromStoredEvent, type StatisticalEventType } from './stored-event.mapper';

// The two sources carry the same events in two encodings; both must map to the same facts.

const recordedAt = new Date('2025-03-04T05:06:07.891Z');
const envelope = (streamVersion: number) => ({
  eventId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  streamId: 'worker-w1',
  streamVersion: BigInt(streamVersion),
  recordedAt: timestampFromDate(recordedAt),
  occurredAt: timestampFromDate(new Date('2025-03-01T00:00:00Z')),
});
const bytes = (event: unknown, version = 3) =>
  toBinary(
    RegistrationEventSchema,
    create(RegistrationEventSchema, { envelope: envelope(version), event: event as RegistrationEvent['event'] }),
  );
/** PostgreSQL's `data #>> path`: the value at the path as text (strings as they are), or null. */
function textAt(data: unknown, path: readonly string[]): string | undefined {
  let value = data;
  for (const key of path) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
/** A stored event as the event-store source selects it: its STORED_FIELDS as text columns. */
const row = (type: string, data: Record<string, unknown>, streamVersion = 3) => ({
  type,
  streamVersion,
  recordedAt: recordedAt.getTime(),
  workerId: data.workerId as string,
  fields: (STORED_FIELDS[type as StatisticalEventType] ?? []).map((path) => textAt(data, path)),
});

describe('the same event from the topic and from the event store', () => {
  it.each([
    [
      'a registration (sealed personal data left sealed)',
      {
        case: 'workerRegistered',
        value: {
          workerId: 'w1',
          sex: Sex.FEMALE,
          birthYear: 1990,
          originArea: 'PH-03',
          educationIsced: 4,
          languages: ['tl'],
          personalData: { keyId: 'k', nonce: new Uint8Array(12), ciphertext: new Uint8Array(40) },
        },
      },
      row('WorkerRegistered', {
        workerId: 'w1',
        registeredOn: '2025-03-01',
        sex: 'F',
        birthYear: 1990,
        originArea: 'PH-03',
        educationIsced: 4,
        languages: ['tl'],
      }),
      { type: 'WorkerRegistered', data: { sex: 'F', birthYear: 1990, educationIsced: 4 } },
    ],
    [
      'a registration without education (and an ISCED level 0 is a level, not nothing)',
      { case: 'workerRegistered', value: { workerId: 'w1', sex: Sex.MALE, birthYear: 1980, originArea: 'PH-03' } },
      row('WorkerRegistered', {
        workerId: 'w1',
        registeredOn: '2025-03-01',
        sex: 'M',
        birthYear: 1980,
        originArea: 'PH-03',
        languages: [],
      }),
      { type: 'WorkerRegistered', data: { sex: 'M', birthYear: 1980 } },
    ],
    [
      'a correction of the level of education to 0',
      { case: 'workerDetailsCorrected', value: { workerId: 'w1', correctedOn: '2025-06-02', correctsVersion: 1n, educationIsced: 0 } },
      row('WorkerDetailsCorrected', { workerId: 'w1', correctedOn: '2025-06-02', correctsVersion: 1, educationIsced: 0 }),
      { type: 'DetailsCorrected', data: { educationIsced: 0 } },
    ],
    [
      'a departure with cost and income',
      {
        case: 'departureRecorded',
        value: {
          workerId: 'w1',
          cycleNumber: 2,
          destinationCountry: 'SA',
          departedOn: '2025-03-01',
          employerName: 'E',
          occupationIsco: '9111',
          contractStart: '2025-03-02',
          contractEnd: '2027-03-01',
          recruitmentAgency: 'Agency A',
          channel: RecruitmentChannel.REGULAR,
          recruitmentCost: { currency: 'PHP', amountMinor: 1_500_000n },
          monthlyWage: { currency: 'SAR', amountMinor: 150_000n },
        },
      },
      row('DepartureRecorded', {
        workerId: 'w1',
        cycleNumber: 2,
        destinationCountry: 'SA',
        departedOn: '2025-03-01',
        employerName: 'E',
        occupationIsco: '9111',
        contractStart: '2025-03-02',
        contractEnd: '2027-03-01',
        channel: 'regular',
        recruitmentAgency: 'Agency A',
        recruitmentCost: { currency: 'PHP', amountMinor: 1_500_000 },
        monthlyWage: { currency: 'SAR', amountMinor: 150_000 },
      }),
      {
        type: 'DepartureRecorded',
        data: {
          cycle: 2,
          departedOn: '2025-03-01',
          destination: 'SA',
          occupation: '9111',
          recruitmentCost: { currency: 'PHP', amountMinor: 1_500_000 },
          monthlyIncome: { currency: 'SAR', amountMinor: 150_000 },
          channel: 'regular',
          viaAgency: true,
        },
      },
    ],
    [
      'an irregular departure without an agency',
      {
        case: 'departureRecorded',
        value: {
          workerId: 'w1',
          cycleNumber: 1,
          destinationCountry: 'MY',
          departedOn: '2024-03-01',
          occupationIsco: '9211',
          channel: RecruitmentChannel.IRREGULAR,
        },
      },
      row('DepartureRecorded', {
        workerId: 'w1',
        cycleNumber: 1,
        destinationCountry: 'MY',
        departedOn: '2024-03-01',
        occupationIsco: '9211',
        contractStart: '',
        contractEnd: '',
        channel: 'irregular',
      }),
      {
        type: 'DepartureRecorded',
        data: { cycle: 1, departedOn: '2024-03-01', destination: 'MY', occupation: '9211', channel: 'irregular', viaAgency: false },
      },
    ],
    [
      'an undocumented return',
      {
        case: 'returnRecorded',
        value: {
          workerId: 'w1',
          cycleNumber: 1,
          returnedOn: '2025-06-05',
          fromCountry: 'MY',
          assistance: ReturnAssistance.UNASSISTED,
          reason: ReturnReason.DEPORTATION,
          withoutRecordedDeparture: true,
        },
      },
      row('ReturnRecorded', {
        workerId: 'w1',
        cycleNumber: 1,
        returnedOn: '2025-06-05',
        fromCountry: 'MY',
        assistance: 'unassisted',
        reason: 'deportation',
        withoutRecordedDeparture: true,
      }),
      {
        type: 'ReturnRecorded',
        data: {
          cycle: 1,
          returnedOn: '2025-06-05',
          from: 'MY',
          assistance: 'unassisted',
          reason: 'deportation',
          withoutRecordedDeparture: true,
        },
      },
    ],
    [
      'a change of occupation abroad',
      { case: 'employmentChanged', value: { workerId: 'w1', cycleNumber: 1, changedOn: '2025-09-01', occupationIsco: '5152' } },
      row('EmploymentChanged', {
        workerId: 'w1',
        cycleNumber: 1,
        changedOn: '2025-09-01',
        change: 'new_occupation',
        occupationIsco: '5152',
      }),
      { type: 'OccupationChanged', data: { cycle: 1, changedOn: '2025-09-01', occupation: '5152' } },
    ],
    [
      'a correction of sex',
      { case: 'workerDetailsCorrected', value: { workerId: 'w1', correctedOn: '2025-06-02', correctsVersion: 1n, sex: Sex.MALE } },
      row('WorkerDetailsCorrected', { workerId: 'w1', correctedOn: '2025-06-02', correctsVersion: 1, sex: 'M' }),
      { type: 'DetailsCorrected', data: { sex: 'M' } },
    ],
    [
      'a correction of something else',
      { case: 'workerDetailsCorrected', value: { workerId: 'w1', correctedOn: '2025-06-02', correctsVersion: 1n, originArea: 'PH-04' } },
      row('WorkerDetailsCorrected', { workerId: 'w1', correctedOn: '2025-06-02', correctsVersion: 1, originArea: 'PH-04' }),
      { type: 'DetailsCorrected', data: {} },
    ],
    [
      'a merge decision',
      { case: 'duplicateResolved', value: { workerId: 'w1', resolvedOn: '2025-03-05', candidateId: 'w0', samePerson: true } },
      row('DuplicateResolved', { workerId: 'w1', resolvedOn: '2025-03-05', candidateId: 'w0', samePerson: true }),
      { type: 'RecordMerged', data: { into: 'w0' } },
    ],
    [
      'an erasure',
      { case: 'personalDataErased', value: { workerId: 'w1', erasedOn: '2025-09-01' } },
      row('PersonalDataErased', { workerId: 'w1', erasedOn: '2025-09-01', basis: 'subject_request' }),
      { type: 'PersonalDataErased', data: {} },
    ],
  ] as const)('%s', (_what, protoEvent, storedRow, expected) => {
    const fromTopic = factFromMessage(bytes(protoEvent));
    const fromStore = factFromStoredEvent(storedRow);
    expect(fromTopic).toEqual({ ...expected, workerId: 'w1', version: 3, recordedAt: recordedAt.getTime() });
    expect(fromStore).toEqual(fromTopic);
  });

  it.each([
    [
      'a change of employer only',
      { case: 'employmentChanged', value: { workerId: 'w1', cycleNumber: 1, changedOn: '2025-09-01', employerName: 'F' } },
      row('EmploymentChanged', { workerId: 'w1', cycleNumber: 1, changedOn: '2025-09-01', change: 'new_employer', employerName: 'F' }),
    ],
    [
      'a decision that two records are different people',
      { case: 'duplicateResolved', value: { workerId: 'w1', candidateId: 'w0', samePerson: false } },
      row('DuplicateResolved', { workerId: 'w1', candidateId: 'w0', samePerson: false }),
    ],
    [
      'a skills record',
      { case: 'skillsAcquired', value: { workerId: 'w1', cycleNumber: 1, skills: [{ kind: SkillKind.LANGUAGE, title: 'Arabic' }] } },
      row('SkillsAcquired', { workerId: 'w1', cycleNumber: 1, skills: [] }),
    ],
  ] as const)('%s carries no statistical fact', (_what, protoEvent, storedRow) => {
    expect(factFromMessage(bytes(protoEvent))).toBeUndefined();
    expect(factFromStoredEvent(storedRow)).toBeUndefined();
  });
});

describe('reading the wire', () => {
  it('finds the event field without decoding the message', () => {
    expect(eventFieldOf(bytes({ case: 'skillsAcquired', value: { workerId: 'w1', cycleNumber: 1, skills: [] } }))).toBe(17);
    expect(eventFieldOf(bytes({ case: 'returnRecorded', value: { workerId: 'w1' } }))).toBe(12);
  });

  it('refuses bytes that are not a message', () => {
    const garbage = Uint8Array.from([0x0a, 0xff, 0xff, 0x01]);
    expect(eventFieldOf(garbage)).toBeUndefined();
    expect(() => factFromMessage(garbage)).toThrow();
  });
});

describe('COPY text format', () => {
  it.each([
    ['{"a":"plain"}', '{"a":"plain"}'],
    ['{"a":"say \\\\"hi\\\\""}', '{"a":"say \\"hi\\""}'],
    ['{"a":"tab\\\\there"}', '{"a":"tab\\there"}'],
    ['raw\\ttab and \\n newline and \\101', 'raw\ttab and \n newline and A'],
  ])('unescapes %s', (copied, original) => {
    expect(unescapeCopyText(copied)).toBe(original);
  });
});
