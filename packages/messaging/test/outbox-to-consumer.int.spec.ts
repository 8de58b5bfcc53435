import { migrate } from '@homeward/pg-kit/migrations';
import {
  createTestDatabase,
  eventually,
  readTopic,
  testKafka,
  testTopicNamespace,
  type TestDatabase,
} from '@homeward/testing/infrastructure';
import { uuidv7 } from '@homeward/contracts';
import { EventStore, eventStoreMigrations, type NewEvent, type OutboxMessage } from '@homeward/event-store';
import { ensureTopics } from '@homeward/messaging';
import { OutboxRelay } from '@homeward/messaging/outbox-relay';
import { ConsumerRunner, PoisonMessageError, consumerMigrations } from '@homeward/messaging/consumer';

// Real PostgreSQL, real Kafka: an event appended with its outbox row travels through the relay to a
// consumer whose effect must happen exactly once, whatever the relay or the topic throws at it.

interface Greeting {
  text: string;
}

function publishable(topic: string, key: string, text: string): { event: NewEvent; outbox: OutboxMessage } {
  const eventId = uuidv7();
  return {
    event: { eventId, type: 'Greeted', data: { text }, metadata: {}, occurredAt: new Date() },
    outbox: { eventId, topic, key, headers: { ce_id: eventId, ce_type: 'Greeted' }, value: Buffer.from(JSON.stringify({ text })) },
  };
}

function decodeGreeting(value: Buffer | null): Greeting {
  try {
    const parsed = JSON.parse(value?.toString() ?? '') as unknown;
    if (typeof parsed === 'object' && parsed !== null && 'text' in parsed && typeof parsed.text === 'string') return { text: parsed.text };
  } catch {
    // fall through
  }
  throw new PoisonMessageError('not a greeting');
}

