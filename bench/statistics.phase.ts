/**
 * One phase of the statistics benchmark, in a process of its own so that its peak resident memory is
 * its own: `tsx statistics.phase.ts <phase> <topic> <databaseUrl>` prints one JSON line.
 *   bare-kafka           a plain consumer that reads every message to the end offsets and decodes it (the limit)
 *   replay-kafka         the statistics replay from Kafka, then every report, rendered as SDMX-CSV
 *   bare-copy            COPY … TO STDOUT of the rows the event-store source reads, as stored (version, type,
 *                        recorded-at, the whole data), counted (a limit)
 *   bare-copy-fields     the source's own COPY statement (the fields the reports need, as text), counted (a limit)
 *   replay-event-store   the statistics replay from the event store, then every report, rendered as SDMX-CSV
 * An optional fifth argument, `copies`, reads the history that many times in every phase; the replays
 * give each copy's workers other ids (the first hex digit of every registry id changed): a history
 * `copies` times the size with as many times the people, for the replay's rate and memory at that size.
 */
import { fromBinary } from '@bufbuild/protobuf';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { RegistrationEventSchema } from '@homeward/contracts/registration/v1';
import { createKafka } from '@homeward/messaging';
import { REPLAY_FETCH } from '@homeward/messaging/topic-reader';
import { runReport } from '@homeward/statistics/run-report';
import { parseSpec } from '@homeward/statistics/report-spec';
import {
  EVENT_STORE_COPY_SQL,
  EmploymentTopicSource,
  EventStoreReplaySource,
  FundTopicSource,
  KafkaReplaySource,
  SkillsTopicSource,
  STATISTICAL_EVENT_TYPES,
  type RegistrationFact,
  type ReplayProgress,
  type ReplaySource,
  type SourceCounts,
} from '@homeward/statistics/replay';
import { infrastructure } from '@homeward/testing/infrastructure';

const [phase, topic, databaseUrl, copiesArg] = process.argv.slice(2) as [string, string, string, string | undefined];
/** How many times the history is read (`copies` > 1: see CopiedHistory); every phase reads it as often. */
const copies = Number(copiesArg ?? '1');
const kafka = createKafka({ brokers: infrastructure.kafkaBrokers, clientId: `bench-statistics-${phase}` });

