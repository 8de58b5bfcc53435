import { randomUUID } from 'node:crypto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { create, eventsTopic, timestampFromDate, toBinary } from '@homeward/contracts';
import { RecruitmentChannel, RegistrationEventSchema, ReturnAssistance, ReturnReason, Sex } from '@homeward/contracts/registration/v1';
import { createKafka, ensureTopics, type Kafka } from '@homeward/messaging';
import { migrate } from '@homeward/pg-kit/migrations';
import { createTestDatabase, infrastructure, testTopicNamespace, type TestDatabase } from '@homeward/testing/infrastructure';
import { buildReport } from '../src/domain/reports/build-report';
import { parsePeriod } from '../src/domain/reports/period';
import type { ReportRequest } from '../src/domain/reports/report-table';
import { render } from '../src/output/render';
import { FoldCheckpointStore } from '../src/persistence/fold-checkpoints';
import { statisticsMigrations } from '../src/persistence/migrations';
import { KafkaReplaySource, replay } from '../src/sources/replay';
import { scaledReplay } from '../src/sources/scaled-replay';
import type { MigrationHistory } from '../src/domain/history/migration-history';

/*
 * The scaled replay on the real Kafka and PostgreSQL: registration's topic in 4 partitions, a generated
 * history published in two days. Parallel members (1, 2, 4 worker threads, each folding its partitions)
 * and a report carried on from a checkpoint give the plain replay's files byte for byte.
 */

type RegistrationInit = NonNullable<MessageInitShape<typeof RegistrationEventSchema>['event']>;
const COUNTRIES = ['SA', 'AE', 'HK', 'SG', 'QA'];

/** Worker i's events, recorded on `day` (the first day: registration and departure; the second: the return). */
function history(day: 1 | 2, workers: number, ids: readonly string[]) {
  const messages: { key: string; value: Buffer }[] = [];
  const event = (id: string, version: number, on: string, recorded: string, e: RegistrationInit) =>
    messages.push({
      key: `worker-${id}`,
      value: Buffer.from(
        toBinary(
          RegistrationEventSchema,
          create(RegistrationEventSchema, {
            envelope: {
              eventId: randomUUID(),
              streamId: `worker-${id}`,
              streamVersion: BigInt(version),
              occurredAt: timestampFromDate(new Date(`${on}T00:00:00Z`)),
              recordedAt: timestampFromDate(new Date(recorded)),
            },
            event: e,
          }),
        ),
      ),
    });
  for (let i = 0; i < workers; i++) {
    const id = ids[i]!;
    const country = COUNTRIES[i % COUNTRIES.length]!;
    const departed = `2025-${String(1 + (i % 9)).padStart(2, '0')}-1${i % 10}`;
    if (day === 1) {
      event(id, 1, '2025-01-01', '2026-01-01T08:00:00Z', {
        case: 'workerRegistered',
        value: { workerId: id, sex: i % 3 === 0 ? Sex.MALE : Sex.FEMALE, birthYear: 1980 + (i % 20), originArea: 'PH-03' },
      });
      event(id, 2, departed, '2026-01-01T09:00:00Z', {
        case: 'departureRecorded',
        value: {
          workerId: id,
          cycleNumber: 1,
          destinationCountry: country,
          departedOn: departed,
          occupationIsco: ['5322', '9111', '7112'][i % 3]!,
          channel: RecruitmentChannel.REGULAR,
        },
      });
    } else if (i % 2 === 0) {
      event(id, 3, '2025-11-30', '2026-01-02T10:00:00Z', {
        case: 'returnRecorded',
        value: {
          workerId: id,
          cycleNumber: 1,
          returnedOn: '2025-11-30',
          fromCountry: country,
          assistance: ReturnAssistance.UNASSISTED,
          reason: ReturnReason.CONTRACT_COMPLETED,
          withoutRecordedDeparture: false,
        },
      });
    }
  }
  return messages;
}

const request: ReportRequest = {
  asOf: '2025-12-31',
  period: parsePeriod('2025'),
  frequency: 'quarter',
  reports: ['stock', 'departures', 'returns', 'durations'],
};
const files = (h: MigrationHistory) =>
  (['json', 'csv'] as const).map((f) => render(buildReport(h, request), f, { refArea: 'PH', agency: 'HOMEWARD' }).body.toString());

let kafka: Kafka;
let database: TestDatabase;
const WORKERS = 120;
const ids = Array.from({ length: WORKERS }, () => randomUUID());
const namespace = testTopicNamespace();
const topic = eventsTopic('registration', namespace);

async function publish(messages: { key: string; value: Buffer }[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 }); // idempotent: a retried send under load writes no second copy
  await producer.connect();
  await producer.send({ topic, messages });
  await producer.disconnect();
}
const plain = async () => files((await replay(new KafkaReplaySource(kafka, [topic]))).facts);

beforeAll(async () => {
  kafka = createKafka({ brokers: infrastructure.kafkaBrokers, clientId: 'statistics-scaled-replay-test' });
  database = await createTestDatabase('statistics_scaled');
  await migrate(database.pool, 'statistics', statisticsMigrations);
  await ensureTopics(kafka, [{ topic, partitions: 4 }]);
  await publish(history(1, WORKERS, ids));
});
afterAll(async () => {
  await database?.drop();
});

describe('the scaled replay of registration’s topic', () => {
  it('by 1, 2 and 4 members in worker threads gives the plain replay’s files, byte for byte', async () => {
    const expected = await plain();
    for (const members of [1, 2, 4]) {
      const replayed = await scaledReplay({ kafka, brokers: infrastructure.kafkaBrokers, topics: { registration: topic }, members });
      expect(replayed.eventsRead).toBe(WORKERS * 2);
      expect(files(replayed.facts)).toEqual(expected);
    }
  }, 120_000);

  it('carries on from a checkpoint: folds only the new day, gives the full replay’s files; an earlier cut-off does not use it', async () => {
    const checkpoints = new FoldCheckpointStore(database.pool);
    const options = { kafka, brokers: infrastructure.kafkaBrokers, topics: { registration: topic }, checkpoints };
    const first = await scaledReplay(options);
    expect(first.fromCheckpoint).toBeUndefined();
    expect(first.savedCheckpoint).toBeDefined();

    await publish(history(2, WORKERS, ids));
    const daily = await scaledReplay({ ...options, knownAt: new Date('2026-01-03T00:00:00Z') });
    expect(daily.fromCheckpoint).toBe(first.savedCheckpoint);
    expect(daily.eventsFolded).toBe(WORKERS / 2);
    expect(daily.eventsRead).toBe(WORKERS * 2 + WORKERS / 2);
    expect(files(daily.facts)).toEqual(await plain());

    // Before the checkpoint's latest recorded-at (2026-01-01T09:00): it would hold what was not known yet.
    const earlier = await scaledReplay({ ...options, knownAt: new Date('2026-01-01T08:30:00Z'), saveCheckpoint: false });
    expect(earlier.fromCheckpoint).toBeUndefined();
    const full = await replay(new KafkaReplaySource(kafka, [topic]), { knownAt: new Date('2026-01-01T08:30:00Z') });
    expect(files(earlier.facts)).toEqual(files(full.facts));
    expect(earlier.fold.notYetKnown).toBe(WORKERS * 2 + WORKERS / 2 - WORKERS);
  }, 120_000);
});
