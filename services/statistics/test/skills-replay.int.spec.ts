import { randomUUID } from 'node:crypto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { create, eventsTopic, timestampFromDate, toBinary } from '@homeward/contracts';
import { RegistrationEventSchema, ReturnAssistance, ReturnReason, Sex } from '@homeward/contracts/registration/v1';
import { AssessmentMethod, CertificateKind, UnitOutcome } from '@homeward/contracts/skills/v1';
import { createKafka, ensureTopics, type Kafka } from '@homeward/messaging';
import { infrastructure, testTopicNamespace } from '@homeward/testing/infrastructure';
import { candidateStream, publishSkillsEvents, standardStream } from '@homeward/testing/skills-events';
import { buildReport } from '../src/domain/reports/build-report';
import { parsePeriod } from '../src/domain/reports/period';
import { crossTab } from '../src/domain/reports/reports.spec-helpers';
import type { ReportRequest } from '../src/domain/reports/report-table';
import { KafkaReplaySource, SkillsTopicSource, replay } from '../src/sources/replay';

/*
 * Both topics from Kafka, as a report job replays them by default: registration's topic (protobuf
 * RegistrationEvent) and the skills topic (protobuf SkillsEvent), both of the generated contracts, read to
 * their end offsets and folded into one history.
 *
 *  lea  F  SA 2022-01-10 → back 2025-02-01. CARE 2025-03-01: C1 ✓ C2 ✓ → full qualification 2025-03-02.
 *  max  M  QA 2021-06-01 → back 2025-01-15. CARE 2025-03-05: C1 ✓ C2 ✗ (no certificate).
 *  Two messages on the skills topic that are no SkillsEvent: counted as undecodable, the rest replayed.
 */

let kafka: Kafka;
const registrationPart = (namespace: string, lea: string, max: string) => {
  let version = 0;
  const message = (workerId: string, on: string, event: NonNullable<MessageInitShape<typeof RegistrationEventSchema>['event']>) => {
    const value = create(RegistrationEventSchema, {
      envelope: {
        eventId: randomUUID(),
        streamId: `worker-${workerId}`,
        streamVersion: BigInt(++version),
        occurredAt: timestampFromDate(new Date(`${on}T00:00:00Z`)),
        recordedAt: timestampFromDate(new Date(`${on}T08:00:00Z`)),
      },
      event,
    });
    return { key: `worker-${workerId}`, value: Buffer.from(toBinary(RegistrationEventSchema, value)) };
  };
  const cycle = (workerId: string, sex: Sex, to: string, left: string, back: string) => {
    version = 0;
    return [
      message(workerId, '2021-01-01', { case: 'workerRegistered', value: { workerId, sex, birthYear: 1990, originArea: 'PH-03' } }),
      message(workerId, left, {
        case: 'departureRecorded',
        value: { workerId, cycleNumber: 1, destinationCountry: to, departedOn: left, occupationIsco: '5322' },
      }),
      message(workerId, back, {
        case: 'returnRecorded',
        value: {
          workerId,
          cycleNumber: 1,
          returnedOn: back,
          fromCountry: to,
          assistance: ReturnAssistance.UNASSISTED,
          reason: ReturnReason.CONTRACT_COMPLETED,
        },
      }),
    ];
  };
  return {
    topic: eventsTopic('registration', namespace),
    messages: [...cycle(lea, Sex.FEMALE, 'SA', '2022-01-10', '2025-02-01'), ...cycle(max, Sex.MALE, 'QA', '2021-06-01', '2025-01-15')],
  };
};

function skillsPart(lea: string, max: string) {
  // One stream per candidate: its versions go up from event to event, as the skills service writes them.
  const streams = new Map([lea, max].map((id) => [id, candidateStream(id)]));
  const assessed = (workerId: string, on: string, c2: boolean) =>
    streams.get(workerId)!.event(on, {
      case: 'assessmentRecorded',
      value: {
        workerId,
        assessmentId: randomUUID(),
        standardId: 'CARE',
        standardVersion: 1,
        assessedOn: on,
        method: AssessmentMethod.OBSERVATION,
        results: [
          { unitCode: 'C1', outcome: UnitOutcome.COMPETENT },
          { unitCode: 'C2', outcome: c2 ? UnitOutcome.COMPETENT : UnitOutcome.NOT_YET_COMPETENT },
        ],
      },
    });
  const leaAssessed = assessed(lea, '2025-03-01', true);
  return [
    standardStream('CARE').event('2024-06-01', {
      case: 'competencyStandardPublished',
      value: { standardId: 'CARE', version: 1, title: 'Caregiving NC II', occupationIsco: '5322' },
    }),
    leaAssessed,
    streams.get(lea)!.event('2025-03-02', {
      case: 'certificateIssued',
      value: {
        workerId: lea,
        certificateNumber: 'N-1',
        kind: CertificateKind.FULL_QUALIFICATION,
        standardId: 'CARE',
        standardVersion: 1,
        issuedOn: '2025-03-02',
      },
    }),
    assessed(max, '2025-03-05', false),
    { ...leaAssessed, value: Buffer.from('not a SkillsEvent') },
    { ...leaAssessed, value: Buffer.from([0x0a, 0xff]) },
  ];
}

