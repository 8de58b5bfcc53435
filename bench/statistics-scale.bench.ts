/**
 * Statistics at national scale (issue 14 §2): a synthetic registration history of `--events` events (10
 * million unless said otherwise) on a topic of `--partitions` partitions (8), replayed
 *  - plainly (one consumer, folding in the main thread: the replay the service did before);
 *  - by 1, 2 and 4 members (`--members=1,2,4`), each a worker thread folding its partitions, merged;
 *  - as the daily report: a checkpoint saved at the end of the history, then a day of new events published
 *    (`--daily`, by default a 20-year history's daily share: events / 7,300, at least 1,000), and the report
 *    carried on from the checkpoint.
 * Every replay's report (JSON) must equal the plain one's, byte for byte; its SHA-256 is printed.
 * It ends with a projection of the time for 500 million events on a cluster (see bench/README.md).
 *
 * The history is written straight to Kafka as the registration service's protobuf `RegistrationEvent`s,
 * keyed by worker (as the relay does), and kept: a later run with the same size and partitions reuses it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { create, timestampFromDate, toBinary } from '@homeward/contracts';
import { RecruitmentChannel, RegistrationEventSchema, ReturnAssistance, ReturnReason, Sex } from '@homeward/contracts/registration/v1';
import { createKafka, ensureTopics, type Kafka } from '@homeward/messaging';
import { partitionRanges } from '@homeward/messaging/topic-reader';
import { migrate } from '@homeward/pg-kit/migrations';
import { createPool } from '@homeward/pg-kit';
import { KafkaReplaySource, replay } from '@homeward/statistics/replay';
import {
  buildReport,
  encodeFoldState,
  FoldCheckpointStore,
  parsePeriod,
  render,
  scaledReplay,
  statisticsMigrations,
  type MigrationHistory,
} from '@homeward/statistics/scaled-replay';
import { databaseUrlFor, infrastructure } from '@homeward/testing/infrastructure';
import pg from 'pg';

const COUNTRIES = ['SA', 'AE', 'HK', 'SG', 'QA', 'KW', 'MY', 'TW', 'JP', 'IT'];
const OCCUPATIONS = ['9111', '5322', '7112', '8322', '5120', '9313', '7212', '5131'];

/** A seeded generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const isoDay = (n: number) => new Date(Date.UTC(2006, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);

type Message = { key: string; value: Buffer };

/** About 4.5 events a worker: registration, departure, arrival, most return, some leave again. */
function* workerEvents(r: () => number, recordedFrom: number, dayCount: number, recordedOn?: number): Generator<Message> {
  const id = randomUUID();
  let version = 0;
  let day = Math.floor(r() * dayCount);
  const event = (on: number, e: NonNullable<Parameters<typeof create<typeof RegistrationEventSchema>>[1]>['event']): Message => ({
    key: `worker-${id}`,
    value: Buffer.from(
      toBinary(
        RegistrationEventSchema,
        create(RegistrationEventSchema, {
          envelope: {
            eventId: randomUUID(),
            streamId: `worker-${id}`,
            streamVersion: BigInt(++version),
            occurredAt: timestampFromDate(new Date(`${isoDay(on)}T00:00:00Z`)),
            recordedAt: timestampFromDate(new Date((recordedOn ?? recordedFrom + on * 86_400_000) + Math.floor(r() * 86_400_000))),
          },
          event: e,
        }),
      ),
    ),
  });
  yield event(day, {
    case: 'workerRegistered',
    value: { workerId: id, sex: r() < 0.5 ? Sex.FEMALE : Sex.MALE, birthYear: 1960 + Math.floor(r() * 45), originArea: 'PH-03' },
  });
  for (let cycle = 1; cycle <= 3; cycle++) {
    const country = COUNTRIES[Math.floor(r() * COUNTRIES.length)]!;
    day += 10 + Math.floor(r() * 200);
    yield event(day, {
      case: 'departureRecorded',
      value: {
        workerId: id,
        cycleNumber: cycle,
        destinationCountry: country,
        departedOn: isoDay(day),
        occupationIsco: OCCUPATIONS[Math.floor(r() * OCCUPATIONS.length)]!,
        channel: RecruitmentChannel.REGULAR,
      },
    });
    yield event(day + 1, { case: 'arrivalRecorded', value: { workerId: id, cycleNumber: cycle, arrivedOn: isoDay(day + 1), country } });
    if (r() < 0.3) return;
    day += 300 + Math.floor(r() * 700);
    yield event(day, {
      case: 'returnRecorded',
      value: {
        workerId: id,
        cycleNumber: cycle,
        returnedOn: isoDay(day),
        fromCountry: country,
        assistance: ReturnAssistance.UNASSISTED,
        reason: ReturnReason.CONTRACT_COMPLETED,
        withoutRecordedDeparture: false,
      },
    });
    if (r() < 0.5) return;
  }
}

