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
import {
  EventStore,
  PUBLISHER_READER,
  beginningOfTime,
  eventStoreMigrations,
  type NewEvent,
  type StoredEvent,
} from '@homeward/event-store';
import { ensureTopics } from '@homeward/messaging';
import { EventRelay, type EventRelayOptions, type RelayedMessage } from '@homeward/messaging/event-relay';
import { ConsumerRunner, PoisonMessageError, consumerMigrations } from '@homeward/messaging/consumer';
import { relayMigrations } from '@homeward/messaging/relay-quarantine';
import { readTopicsToEnd } from '@homeward/messaging/topic-reader';

// Real PostgreSQL, real Kafka: an appended event travels through the relay to a consumer whose effect
// must happen exactly once, whatever the relay or the topic throws at it.

interface Greeting {
  text: string;
}

function greeted(text: string): NewEvent {
  return { eventId: uuidv7(), type: 'Greeted', data: { text }, metadata: {}, occurredAt: new Date() };
}

/** The test's integration contract: the greeting as JSON, keyed by its stream. */
const asMessage =
  (topic: string) =>
  (event: StoredEvent): RelayedMessage => ({
    topic,
    key: event.streamId,
    headers: { ce_id: event.eventId, ce_type: event.type },
    value: Buffer.from(JSON.stringify(event.data)),
  });

function decodeGreeting(value: Buffer | null): Greeting {
  try {
    const parsed = JSON.parse(value?.toString() ?? '') as unknown;
    if (typeof parsed === 'object' && parsed !== null && 'text' in parsed && typeof parsed.text === 'string') return { text: parsed.text };
  } catch {
    // fall through
  }
  throw new PoisonMessageError('not a greeting');
}