/** Reads and decodes every message up to the end offsets seen at start, with the same fetch sizes as the replay's reader. */
async function bareKafkaOnce(): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
  await admin.disconnect();
  const remaining = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
  const groupId = `bench-bare-${process.pid}-${Date.now()}`;
  const consumer = kafka.consumer({
    groupId,
    // The same fetch sizes as the replay's reader.
    maxBytes: REPLAY_FETCH.maxBytes,
    maxBytesPerPartition: REPLAY_FETCH.maxBytesPerPartition,
    minBytes: 1,
    maxWaitTimeInMs: 250,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let decoded = 0;
  await new Promise<void>((resolve, reject) => {
    if (remaining.size === 0) resolve();
    consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const end = ends.get(batch.partition)!;
          for (const message of batch.messages) {
            if (BigInt(message.offset) >= end) break;
            if (message.value) {
              fromBinary(RegistrationEventSchema, message.value);
              decoded++;
            }
          }
          const last = batch.messages[batch.messages.length - 1];
          if (last && BigInt(last.offset) + 1n >= end) {
            remaining.delete(batch.partition);
            if (remaining.size === 0) resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  await kafka
    .admin()
    .deleteGroups([groupId])
    .catch(() => undefined);
  return decoded;
}

/** The rows the event-store source reads, as they are stored: no field extracted, nothing parsed. */
const ROWS_AS_STORED = `COPY (
  SELECT stream_version, event_type, recorded_at, data FROM events
   WHERE event_type IN (${STATISTICAL_EVENT_TYPES.map((t) => `'${t}'`).join(', ')})
   ORDER BY global_position
) TO STDOUT`;

/** The same rows as the event-store source (see services/statistics/src/sources/event-store.source.ts), only counted. */
async function bareCopyOnce(sql: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let rows = 0;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const stream = client.query(copyTo(sql));
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++;
    }
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
  return rows;
}

/** Reads the inner source `copies` times, copy k's registry ids starting with another hex digit: k more people each time. */
class CopiedHistory implements ReplaySource {
  readonly name: ReplaySource['name'];
  constructor(
    private readonly inner: ReplaySource,
    private readonly copies: number,
  ) {
    this.name = inner.name;
  }

  async read(sink: (fact: RegistrationFact) => void, progress: ReplayProgress): Promise<SourceCounts> {
    let eventsRead = 0;
    let undecodable = 0;
    for (let copy = 0; copy < this.copies; copy++) {
      const renamed = (id: string) => (copy === 0 ? id : ((parseInt(id[0]!, 16) + copy) % 16).toString(16) + id.slice(1));
      const counts = await this.inner.read(
        (fact) =>
          sink(
            fact.type === 'RecordMerged'
              ? { ...fact, workerId: renamed(fact.workerId), data: { into: renamed(fact.data.into) } }
              : { ...fact, workerId: renamed(fact.workerId) },
          ),
        (read, total) => progress(eventsRead + read, total * this.copies),
      );
      eventsRead += counts.eventsRead;
      undecodable += counts.undecodable;
    }
    return { eventsRead, undecodable };
  }
}

async function bareKafka(): Promise<number> {
  let n = 0;
  for (let copy = 0; copy < copies; copy++) n += await bareKafkaOnce();
  return n;
}

async function bareCopy(sql: string): Promise<number> {
  let n = 0;
  for (let copy = 0; copy < copies; copy++) n += await bareCopyOnce(sql);
  return n;
}

async function replayAll(source: 'kafka' | 'event-store'): Promise<{ events: number; bytes: number }> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const spec = parseSpec({ asOf: '2025-12-31', period: '2025', report: 'all', format: 'sdmx-csv', source, frequency: 'month' });
    const run = await runReport(spec, {
      sourceFor: (name) =>
        new CopiedHistory(name === 'kafka' ? new KafkaReplaySource(kafka, [topic]) : new EventStoreReplaySource(pool), copies),
      // The registration history at scale is what this bench replays; the other services' topics of its
      // namespace were never written, and a topic that does not exist replays as empty.
      skillsSource: () => new SkillsTopicSource(kafka, `${topic}.skills-none`),
      employmentSource: () => new EmploymentTopicSource(kafka, `${topic}.employment-none`),
      fundSource: () => new FundTopicSource(kafka, `${topic}.fund-none`),
      renderOptions: { refArea: 'PH', agency: 'PSA' },
    });
    return { events: run.eventsRead, bytes: Buffer.byteLength(run.body) };
  } finally {
    await pool.end();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  let events: number;
  let extra: Record<string, unknown> = {};
  switch (phase) {
    case 'bare-kafka':
      events = await bareKafka();
      break;
    case 'bare-copy':
      events = await bareCopy(ROWS_AS_STORED);
      break;
    case 'bare-copy-fields':
      events = await bareCopy(EVENT_STORE_COPY_SQL);
      break;
    case 'replay-kafka':
    case 'replay-event-store': {
      const r = await replayAll(phase === 'replay-kafka' ? 'kafka' : 'event-store');
      events = r.events;
      extra = { reportBytes: r.bytes };
      break;
    }
    default:
      throw new Error(`unknown phase ${phase}`);
  }
  const seconds = (performance.now() - started) / 1000;
  // maxRSS is in kilobytes: the peak resident set of this process.
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(
    JSON.stringify({
      phase,
      events,
      seconds: Math.round(seconds * 10) / 10,
      eventsPerSecond: Math.round(events / seconds),
      peakRssMiB,
      ...(copies > 1 ? { copies } : {}),
      ...extra,
    }),
  );
  process.exit(0);
}

void main();