async function publish(
  kafka: Kafka,
  topic: string,
  events: number,
  seed: number,
  recordedFrom: number,
  dayCount: number,
  recordedOn?: number,
): Promise<number> {
  const r = random(seed);
  const producer = kafka.producer();
  await producer.connect();
  let batch: Message[] = [];
  let written = 0;
  try {
    while (written < events) {
      for (const m of workerEvents(r, recordedFrom, dayCount, recordedOn)) {
        batch.push(m);
        written++;
      }
      if (batch.length >= 10_000) {
        await producer.send({ topic, messages: batch });
        batch = [];
        if (written % 500_000 < 10_010) console.error(`  history: ${written} events`);
      }
    }
    if (batch.length > 0) await producer.send({ topic, messages: batch });
  } finally {
    await producer.disconnect();
  }
  return written;
}

async function messagesIn(kafka: Kafka, topic: string): Promise<number> {
  return (await partitionRanges(kafka, [topic])).reduce((n, r) => n + r.end - r.start, 0);
}

const request = {
  asOf: '2025-12-31',
  period: parsePeriod('2025'),
  frequency: 'quarter' as const,
  reports: ['stock', 'departures', 'returns', 'durations'] as const,
};
function report(h: MigrationHistory): { sha256: string; bytes: number; seconds: number } {
  const t = performance.now();
  const body = render(buildReport(h, { ...request, reports: [...request.reports] }), 'json', { refArea: 'PH', agency: 'HOMEWARD' }).body;
  return { sha256: createHash('sha256').update(body).digest('hex'), bytes: body.length, seconds: (performance.now() - t) / 1000 };
}

