import { randomUUID } from 'node:crypto';
import { eventsTopic } from '@homeward/contracts';
import { SeekerBasis } from '@homeward/contracts/employment/v1';
import { createKafka, groupMembers, reliableProducer, type GroupMember, type Kafka } from '@homeward/messaging';
import { partitionRanges } from '@homeward/messaging/topic-reader';
import { seekerStream, type EmploymentStream } from '@homeward/testing/employment-events';
import {
  createTestDatabase,
  infrastructure,
  testDirectoryKey,
  testIssuer,
  testTopicNamespace,
  type TestDatabase,
} from '@homeward/testing/infrastructure';
import { freePort } from '../src/ports';
import { ServiceProcess } from '../src/service-process';

// Issue 14 §2: a read model scales out as a Kafka consumer group. Two replicas of agency-view, each a process
// of its own on one database, share the partitions of its build's group; one is SIGKILLed under a steady flow
// of events (no clean leave, no last commit), the other takes its partitions over once the dead member's
// session ends, and the read model ends with every event once. On the machine's broker (9092), with topics
// and a database of this run's own.

const PARTITIONS = 6;
const WORKERS = 48;

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** One event sent and acknowledged (acks=all): what the read model must hold once. */
interface Sent {
  readonly eventId: string;
  readonly streamId: string;
  readonly version: number;
  readonly on: string;
}