const request: ReportRequest = {
  asOf: '2025-12-31',
  period: parsePeriod('2025'),
  frequency: 'quarter',
  reports: ['returns', 'assessments', 'pass-rates', 'certificates'],
};

beforeAll(() => {
  kafka = createKafka({ brokers: infrastructure.kafkaBrokers, clientId: 'statistics-skills-replay-test' });
});

describe('a replay of the registration and skills topics from Kafka', () => {
  it('folds both into one history: the skills tables by sex and destination from registration, undecodable messages counted', async () => {
    const namespace = testTopicNamespace();
    const lea = randomUUID();
    const max = randomUUID();
    const registration = registrationPart(namespace, lea, max);
    const skillsTopic = eventsTopic('skills', namespace);
    await ensureTopics(kafka, [
      { topic: registration.topic, partitions: 3 },
      { topic: skillsTopic, partitions: 3 },
    ]);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 }); // idempotent: a retried send under load writes no second copy
    await producer.connect();
    await producer.send({ topic: registration.topic, messages: registration.messages });
    await producer.disconnect();
    await publishSkillsEvents(kafka, namespace, skillsPart(lea, max));

    const replayed = await replay(new KafkaReplaySource(kafka, [registration.topic]), {
      skills: new SkillsTopicSource(kafka, skillsTopic),
    });
    expect(replayed).toMatchObject({ eventsRead: 6 + 6, undecodable: 2 });
    const report = buildReport(replayed.facts, request);
    const table = (id: string) => report.tables.find((t) => t.id === id)!;

    expect(crossTab(table('returns'), 'COUNTERPART_AREA', 'SEX')[1]).toEqual(['_T', 2, 1, 1, 0, 0]);
    expect(crossTab(table('assessments'), 'COUNTERPART_AREA', 'SEX')).toEqual([
      ['COUNTERPART_AREA\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 2, 1, 1, 0, 0],
      ['QA', 1, 0, 1, 0, 0],
      ['SA', 1, 1, 0, 0, 0],
      ['_U', 0, 0, 0, 0, 0],
    ]);
    expect(crossTab(table('pass-rate-unit'), 'COMPETENCY_UNIT', 'SEX')).toEqual([
      ['COMPETENCY_UNIT\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 0.75, 1, 0.5, '-', '-'],
      ['CARE:C1', 1, 1, 1, '-', '-'],
      ['CARE:C2', 0.5, 1, 0, '-', '-'],
    ]);
    expect(crossTab(table('certificates'), 'OCCUPATION', 'SEX').find((row) => row[0] === '5')).toEqual(['5', 1, 1, 0, 0, 0]);
  });

  it('reads a skills topic that does not exist yet as empty: the skills tables are zeros, the others as ever', async () => {
    const namespace = testTopicNamespace();
    const registration = registrationPart(namespace, randomUUID(), randomUUID());
    await ensureTopics(kafka, [{ topic: registration.topic, partitions: 1 }]);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 }); // idempotent: a retried send under load writes no second copy
    await producer.connect();
    await producer.send({ topic: registration.topic, messages: registration.messages });
    await producer.disconnect();

    const replayed = await replay(new KafkaReplaySource(kafka, [registration.topic]), {
      skills: new SkillsTopicSource(kafka, eventsTopic('skills', namespace)),
    });
    expect(replayed).toMatchObject({ eventsRead: 6, undecodable: 0 });
    const report = buildReport(replayed.facts, request);
    const table = (id: string) => report.tables.find((t) => t.id === id)!;
    expect(crossTab(table('returns'), 'COUNTERPART_AREA', 'SEX')[1]).toEqual(['_T', 2, 1, 1, 0, 0]);
    expect(crossTab(table('assessments'), 'COUNTERPART_AREA', 'SEX')[1]).toEqual(['_T', 0, 0, 0, 0, 0]);
    expect(table('pass-rate-standard').observations.every((o) => o.status === 'M')).toBe(true);
  });
});
