import {
  AssignerProtocol,
  Kafka,
  Partitioners,
  logLevel,
  type Admin,
  type ConsumerConfig,
  type ITopicConfig,
  type LogEntry,
  type ProducerConfig,
} from 'kafkajs';
import { isTransientInfrastructureError } from '@homeward/pg-kit';

/**
 * The only module that knows which Kafka client Homeward uses. kafkajs has had no release since 2023;
 * keeping it behind these few functions means a move to another client touches this package alone.
 */
export type { Kafka } from 'kafkajs';

/** The slice of a pino logger that messaging needs. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
}

export function createKafka(settings: KafkaSettings, logger: Logger = silentLogger): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    logLevel: logLevel.WARN,
    // No wait between two attempts longer than 2 s (kafkajs's default grows to 30 s): a client whose broker
    // came back tries again within 2 s of it, so the relay publishes and the groups rejoin that soon.
    retry: { initialRetryTime: 200, maxRetryTime: 2_000 },
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...rest } = log;
        if (level <= logLevel.ERROR) logger.error({ kafka: rest }, message);
        else logger.warn({ kafka: rest }, message);
      },
  });
}

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  /**
   * A compacted topic keeps the latest message of each key instead of every message, and a tombstone (a
   * key without a value) removes the key altogether: for state that must be deletable, such as a directory
   * of people. Compaction of what is superseded is forced within a day (`max.compaction.lag.ms`); tombstones
   * stay readable for a week so that a consumer that was down sees them.
   */
  readonly compacted?: boolean;
}

const FOREVER = [
  { name: 'retention.ms', value: '-1' },
  { name: 'retention.bytes', value: '-1' },
];
const COMPACTED = [
  { name: 'cleanup.policy', value: 'compact' },
  { name: 'max.compaction.lag.ms', value: String(24 * 3_600_000) },
  { name: 'segment.ms', value: String(3_600_000) },
  { name: 'min.cleanable.dirty.ratio', value: '0.01' },
  { name: 'delete.retention.ms', value: String(7 * 24 * 3_600_000) },
];

/**
 * How many copies of each partition a new topic gets, by the brokers the cluster has: on three or more, three
 * replicas with `min.insync.replicas=2`, so that a producer with `acks=all` (every Homeward producer) is told
 * a message is written only once two brokers hold it, and goes on writing while any one broker is down; on
 * one broker (`npm start`, the tests), the broker's default (one replica). The count is of the brokers that
 * answer metadata now: while one of three is down, a topic gets the broker's default, which
 * infra/bin/kafka-cluster.sh sets to 3 with min.insync.replicas=2: its creation is refused until the third is back.
 */
export function replicationFor(brokers: number): { factor: number; configEntries: { name: string; value: string }[] } {
  if (brokers >= 3) return { factor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] };
  return { factor: -1, configEntries: [] };
}

/**
 * Creates the topics that do not exist yet, with retention forever (the log is the shared history that
 * statisticians replay), or compacted when the spec says so, replicated as `replicationFor` says for the
 * cluster's size. Topics are never auto-created (on KRaft, kafkajs's auto-creation is unreliable).
 */
export async function ensureTopics(kafka: Kafka, topics: readonly TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      const replication = replicationFor((await admin.describeCluster()).brokers.length);
      const created: ITopicConfig[] = missing.map((t) => ({
        topic: t.topic,
        numPartitions: t.partitions,
        replicationFactor: replication.factor,
        configEntries: [...(t.compacted ? COMPACTED : FOREVER), ...replication.configEntries],
      }));
      // Not kafkajs's waitForLeaders: on a cluster, the broker it asks may not have heard of the new topic
      // yet and answers "This server does not host this topic-partition", which that wait does not retry.
      await admin.createTopics({ topics: created, waitForLeaders: false });
    }
    // A topic another process is creating at this moment is listed before its partitions have leaders, and
    // a client using it then is told "This server does not host this topic-partition": wait for them here
    // (asking again while a broker does not know the topic yet).
    await untilLed(
      admin,
      topics.map((t) => t.topic),
    );
  } finally {
    await admin.disconnect();
  }
}

async function untilLed(admin: Admin, topics: readonly string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: [...topics] });
      if (metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) {
        // The metadata may name a leader before that broker serves the partition ("This server is not the
        // leader for that topic-partition" to the first produce): ask each leader for its offsets, which
        // only a serving leader answers.
        await Promise.all(topics.map((topic) => admin.fetchTopicOffsets(topic)));
        return;
      }
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics without partition leaders after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Deletes the topics that exist of these, waiting until the broker has removed them. For tooling, never services. */
export async function deleteTopics(kafka: Kafka, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const doomed = topics.filter((t) => existing.has(t));
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed, timeout: 30_000 });
  } finally {
    await admin.disconnect();
  }
}

/** The offsets of one partition: `low` is its first message, `high` the offset its next message will take. */
export interface PartitionOffsets {
  readonly topic: string;
  readonly partition: number;
  readonly low: bigint;
  readonly high: bigint;
}

/**
 * Reads where topics end (for consumer lag) and removes consumer groups that are no longer used, through
 * one admin connection opened on first use.
 */
export class TopicOffsets {
  private admin: Admin | undefined;
  private connecting: Promise<Admin> | undefined;

  constructor(private readonly kafka: Kafka) {}