const seconds = (t: number) => Math.round((performance.now() - t) / 10) / 100;

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      events: { type: 'string', default: '10000000' },
      partitions: { type: 'string', default: '8' },
      members: { type: 'string', default: '1,2,4' },
      daily: { type: 'string' },
    },
  });
  const events = Number(values.events);
  const partitions = Number(values.partitions);
  const memberCounts = values.members.split(',').map(Number);
  const daily = Number(values.daily ?? Math.max(1000, Math.round(events / 7300)));
  const kafka = createKafka({ brokers: infrastructure.kafkaBrokers, clientId: 'bench-statistics-scale' });
  const topic = `bench-statistics-scale-${events}-p${partitions}.homeward.registration.events.v1`;
  // Recorded from 2006 over 20 years; the daily events are recorded on the day after.
  const recordedFrom = Date.UTC(2006, 0, 1);
  await ensureTopics(kafka, [{ topic, partitions }]);
  let held = await messagesIn(kafka, topic);
  if (held < events) {
    console.error(`writing the history: ${events} events on ${partitions} partitions (${topic})`);
    const t = performance.now();
    held += await publish(kafka, topic, events - held, held + 1, recordedFrom, 7300);
    console.error(`  written in ${seconds(t)} s`);
  }
  const topics = { registration: topic };
  const results: Record<string, unknown> = {};
  const phase = (name: string, value: Record<string, unknown>) => {
    results[name] = value;
    console.log(`  ${name}: ${JSON.stringify(value)}`);
  };

  let t = performance.now();
  const plain = await replay(new KafkaReplaySource(kafka, [topic]));
  const plainSeconds = seconds(t);
  const expected = report(plain.facts);
  phase('plain', {
    events: plain.eventsRead,
    seconds: plainSeconds,
    eventsPerSecond: Math.round(plain.eventsRead / plainSeconds),
    report: expected,
  });

  const memberRuns: { members: number; seconds: number; eventsPerSecond: number; mergeSeconds: number }[] = [];
  for (const members of memberCounts) {
    t = performance.now();
    const run = await scaledReplay({ kafka, brokers: infrastructure.kafkaBrokers, topics, members });
    const s = seconds(t);
    const r = report(run.facts);
    if (r.sha256 !== expected.sha256) throw new Error(`${members} members: the report differs from the plain replay's`);
    const mergeSeconds = Math.round((run.mergeSeconds ?? 0) * 100) / 100;
    memberRuns.push({ members, seconds: s, eventsPerSecond: Math.round(run.eventsRead / s), mergeSeconds });
    phase(`members-${members}`, {
      events: run.eventsRead,
      seconds: s,
      eventsPerSecond: Math.round(run.eventsRead / s),
      mergeSeconds,
      sameReport: true,
    });
  }

  // The daily report: a checkpoint at the end of the history, a day's new events, the report carried on.
  const database = `homeward_bench_statistics_scale_${process.pid}`;
  const admin = new pg.Client({ connectionString: infrastructure.databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  const pool = createPool(databaseUrlFor(database), { max: 4 });
  try {
    await migrate(pool, 'statistics', statisticsMigrations);
    const checkpoints = new FoldCheckpointStore(pool);
    t = performance.now();
    const saving = await scaledReplay({
      kafka,
      brokers: infrastructure.kafkaBrokers,
      topics,
      checkpoints,
      members: Math.max(...memberCounts),
    });
    const saveSeconds = seconds(t);
    const stateBytes = encodeFoldState(saving.facts.exportState()).byteLength;
    phase('checkpoint', {
      seconds: saveSeconds,
      stateMiB: Math.round(stateBytes / 1048576),
      bytesPerEvent: Math.round((stateBytes / saving.eventsRead) * 10) / 10,
    });
    // A day after everything the history recorded (its last cycles are recorded up to the 2030s).
    const newDay = Date.UTC(2040, 0, 1);
    await publish(kafka, topic, daily, 7_000_000 + held, Date.UTC(2025, 0, 1), 300, newDay);
    t = performance.now();
    const carried = await scaledReplay({
      kafka,
      brokers: infrastructure.kafkaBrokers,
      topics,
      checkpoints,
      knownAt: new Date(newDay + 86_400_000),
      saveCheckpoint: false,
    });
    const carriedReplay = seconds(t);
    const r = report(carried.facts);
    if (!carried.fromCheckpoint) throw new Error('the daily report did not carry on from the checkpoint');
    const full = await replay(new KafkaReplaySource(kafka, [topic]));
    const same = report(full.facts).sha256 === r.sha256;
    if (!same) throw new Error('the daily report differs from a full replay');
    phase('daily', {
      newEvents: carried.eventsFolded,
      replaySeconds: carriedReplay,
      reportSeconds: r.seconds,
      seconds: Math.round((carriedReplay + r.seconds) * 100) / 100,
      sameReport: same,
    });
    // The day's events stay on the topic: the next run's history is larger by as much (it is counted).
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  }

  // Projection to 500 million events on a cluster: members on machines of their own fold at the rate one
  // member reaches here alone; then one process merges their states, which grows with the state (people
  // and cycles, measured here in bytes per event).
  const one = memberRuns.find((m) => m.members === 1) ?? memberRuns[0]!;
  // The merge (decode every member's state, absorb it) is the same work whatever the members: the largest
  // run's, scaled by events.
  const merge = memberRuns[memberRuns.length - 1]!;
  const mergeHours = (merge.mergeSeconds * (500_000_000 / plain.eventsRead)) / 3600;
  const target = 500_000_000;
  const stateBytesPerEvent = (results.checkpoint as { bytesPerEvent: number }).bytesPerEvent;
  const projection = [8, 16, 32, 64].map((members) => ({
    members,
    foldHours: Math.round(target / (one.eventsPerSecond * members) / 36) / 100,
    withMergeHours: Math.round((target / (one.eventsPerSecond * members) / 3600 + mergeHours) * 100) / 100,
  }));
  phase('projection-500M', {
    assumption: `each member a core of its own at the 1-member rate here (${one.eventsPerSecond} events/s), partitions ≥ members; the merge in one process, scaled from ${merge.members} members' here by events; the report not included`,
    singleReplayHours: Math.round(target / (results.plain as { eventsPerSecond: number }).eventsPerSecond / 36) / 100,
    byMembers: projection,
    mergedStateGiB: Math.round((stateBytesPerEvent * target) / 1024 ** 3),
  });
  const out = {
    finishedAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version },
    events,
    partitions,
    daily,
    ...results,
  };
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL(`./results/statistics-scale-${events}.json`, import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
}
