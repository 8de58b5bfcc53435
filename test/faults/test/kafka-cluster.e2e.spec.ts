import { uuidv7 } from '@homeward/contracts';
import { EventStore, PUBLISHER_READER, eventStoreMigrations, type StoredEvent } from '@homeward/event-store';
import { createKafka, ensureTopics, type Kafka } from '@homeward/messaging';
import { ConsumerRunner, PoisonMessageError, consumerMigrations } from '@homeward/messaging/consumer';
import { EventRelay, type RelayedMessage } from '@homeward/messaging/event-relay';
import { relayMigrations } from '@homeward/messaging/relay-quarantine';
import { partitionRanges, readTopicsToEnd } from '@homeward/messaging/topic-reader';
import { migrate } from '@homeward/pg-kit/migrations';
import { createTestDatabase, testTopicNamespace, topicSetting, type TestDatabase } from '@homeward/testing/infrastructure';
import { PrivateKafkaCluster } from '../src/private-kafka-cluster';

// Issue 14 §2: a three-broker KRaft cluster (infra/bin/kafka-cluster.sh) of this test's own, on ports
// 19000–19999 and a temporary directory; the machine's broker on 9092 serves every other test and is never
// touched. Events appended to an event store travel through the project's relay (idempotent producer,
// acks=all) to a consumer runner whose effect must happen once per event id, while one broker is SIGKILLed
// under that load and started again.

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a three-broker Kafka cluster', () => {
  let cluster: PrivateKafkaCluster | undefined;
  let kafka: Kafka;
  let producerDb: TestDatabase;
  let consumerDb: TestDatabase;
  const ns = testTopicNamespace();
  const topic = `${ns}cluster.events.v1`;
  const dlq = `${ns}cluster.dlq.v1`;

  beforeAll(async () => {
    [cluster, producerDb, consumerDb] = await Promise.all([
      PrivateKafkaCluster.start(),
      createTestDatabase('cluster_producer'),
      createTestDatabase('cluster_consumer'),
    ]);
    kafka = createKafka({ brokers: cluster.brokers, clientId: 'cluster-test' });
    await migrate(producerDb.pool, 'event-store', eventStoreMigrations);
    await migrate(producerDb.pool, 'event-relay', relayMigrations);
    await migrate(consumerDb.pool, 'messaging', consumerMigrations);
    // No key: an effect applied twice shows as two rows.
    await consumerDb.pool.query('CREATE TABLE effects (event_id uuid NOT NULL, stream_id text NOT NULL)');
  }, 240_000);

  /** The relay and consumer of a test, stopped before the cluster whatever the test's outcome. */
  const running: { stop(): Promise<void> }[] = [];

  afterAll(async () => {
    await Promise.allSettled(running.splice(0).map((r) => r.stop()));
    await Promise.allSettled([cluster?.stop(), producerDb?.drop(), consumerDb?.drop()]);
  }, 90_000);

  it('creates the project’s topics with 3 replicas and min.insync.replicas=2', async () => {
    await ensureTopics(kafka, [
      { topic, partitions: 3 },
      { topic: dlq, partitions: 1 },
    ]);
    // Each broker learns of a new topic from the controller in its own time ("does not host this
    // topic-partition" until then): asked again until the answer comes.
    const replicas = await eventually(() => replicasOf(kafka, topic));
    expect(replicas.map((p) => p.replicas)).toEqual([3, 3, 3]);
    expect(replicas.map((p) => p.inSync)).toEqual([3, 3, 3]);
    expect(await eventually(() => topicSetting(topic, 'min.insync.replicas', kafka))).toBe('2');
  });

  it('loses nothing acknowledged and applies every event once while a broker is SIGKILLed under load and restarted', async () => {
    const store = new EventStore(producerDb.pool);
    const acknowledgedByKafka = new Set<string>();
    const acknowledgedAt: number[] = [];
    const relay = new EventRelay(producerDb.pool, kafka, {
      toMessage: (event: StoredEvent): RelayedMessage => ({
        topic,
        key: event.streamId,
        headers: { ce_id: event.eventId, ce_type: event.type },
        value: Buffer.from(JSON.stringify(event.data)),
      }),
      pollIntervalMs: 50,
      afterSendBeforeCheckpoint: async (ids) => {
        ids.forEach((id) => acknowledgedByKafka.add(id));
        acknowledgedAt.push(Date.now());
      },
    });
    const consumer = new ConsumerRunner<{ n: number }>(kafka, consumerDb.pool, {
      consumer: `${ns}cluster-effects`,
      topics: [topic],
      deadLetterTopic: dlq,
      decode: (m) => {
        const parsed = JSON.parse(m.value?.toString() ?? 'null') as { n?: unknown } | null;
        if (typeof parsed?.n !== 'number') throw new PoisonMessageError('not a numbered event');
        return { n: parsed.n };
      },
      handle: async (_decoded, tx, message) => {
        await tx.query('INSERT INTO effects (event_id, stream_id) VALUES ($1, $2)', [message.eventId, message.key]);
      },
      retryDelayMs: 50,
      fromBeginning: true,
    });
    running.push(consumer, relay);
    await relay.start();
    await consumer.start();

    // A steady load: one committed event (a new stream) every 15 ms, each acknowledged by PostgreSQL.
    const appended: string[] = [];
    let loading = true;
    const load = (async () => {
      for (let n = 0; loading; n++) {
        const eventId = uuidv7();
        await store.append(`cluster-${n}`, 0, [{ eventId, type: 'Counted', data: { n }, metadata: {}, occurredAt: new Date() }]);
        appended.push(eventId);
        relay.wake();
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    const phases: Record<string, number> = {};
    try {
      await until('events published before the kill', () => acknowledgedByKafka.size >= 100);
      // The broker that leads partition 0: its partitions must move to another leader, acknowledged writes kept.
      const victim = (await replicasOf(kafka, topic))[0]!.leader;
      const atKill = acknowledgedByKafka.size;
      phases['appended at the kill'] = appended.length;
      await cluster!.kill(victim);
      const killedAt = Date.now();
      await until('events published on two brokers', () => acknowledgedByKafka.size >= atKill + 100);
      phases['first acknowledgement after the kill (ms)'] = acknowledgedAt.find((t) => t >= killedAt)! - killedAt;
      const restartedAt = Date.now();
      await cluster!.restart(victim);
      phases['acknowledged while the broker was down'] = acknowledgedByKafka.size - atKill;
      phases['broker down (ms)'] = Date.now() - killedAt;
      phases['broker restart (ms)'] = Date.now() - restartedAt;
      const atReturn = acknowledgedByKafka.size;
      phases['appended at the restart'] = appended.length;
      await until('events published after the restart', () => acknowledgedByKafka.size >= atReturn + 50);
      // The restarted broker is back in every partition's in-sync replicas.
      await until('all replicas in sync again', async () => (await replicasOf(kafka, topic)).every((p) => p.inSync === 3), 60_000);
    } finally {
      loading = false;
      await load;
    }

    await until('everything appended published', async () => (await store.backlogOf(PUBLISHER_READER)).events === 0);
    // Until every effect is applied; if that never comes, the checks below say what is missing and where.
    await until('every effect applied', async () => (await effects(consumerDb)).total >= appended.length, 30_000).catch(() => undefined);
    await Promise.all(running.splice(0).map((r) => r.stop()));

    // Every event PostgreSQL acknowledged (and so every one Kafka acknowledged to the relay) is on the topic.
    const onTopic = new Map<string, number>();
    await readTopicsToEnd(kafka, {
      topics: [topic],
      onMessage: (m) => {
        const id = String(m.headers?.ce_id);
        onTopic.set(id, (onTopic.get(id) ?? 0) + 1);
      },
    });
    const at = (id: string) => `#${appended.indexOf(id)}${acknowledgedByKafka.has(id) ? ' acknowledged' : ''}`;
    expect(appended.filter((id) => !onTopic.has(id)).map(at)).toEqual([]);
    expect([...acknowledgedByKafka].filter((id) => !onTopic.has(id)).map(at)).toEqual([]);
    // Exactly once per event id in the effect; nothing the load did not append.
    const applied = await effects(consumerDb);
    expect(applied.duplicated).toEqual([]);
    expect(applied.total).toBe(appended.length);
    expect(applied.ids.sort()).toEqual([...appended].sort());
    // Nothing dead-lettered: every message was valid.
    expect((await partitionRanges(kafka, [dlq])).reduce((sum, r) => sum + r.end - r.start, 0)).toBe(0);

    const resent = [...onTopic.values()].filter((count) => count > 1).length;
    process.stdout.write(
      `three-broker cluster: ${appended.length} events appended, ${onTopic.size} on the topic (${resent} sent again by the relay), ` +
        `${applied.total} applied once each; ${JSON.stringify(phases)}\n`,
    );
  }, 150_000);
});

/** Each partition's leader, number of replicas and of in-sync replicas, in partition order. */
async function replicasOf(kafka: Kafka, topic: string): Promise<{ leader: number; replicas: number; inSync: number }[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return [...topics[0]!.partitions]
      .sort((a, b) => a.partitionId - b.partitionId)
      .map((p) => ({ leader: p.leader, replicas: p.replicas.length, inSync: p.isr.length }));
  } finally {
    await admin.disconnect();
  }
}

/** `probe`'s answer once it gives one, asking again (up to 30 s) while it throws. */
async function eventually<T>(probe: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function effects(db: TestDatabase): Promise<{ total: number; ids: string[]; duplicated: string[] }> {
  const { rows } = await db.pool.query<{ event_id: string; n: number }>(
    'SELECT event_id, count(*)::int AS n FROM effects GROUP BY event_id',
  );
  return {
    total: rows.reduce((sum, r) => sum + r.n, 0),
    ids: rows.map((r) => r.event_id),
    duplicated: rows.filter((r) => r.n > 1).map((r) => `${r.event_id} ×${r.n}`),
  };
}