  private connected(): Promise<Admin> {
    if (this.admin) return Promise.resolve(this.admin);
    this.connecting ??= (async () => {
      const admin = this.kafka.admin();
      try {
        await admin.connect();
      } catch (error) {
        this.connecting = undefined;
        throw error;
      }
      this.admin = admin;
      return admin;
    })();
    return this.connecting;
  }

  /** Every partition of the topics with its first and next offset. */
  async fetch(topics: readonly string[]): Promise<PartitionOffsets[]> {
    const admin = await this.connected();
    const out: PartitionOffsets[] = [];
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        out.push({ topic, partition: p.partition, low: BigInt(p.low), high: BigInt(p.high) });
      }
    }
    return out;
  }

  /** Deletes consumer groups (their committed offsets); a group that still has members is left alone. */
  async deleteConsumerGroups(groups: readonly string[]): Promise<void> {
    if (groups.length === 0) return;
    const admin = await this.connected();
    await admin.deleteGroups([...groups]);
  }

  /** Readiness probe through the same connection. */
  async ping(): Promise<void> {
    await pingKafka(await this.connected());
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    this.connecting = undefined;
    await admin?.disconnect().catch(() => undefined);
  }
}

/** A member of a consumer group and the partitions assigned to it, by topic. */
export interface GroupMember {
  readonly memberId: string;
  readonly clientId: string;
  readonly partitions: Readonly<Record<string, readonly number[]>>;
}

/**
 * The members of a consumer group as its coordinator sees them now, with their assigned partitions (none
 * while the group rebalances). A member that died without leaving stays listed until its session expires.
 */
export async function groupMembers(kafka: Kafka, groupId: string): Promise<{ state: string; members: GroupMember[] }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    if (!group) return { state: 'Unknown', members: [] };
    return {
      state: group.state,
      members: group.members.map((m) => {
        const assignment = m.memberAssignment.length > 0 ? AssignerProtocol.MemberAssignment.decode(m.memberAssignment) : null;
        return { memberId: m.memberId, clientId: m.clientId, partitions: assignment?.assignment ?? {} };
      }),
    };
  } finally {
    await admin.disconnect();
  }
}

/** Readiness probe: the cluster answers a metadata request. */
export async function pingKafka(admin: Admin): Promise<void> {
  await admin.describeCluster();
}

/** Kafka headers arrive as Buffers (or arrays of them); consumers want plain strings. */
export function headersToStrings(
  headers: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return out;
}

/**
 * Producer settings for everything Homeward publishes: idempotent (no duplicates from producer retries),
 * one request in flight (kafkajs's condition for idempotence, and per-partition order), Kafka's default
 * (murmur2) partitioner so that the same worker id lands on the same partition as with any other client.
 */
export const reliableProducer: ProducerConfig = {
  idempotent: true,
  maxInFlightRequests: 1,
  allowAutoTopicCreation: false,
  createPartitioner: Partitioners.DefaultPartitioner,
};

/**
 * How every consumer group member keeps its place, against kafkajs's defaults (30 s session, 3 s
 * heartbeat, 60 s rebalance). A member that died without leaving (SIGKILL, a lost machine) holds its
 * partitions until its session expires, and its successor's join waits that long: 30 s had a restarted
 * read model or relay process report not ready for 25–30 s. 10 s bounds that wait; heartbeats every
 * second keep a live member well inside it (kafkajs sends them between chunks, and the consumer runner
 * while it waits for the database). A member that stops cleanly leaves the group, which rebalances at
 * once. The broker should also start a new group's first rebalance at once
 * (`group.initial.rebalance.delay.ms=0`, as infra/bin/kafka.sh and docker-compose.yml set).
 */
export const groupMembership: Pick<ConsumerConfig, 'sessionTimeout' | 'heartbeatInterval' | 'rebalanceTimeout'> = {
  sessionTimeout: 10_000,
  heartbeatInterval: 1_000,
  rebalanceTimeout: 20_000,
};

/** kafkajs's errors of a broker that cannot be reached or is not ready yet, whatever their retriable flag. */
const KAFKA_UNAVAILABLE = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSLockTimeout',
  // complete-send.ts: a partition's leader did not acknowledge its messages (a leader moving).
  'IncompleteSendError',
]);

/**
 * The one classification of failures for everything that consumes or publishes: true when the error says
 * that PostgreSQL or Kafka is away for the moment (`isTransientInfrastructureError` for the database;
 * for the broker, a connection that failed or a protocol error the broker itself calls retriable, such as
 * a leader or coordinator not available yet), false when it may say something about the message. A
 * transient failure is waited out and tried again without limit; it never splits a chunk or sends a
 * valid message to a dead-letter topic. Looks through kafkajs's wrappers (retries exceeded, aggregates)
 * to what they wrap.
 */
export function isTransientError(error: unknown): boolean {
  if (isTransientInfrastructureError(error)) return true;
  const seen = new Set<unknown>();
  const visit = (e: unknown): boolean => {
    if (typeof e !== 'object' || e === null || seen.has(e)) return false;
    seen.add(e);
    const { name, retriable, cause, errors } = e as { name?: unknown; retriable?: unknown; cause?: unknown; errors?: unknown };
    if (typeof name === 'string' && (KAFKA_UNAVAILABLE.has(name) || (name === 'KafkaJSProtocolError' && retriable === true))) return true;
    if (isTransientInfrastructureError(e)) return true;
    return visit(cause) || (Array.isArray(errors) && errors.some(visit));
  };
  return visit(error);
}