describe('event relay and consumer runner', () => {
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
    await migrate(producerDb.pool, 'event-relay', relayMigrations);
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

  function relay(options: Partial<EventRelayOptions> = {}, pool = producerDb.pool): EventRelay {
    return new EventRelay(pool, kafka, { toMessage: asMessage(topic), ...options });
  }

  const backlog = () => store.backlogOf(PUBLISHER_READER).then((b) => b.events);

  /**
   * Waits until `n` events are readable in the global order: a transaction open anywhere on the server
   * (other test files run beside this one) holds them back, and a relay that finds nothing pauses for its
   * whole poll interval, which some tests here set to minutes.
   */
  const readable = (n: number) =>
    eventually(
      () => store.readAll(beginningOfTime),
      (r) => r.events.length >= n,
    );

  async function greetings(): Promise<string[]> {
    const { rows } = await consumerDb.pool.query<{ text: string }>('SELECT text FROM greetings ORDER BY text');
    return rows.map((r) => r.text);
  }

  it('delivers appended events to the consumer, keyed and with CloudEvents headers', async () => {
    const publishing = relay({ pollIntervalMs: 200 });
    running.push(publishing);
    await publishing.start();
    await startConsumer().start();
    for (const text of ['a', 'b', 'c']) await store.append(`worker-${text}`, 0, [greeted(text)]);
    await eventually(greetings, (g) => g.length === 3);
    expect(await greetings()).toEqual(['a', 'b', 'c']);
    const sent = await readTopic(
      topic,
      (m) => [m.key, m.headers.ce_type],
      (read) => read.length >= 3,
    );
    expect(sent.sort()).toEqual([
      ['worker-a', 'Greeted'],
      ['worker-b', 'Greeted'],
      ['worker-c', 'Greeted'],
    ]);
    await eventually(backlog, (n) => n === 0);
  });

  it("publishes one stream's events in their order, and events whose transaction commits late, exactly once", async () => {
    const publishing = relay({ pollIntervalMs: 20, batchSize: 3 });
    running.push(publishing);
    await publishing.start();
    // A transaction takes a position and stays open while later ones commit and are published.
    const slow = await producerDb.pool.connect();
    await slow.query('BEGIN');
    await store.append('late', 0, [greeted('late')], { client: slow });
    for (let v = 0; v < 7; v++) await store.append('ordered', v, [greeted(`ordered ${v + 1}`)]);
    await new Promise((r) => setTimeout(r, 300));
    await slow.query('COMMIT');
    slow.release();
    const sent = await readTopic(
      topic,
      (m) => (JSON.parse(m.value!.toString()) as Greeting).text,
      (read) => read.length >= 8,
    );
    expect(sent.filter((t) => t.startsWith('ordered'))).toEqual(Array.from({ length: 7 }, (_, v) => `ordered ${v + 1}`));
    expect(sent.filter((t) => t === 'late')).toEqual(['late']);
    expect(sent).toHaveLength(8);
  });

  it('gathers the commits of its linger into one batch when woken after each of them', async () => {
    const batches: number[] = [];
    const publishing = relay({
      pollIntervalMs: 5_000,
      lingerMs: 300,
      afterSendBeforeCheckpoint: async (ids) => void batches.push(ids.length),
    });
    running.push(publishing);
    await publishing.start();
    // 30 commits over ~150 ms, each followed by a wake, as commands do.
    for (let i = 0; i < 30; i++) {
      await store.append(`greeter-burst-${i}`, 0, [greeted(`burst ${i}`)]);
      publishing.wake();
      await new Promise((r) => setTimeout(r, 5));
    }
    await eventually(
      async () => batches.reduce((a, b) => a + b, 0),
      (sent) => sent === 30,
    );
    // Without the linger each wake would send its own small batch (tens of batches); with it, a handful.
    expect(batches.length).toBeLessThanOrEqual(4);
  });

  /** Every event id on the topic, in the order read (partition by partition), each time it is there. */
  async function idsOnTopic(): Promise<string[]> {
    const ids: string[] = [];
    await readTopicsToEnd(kafka, { topics: [topic], onMessage: (m) => void ids.push(String(m.headers?.ce_id)) });
    return ids;
  }

  // Before issue 14 the next relay sent the event again, and only the consumer's deduplication kept its effect once.
  it('sends each event once when the relay dies after sending but before its checkpoint, and loses nothing', async () => {
    // The first relay dies every time right after Kafka acknowledged the batch.
    const dying = relay({
      pollIntervalMs: 60_000,
      afterSendBeforeCheckpoint: async () => {
        throw new Error('killed before the checkpoint');
      },
    });
    const event = greeted('only once');
    await store.append('s-dup', 0, [event]);
    await readable(1);
    await dying.start();
    const sentOnce = await readTopic(
      topic,
      (m) => m.headers.ce_id,
      (read) => read.length >= 1,
    );
    expect(sentOnce).toEqual([event.eventId]);
    await dying.stop();
    expect(await backlog()).toBe(1);

    // A fresh relay finds the checkpoint before the event, and the event already on the topic: it moves on.
    const healthy = relay({ pollIntervalMs: 200 });
    running.push(healthy);
    await healthy.start();
    await eventually(backlog, (n) => n === 0);
    expect(await idsOnTopic()).toEqual([event.eventId]);

    await startConsumer().start();
    await eventually(
      () => consumerDb.pool.query('SELECT count(*)::int AS n FROM consumer_checkpoints').then((r) => r.rows[0].n as number),
      (n) => n >= 1,
    );
    await eventually(
      async () => (await consumerDb.pool.query('SELECT next_offset FROM consumer_checkpoints')).rows.map((r) => Number(r.next_offset)),
      (offsets) => offsets.reduce((a, b) => a + b, 0) >= 1,
    );
    expect(await greetings()).toEqual(['only once']);
  });

  /** Appends one greeting to each of `n` new streams (keys spread over the partitions) and returns their ids. */
  async function appendGreetings(prefix: string, n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const event = greeted(`${prefix} ${i}`);
      await store.append(`${prefix}-${i}`, 0, [event]);
      ids.push(event.eventId);
    }
    return ids;
  }

  const killedBeforeCheckpoint = async () => {
    throw new Error('killed before the checkpoint');
  };

  it('sends each event once when a relay that published before dies between the ack and its checkpoint, and another takes over', async () => {
    const first = await appendGreetings('before', 6);
    await readable(6);
    const earlier = relay({ pollIntervalMs: 200 });
    await earlier.start();
    await eventually(backlog, (n) => n === 0);
    await earlier.stop();

    const second = await appendGreetings('killed', 9);
    await readable(15);
    const dying = relay({ pollIntervalMs: 60_000, afterSendBeforeCheckpoint: killedBeforeCheckpoint });
    await dying.start();
    await eventually(
      async () => dying.failing,
      (failing) => failing !== undefined,
    );
    await dying.stop();
    expect(await backlog()).toBe(9);
    expect((await idsOnTopic()).sort()).toEqual([...first, ...second].sort());

    const next = relay({ pollIntervalMs: 200 });
    running.push(next);
    await next.start();
    const third = await appendGreetings('after', 4);
    next.wake();
    await eventually(backlog, (n) => n === 0);
    expect((await idsOnTopic()).sort()).toEqual([...first, ...second, ...third].sort());
  });

  it('sends each event once when the checkpoint commit is lost (its row back where it was) and a relay takes over', async () => {
    const first = await appendGreetings('kept', 5);
    await readable(5);
    const publishing = relay({ pollIntervalMs: 200 });
    await publishing.start();
    await eventually(backlog, (n) => n === 0);
    const { rows: before } = await producerDb.pool.query('SELECT * FROM global_checkpoints WHERE reader = $1', [PUBLISHER_READER]);
    const second = await appendGreetings('lost', 7);
    publishing.wake();
    await eventually(backlog, (n) => n === 0);
    await publishing.stop();

    // A crash of PostgreSQL loses the relay's last commits (synchronous_commit=off): its row is as it was.
    const row = before[0] as { transaction_id: string; global_position: string; published_through: unknown };
    await producerDb.pool.query(
      'UPDATE global_checkpoints SET transaction_id = $2, global_position = $3, published_through = $4 WHERE reader = $1',
      [PUBLISHER_READER, row.transaction_id, row.global_position, JSON.stringify(row.published_through)],
    );
    expect(await backlog()).toBe(7);

    const next = relay({ pollIntervalMs: 200 });
    running.push(next);
    await next.start();
    await eventually(backlog, (n) => n === 0);
    const third = await appendGreetings('later', 3);
    next.wake();
    await eventually(backlog, (n) => n === 0);
    expect((await idsOnTopic()).sort()).toEqual([...first, ...second, ...third].sort());
  });

  it('stops at once when stopped while recovering from a failure, however long its next pause would be', async () => {
    // stop() arrives after the loop caught the failure and before it pauses (here: while it logs the
    // error), so there is no pause yet for stop() to cut short. The relay must not start a 10-minute one.
    let stopping: Promise<void> | undefined;
    const failing: EventRelay = relay({
      pollIntervalMs: 600_000,
      afterSendBeforeCheckpoint: async () => {
        throw new Error('killed before the checkpoint');
      },
      logger: { info: () => undefined, warn: () => undefined, error: () => void (stopping ??= failing.stop()) },
    });
    await store.append('s-stop', 0, [greeted('stop me')]);
    await readable(1);
    await failing.start();
    await eventually(
      async () => stopping !== undefined,
      (asked) => asked,
    );
    const outcome = await Promise.race([
      stopping!.then(() => 'stopped'),
      new Promise((resolve) => setTimeout(resolve, 20_000, 'still pausing')),
    ]);
    expect(outcome).toBe('stopped');
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

  it('checkpoints past a message it dead-letters that is the last of its partition, so that a restart never sends it again', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const goodId = uuidv7();
    const failingId = uuidv7();
    await producer.send({
      topic,
      messages: [
        { key: 'last', value: Buffer.from(JSON.stringify({ text: 'before the failure' })), headers: { ce_id: goodId } },
        { key: 'last', value: Buffer.from(JSON.stringify({ text: 'always fails' })), headers: { ce_id: failingId } },
      ],
    });
    await producer.disconnect();
    const first = startConsumer();
    await first.start();
    await readTopic(
      dlq,
      (m) => m.headers.ce_id,
      (read) => read.includes(failingId),
    );
    // Both messages are on one partition, at offsets 0 and 1: the checkpoint goes past the second.
    await eventually(
      async () => (await consumerDb.pool.query('SELECT sum(next_offset)::int AS n FROM consumer_checkpoints')).rows[0].n as number,
      (n) => n === 2,
    );
    // A second member after a restart starts from the checkpoint: nothing to apply, nothing dead-lettered again.
    await first.stop();
    running.splice(running.indexOf(first), 1);
    await startConsumer().start();
    await new Promise((r) => setTimeout(r, 3_000));
    const deadLetters = await readTopic(
      dlq,
      (m) => m.headers.ce_id,
      (read) => read.includes(failingId),
    );
    expect(deadLetters.filter((id) => id === failingId)).toHaveLength(1);
    expect(await greetings()).toEqual(['before the failure']);
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
      const publishing = relay({ pollIntervalMs: 20 }, single);
      await publishing.start();
      await store.append('s-sync', 0, [greeted('sync')]);
      publishing.wake();
      await eventually(backlog, (n) => n === 0);
      await publishing.stop();
      // The relay moved its checkpoint without waiting for the WAL flush; the pool's next user must not inherit that.
      const { rows } = await single.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
      expect(rows[0]!.synchronous_commit).toBe('on');
    } finally {
      await single.end();
    }
  });
});
