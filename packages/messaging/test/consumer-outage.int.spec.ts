import { migrate } from '@homeward/pg-kit/migrations';
import { createTestDatabase, eventually, testKafka, testTopicNamespace, type TestDatabase } from '@homeward/testing/infrastructure';
import { uuidv7 } from '@homeward/contracts';
import { ensureTopics } from '@homeward/messaging';
import { ConsumerRunner, consumerMigrations } from '@homeward/messaging/consumer';

// Real PostgreSQL, real Kafka. The database goes away under the consumer the way a restart takes it: the
// server ends the consumer's connection in the middle of its transaction (pg_terminate_backend on the
// consumer's own backend, 57P01 admin_shutdown), again and again. Valid messages must wait for it.

describe('a consumer whose database goes away', () => {
  const kafka = testKafka();
  let db: TestDatabase;
  let topic: string;
  let dlq: string;
  let runner: ConsumerRunner<string> | undefined;

  beforeEach(async () => {
    db = await createTestDatabase('consumer_outage');
    await migrate(db.pool, 'messaging', consumerMigrations);
    await db.pool.query('CREATE TABLE seen (text text PRIMARY KEY)');
    const ns = testTopicNamespace();
    topic = `${ns}outage.events.v1`;
    dlq = `${ns}outage.dlq.v1`;
    await ensureTopics(kafka, [
      { topic, partitions: 1 },
      { topic: dlq, partitions: 1 },
    ]);
  });

  afterEach(async () => {
    await runner?.stop();
    await db.drop();
  });

  async function deadLettered(): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return (await admin.fetchTopicOffsets(dlq)).reduce((sum, p) => sum + Number(p.high), 0);
    } finally {
      await admin.disconnect();
    }
  }

  it('waits and applies the same chunk again, past any number of attempts, and dead-letters nothing', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: Array.from({ length: 20 }, (_, i) => ({ key: 'w', value: Buffer.from(`message ${i}`), headers: { ce_id: uuidv7() } })),
    });
    await producer.disconnect();

    // The database is away for 2.5 s from the first message on: every attempt meanwhile loses its connection.
    let awayUntil: number | undefined;
    let lost = 0;
    runner = new ConsumerRunner<string>(kafka, db.pool, {
      consumer: `outage-${topic}`,
      topics: [topic],
      deadLetterTopic: dlq,
      decode: (m) => m.value!.toString(),
      handle: async (text, tx) => {
        awayUntil ??= Date.now() + 2_500;
        if (Date.now() < awayUntil) {
          lost++;
          await tx.query('SELECT pg_terminate_backend(pg_backend_pid())');
        }
        await tx.query('INSERT INTO seen (text) VALUES ($1)', [text]);
      },
      retryDelayMs: 10,
    });
    await runner.start();

    await eventually(
      async () => (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM seen')).rows[0]!.n,
      (n) => n === 20,
    );
    // More lost connections than the runner's attempts at one message (3): they were not counted against it.
    expect(lost).toBeGreaterThan(3);
    expect(await deadLettered()).toBe(0);
  });

  it('applies again what a database crash took back after it had committed (checkpoint behind the consumer), in order', async () => {
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const send = (from: number, to: number) =>
      producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: to - from }, (_, i) => ({
          key: 'w',
          value: Buffer.from(`message ${String(from + i).padStart(2, '0')}`),
          headers: { ce_id: uuidv7() },
        })),
      });
    const applied: string[] = [];
    runner = new ConsumerRunner<string>(kafka, db.pool, {
      consumer: `crash-${topic}`,
      topics: [topic],
      deadLetterTopic: dlq,
      decode: (m) => m.value!.toString(),
      // As read models run: progress from the database's checkpoints alone, no event-id table.
      resumeFromCheckpoints: true,
      deduplicateByEventId: false,
      handle: async (text, tx) => {
        await tx.query('INSERT INTO seen (text) VALUES ($1)', [text]);
        applied.push(text);
      },
    });
    await runner.start();
    await send(0, 10);
    const seen = async () => (await db.pool.query<{ text: string }>('SELECT text FROM seen ORDER BY text')).rows.map((r) => r.text);
    await eventually(seen, (rows) => rows.length === 10);

    // What a crash with asynchronous commit does: the last commits are gone, effects and checkpoint alike,
    // while the consumer, which was told they had succeeded, carries on from where it was.
    await db.pool.query(`DELETE FROM seen WHERE text >= 'message 06'`);
    await db.pool.query(`UPDATE consumer_checkpoints SET next_offset = 6 WHERE consumer = $1`, [`crash-${topic}`]);
    await send(10, 14);
    await producer.disconnect();

    const expected = Array.from({ length: 14 }, (_, i) => `message ${String(i).padStart(2, '0')}`);
    await eventually(seen, (rows) => rows.length === 14, 20_000);
    expect(await seen()).toEqual(expected);
    // The lost ones applied again before anything newer: offset order holds across the loss.
    expect(applied.slice(10)).toEqual(expected.slice(6));
    expect(await deadLettered()).toBe(0);
  });
});
