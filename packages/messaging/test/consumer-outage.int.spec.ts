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
});