describe('outbox relay and consumer runner', () => {
  const kafka = testKafka();
  let producerDb: TestDatabase;
  let consumerDb: TestDatabase;
  let store: EventStore;
  let topic: string;
  let dlq: string;
  const running: { stop(): Promise<void> }[] = [];

  beforeEach(async () => {
    producerDb = await createTestDatabase('relay_producer');
    consumerDb = await createTestDatabase('relay_consumer');
    await migrate(producerDb.pool, 'event-store', eventStoreMigrations);
    await migrate(consumerDb.pool, 'messaging', consumerMigrations);
    await consumerDb.pool.query('CREATE TABLE greetings (text text NOT NULL)');
    store = new EventStore(producerDb.pool);
    const ns = testTopicNamespace();
    topic = `${ns}greetings.events.v1`;
    dlq = `${ns}greeter.dlq.v1`;
    await ensureTopics(kafka, [
      { topic, partitions: 3 },
      { topic: dlq, partitions: 1 },
    ]);
  });

  afterEach(async () => {
    for (const r of running.splice(0)) await r.stop();
    await producerDb.drop();
    await consumerDb.drop();
  });

  function startConsumer(): ConsumerRunner<Greeting> {
    const runner = new ConsumerRunner<Greeting>(kafka, consumerDb.pool, {
      consumer: `greeter-${topic}`,
      topics: [topic],
      deadLetterTopic: dlq,
      decode: (m) => decodeGreeting(m.value),
      handle: async (g, tx) => {
        if (g.text === 'always fails') throw new Error('handler refuses');
        await tx.query('INSERT INTO greetings (text) VALUES ($1)', [g.text]);
      },
      retryDelayMs: 10,
    });
    running.push(runner);
    return runner;
  }

  async function greetings(): Promise<string[]> {
    const { rows } = await consumerDb.pool.query<{ text: string }>('SELECT text FROM greetings ORDER BY text');
    return rows.map((r) => r.text);
  }

  it('delivers appended events to the consumer, keyed and with CloudEvents headers', async () => {
    const relay = new OutboxRelay(producerDb.pool, kafka, { pollIntervalMs: 200 });
    running.push(relay);
    await relay.start();
    await startConsumer().start();
    for (const text of ['a', 'b', 'c']) {
      const { event, outbox } = publishable(topic, `worker-${text}`, text);
      await store.append(`s-${text}`, 0, [event], { outbox: [outbox] });
    }
    await eventually(greetings, (g) => g.length === 3);
    expect(await greetings()).toEqual(['a', 'b', 'c']);
    const { rows } = await producerDb.pool.query('SELECT count(*)::int AS unsent FROM outbox WHERE sent_at IS NULL');
    expect(rows[0].unsent).toBe(0);
  });

  it('gathers the commits of its linger into one batch when woken after each of them', async () => {
    const batches: number[] = [];
    const relay = new OutboxRelay(producerDb.pool, kafka, {
      pollIntervalMs: 5_000,
      lingerMs: 300,
      afterSendBeforeMark: async (ids) => void batches.push(ids.length),
    });
    running.push(relay);
    await relay.start();
    // 30 commits over ~150 ms, each followed by a wake, as commands do.
    for (let i = 0; i < 30; i++) {
      const { event, outbox } = publishable(topic, `k${i}`, `burst ${i}`);
      await store.append(`greeter-burst-${i}`, 0, [event], { outbox: [outbox] });
      relay.wake();
      await new Promise((r) => setTimeout(r, 5));
    }
    await eventually(
      async () => batches.reduce((a, b) => a + b, 0),
      (sent) => sent === 30,
    );
    // Without the linger each wake would send its own small batch (tens of batches); with it, a handful.
    expect(batches.length).toBeLessThanOrEqual(4);
  });

  it('loses nothing when the relay dies after sending but before marking, and the consumer absorbs the duplicate', async () => {
    // The first relay dies every time right after Kafka acknowledged the batch.
    const dying = new OutboxRelay(producerDb.pool, kafka, {
      pollIntervalMs: 60_000,
      afterSendBeforeMark: async () => {
        throw new Error('killed before marking');
      },
    });
    const { event, outbox } = publishable(topic, 'worker-1', 'only once');
    await store.append('s-dup', 0, [event], { outbox: [outbox] });
    await dying.start();
    const sentOnce = await readTopic(
      topic,
      (m) => m.headers.ce_id,
      (read) => read.length >= 1,
    );
    expect(sentOnce).toEqual([event.eventId]);
    await dying.stop();
    const { rows: unsent } = await producerDb.pool.query('SELECT event_id FROM outbox WHERE sent_at IS NULL');
    expect(unsent).toEqual([{ event_id: event.eventId }]);

    // A fresh relay finds the row unmarked and sends it again.
    const healthy = new OutboxRelay(producerDb.pool, kafka, { pollIntervalMs: 200 });
    running.push(healthy);
    await healthy.start();
    const copies = await readTopic(
      topic,
      (m) => m.headers.ce_id,
      (read) => read.length >= 2,
    );
    expect(copies).toEqual([event.eventId, event.eventId]);

    await startConsumer().start();
    await eventually(
      () => consumerDb.pool.query('SELECT count(*)::int AS n FROM consumer_checkpoints').then((r) => r.rows[0].n as number),
      (n) => n >= 1,
    );
    await eventually(
      async () => (await consumerDb.pool.query('SELECT next_offset FROM consumer_checkpoints')).rows.map((r) => Number(r.next_offset)),
      (offsets) => offsets.reduce((a, b) => a + b, 0) >= 2,
    );
    expect(await greetings()).toEqual(['only once']);
  });

  it('sends a malformed message to the dead-letter topic with the reason, and carries on', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const poisonId = uuidv7();
    const failingId = uuidv7();
    const goodId = uuidv7();
    // Same key, so all three land on one partition in this order.
    await producer.send({
      topic,
      messages: [
        { key: 'w', value: Buffer.from([0xde, 0xad, 0xbe, 0xef]), headers: { ce_id: poisonId } },
        { key: 'w', value: Buffer.from(JSON.stringify({ text: 'always fails' })), headers: { ce_id: failingId } },
        { key: 'w', value: Buffer.from(JSON.stringify({ text: 'after the poison' })), headers: { ce_id: goodId } },
      ],
    });
    await producer.disconnect();
    await startConsumer().start();

    const deadLetters = await readTopic(
      dlq,
      (m) => m.headers,
      (read) => read.length >= 2,
    );
    expect(deadLetters.map((h) => [h.ce_id, h.dlq_source_topic])).toEqual([
      [poisonId, topic],
      [failingId, topic],
    ]);
    expect(deadLetters[0]!.dlq_reason).toContain('not a greeting');
    expect(deadLetters[1]!.dlq_reason).toContain('handler refuses');
    expect(deadLetters[1]!.dlq_attempts).toBe('3');
    await eventually(greetings, (g) => g.length === 1);
    expect(await greetings()).toEqual(['after the poison']);
  });

  it('applies a fetched batch in few transactions, once per event id, and isolates the one message that fails', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const ids = Array.from({ length: 300 }, () => uuidv7());
    const messages = ids.map((id, i) => ({
      key: 'w',
      value: Buffer.from(JSON.stringify({ text: i === 150 ? 'always fails' : `greeting ${String(i).padStart(3, '0')}` })),
      headers: { ce_id: id },
    }));
    // A relay resend inside the same batch: message 10 again, right after 20.
    messages.splice(21, 0, { ...messages[10]! });
    await producer.send({ topic, messages });
    await producer.disconnect();
    await startConsumer().start();

    const deadLetters = await readTopic(
      dlq,
      (m) => m.headers.ce_id,
      (read) => read.length >= 1,
    );
    expect(deadLetters).toEqual([ids[150]]);
    await eventually(greetings, (g) => g.length >= 299);
    const applied = await greetings();
    expect(applied).toHaveLength(299);
    expect(new Set(applied).size).toBe(299);
    // Each transaction that recorded handled messages leaves its own xmin on them: batching means few.
    const { rows } = await consumerDb.pool.query<{ transactions: number }>(
      'SELECT count(DISTINCT xmin::text)::int AS transactions FROM handled_messages',
    );
    expect(rows[0]!.transactions).toBeLessThan(50);
    await eventually(
      async () => (await consumerDb.pool.query('SELECT sum(next_offset)::int AS n FROM consumer_checkpoints')).rows[0].n as number,
      (n) => n === 301,
    );
  });

  it('hands its connection back to the pool committing synchronously again', async () => {
    const pg = await import('pg');
    const single = new pg.default.Pool({ connectionString: producerDb.url, max: 1 });
    try {
      const relay = new OutboxRelay(single, kafka, { pollIntervalMs: 20 });
      await relay.start();
      const { event, outbox } = publishable(topic, 'worker-s', 'sync');
      await store.append('s-sync', 0, [event], { outbox: [outbox] });
      relay.wake();
      await eventually(
        async () => (await producerDb.pool.query('SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL')).rows[0].n as number,
        (n) => n === 0,
      );
      await relay.stop();
      // The relay marked rows without waiting for the WAL flush; the pool's next user must not inherit that.
      const { rows } = await single.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
      expect(rows[0]!.synchronous_commit).toBe('on');
    } finally {
      await single.end();
    }
  });
});