describe('agency-view as a consumer group of two replicas', () => {
  const ns = testTopicNamespace();
  const topic = eventsTopic('employment', ns);
  let db: TestDatabase;
  let kafka: Kafka;
  const replicas: ServiceProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('agency_failover');
    kafka = createKafka({ brokers: infrastructure.kafkaBrokers, clientId: 'failover-test' });
  });

  afterAll(async () => {
    await Promise.allSettled(replicas.map((r) => r.stop()));
    await db?.drop();
  }, 60_000);

  async function replica(name: string, env: Record<string, string>): Promise<ServiceProcess> {
    const process = new ServiceProcess(name, 'agency-view', await freePort(), env);
    replicas.push(process);
    return process;
  }

  /** The consumer group of the serving build, as the database names it. */
  async function servingGroup(): Promise<string> {
    const { rows } = await db.pool.query<{ consumer_group: string }>(
      "SELECT consumer_group FROM projection_builds WHERE state = 'serving'",
    );
    if (rows.length !== 1) throw new Error(`expected one serving build, found ${rows.length}`);
    return rows[0]!.consumer_group;
  }

  /** The group's members with partitions of the employment topic, once the group is stable. */
  async function employmentAssignment(group: string): Promise<GroupMember[] | undefined> {
    const { state, members } = await groupMembers(kafka, group);
    return state === 'Stable' ? members.filter((m) => (m.partitions[topic]?.length ?? 0) > 0) : undefined;
  }

  it('shares the partitions, survives a replica SIGKILLed under load, and ends with every event once', async () => {
    const issuer = await testIssuer();
    const env = {
      KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','),
      TOPIC_NAMESPACE: ns,
      TOPIC_PARTITIONS: String(PARTITIONS),
      DATABASE_URL: db.url,
      DIRECTORY_KEY: testDirectoryKey(),
      AUTH_JWKS_URL: issuer.jwksUrl,
      AUTH_ISSUER: issuer.issuer,
      AUTH_AUDIENCE: issuer.audience,
      PROJECTION_POLL_MS: '200',
      LOG_LEVEL: 'warn',
    };
    // One after the other: the first creates the topics and the build, the second joins that build's group.
    const first = await replica('agency-view-1', env);
    await first.waitReady();
    const second = await replica('agency-view-2', env);
    await second.waitReady();
    const group = await servingGroup();

    // A steady flow: job seekers registering, then setting their preferences again and again (each a new
    // stream version), one event every 20 ms, each sent with acks=all by the idempotent producer.
    const streams = new Map<string, EmploymentStream>();
    const versions = new Map<string, number>();
    const sent: Sent[] = [];
    const producer = kafka.producer(reliableProducer);
    await producer.connect();
    let loading = true;
    const load = (async () => {
      for (let n = 0; loading; n++) {
        const workerId = `00000000-0000-4000-8000-${String(n % WORKERS).padStart(12, '0')}`;
        const streamId = `seeker-${workerId}`;
        if (!streams.has(streamId)) streams.set(streamId, seekerStream(workerId));
        const version = (versions.get(streamId) ?? 0) + 1;
        const on = new Date(Date.UTC(2026, 0, 1) + version * 86_400_000).toISOString().slice(0, 10);
        const eventId = randomUUID();
        const message = streams.get(streamId)!.event(
          on,
          version === 1
            ? { case: 'jobSeekerRegistered', value: { workerId, registeredOn: on, basis: SeekerBasis.REQUEST } }
            : {
                case: 'jobSeekerPreferencesSet',
                value: {
                  workerId,
                  setOn: on,
                  occupations: ['7212'],
                  areas: ['PH-03'],
                  willingToRelocate: version % 2 === 0,
                  availableFrom: on,
                },
              },
          { eventId },
        );
        await producer.send({
          topic,
          acks: -1,
          messages: [{ key: message.key, value: Buffer.from(message.value), headers: { ce_id: eventId } }],
        });
        versions.set(streamId, version);
        sent.push({ eventId, streamId, version, on });
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    const figures: Record<string, number> = {};
    try {
      // Both replicas hold partitions of the topic: the group's two members share its six.
      await until('two members sharing the topic', async () => (await employmentAssignment(group))?.length === 2);
      const shared = (await employmentAssignment(group))!;
      expect(shared.map((m) => m.partitions[topic]!.length).reduce((a, b) => a + b, 0)).toBe(PARTITIONS);
      await until('events applied by both', async () => sent.length >= 150 && (await applied()).events > 100);

      // The first replica dies without leaving: its partitions stay assigned to it until its session (10 s) ends.
      const atKill = sent.length;
      await first.kill('SIGKILL');
      const killedAt = Date.now();
      await until(
        'the surviving replica holding every partition',
        async () => {
          const members = await employmentAssignment(group);
          return members?.length === 1 && members[0]!.partitions[topic]!.length === PARTITIONS;
        },
        60_000,
      );
      figures['takeover after the kill (ms)'] = Date.now() - killedAt;
      figures['sent while taking over'] = sent.length - atKill;
      const atTakeover = sent.length;
      await until('events sent after the takeover', () => sent.length >= atTakeover + 100);
    } finally {
      loading = false;
      await load;
      await producer.disconnect();
    }

    // The survivor catches up with everything on the topic.
    const onTopic = (await partitionRanges(kafka, [topic])).reduce((sum, r) => sum + r.end - r.start, 0);
    await until('the read model caught up', async () => (await applied()).processed >= onTopic, 60_000);
    expect(second.exited).toBeUndefined();

    const result = await applied();
    // Each message processed once (the counters commit with the rows and the checkpoint), each event applied once.
    expect(result.processed).toBe(onTopic);
    expect(onTopic).toBe(sent.length);
    expect(result.events).toBe(sent.length);
    const { rows: timeline } = await db.pool.query<{ event_id: string; stream_id: string; stream_version: string }>(
      `SELECT event_id, stream_id, stream_version FROM ${result.schema}.timeline WHERE source = 'employment'`,
    );
    expect(timeline.map((r) => r.event_id).sort()).toEqual(sent.map((s) => s.eventId).sort());
    expect(timeline.map((r) => `${r.stream_id}@${r.stream_version}`).sort()).toEqual(sent.map((s) => `${s.streamId}@${s.version}`).sort());
    // Every job seeker once, with the preferences of its last event (applied in order, none skipped at the end).
    const { rows: seekers } = await db.pool.query<{ worker_id: string; on: string; version: string }>(
      `SELECT s.worker_id, to_char(coalesce(s.preferences_set_on, s.registered_on), 'YYYY-MM-DD') AS on, p.version
         FROM ${result.schema}.employment_seekers s JOIN ${result.schema}.projection_streams p ON p.stream_id = 'seeker-' || s.worker_id`,
    );
    const last = new Map(sent.map((s) => [s.streamId, s]));
    expect(seekers.map((s) => `seeker-${s.worker_id} ${s.on} v${s.version}`).sort()).toEqual(
      [...last.values()].map((s) => `${s.streamId} ${s.on} v${s.version}`).sort(),
    );
    process.stdout.write(
      `agency-view failover: ${sent.length} events over ${last.size} streams, applied once each; ${JSON.stringify(figures)}\n`,
    );
  }, 180_000);

  /** The serving build's counters for the employment topic: messages processed and events applied, and its schema. */
  async function applied(): Promise<{ schema: string; processed: number; events: number }> {
    const { rows } = await db.pool.query<{ schema_name: string }>('SELECT schema_name FROM projection_serving');
    const schema = `"${rows[0]!.schema_name}"`;
    const { rows: progress } = await db.pool.query<{ processed: number; applied: number }>(
      `SELECT coalesce(sum(processed), 0)::int AS processed, coalesce(sum(applied), 0)::int AS applied FROM ${schema}.projection_progress WHERE topic = $1`,
      [topic],
    );
    return { schema, processed: progress[0]!.processed, events: progress[0]!.applied };
  }
});
