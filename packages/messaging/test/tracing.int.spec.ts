import { migrate } from '@homeward/pg-kit/migrations';
import { createTestDatabase, eventually, testKafka, testTopicNamespace, type TestDatabase } from '@homeward/testing/infrastructure';
import { uuidv7 } from '@homeward/contracts';
import { EventStore, eventStoreMigrations, type StoredEvent } from '@homeward/event-store';
import { SpanKind, inSpan, traceparentOf } from '@homeward/telemetry';
import { InMemorySpanExporter, SimpleSpanProcessor, addSpanProcessor, startTelemetry, type ReadableSpan } from '@homeward/telemetry/sdk';
import { ensureTopics } from '@homeward/messaging';
import { EventRelay } from '@homeward/messaging/event-relay';
import { ConsumerRunner, consumerMigrations } from '@homeward/messaging/consumer';
import { relayMigrations } from '@homeward/messaging/relay-quarantine';

// Real PostgreSQL, real Kafka: a command's trace goes from its append, through the relay (the stored
// event's traceparent), to a consumer in the `handle` form (the message's traceparent header), and an
// event appended outside any trace travels without one.

describe('tracing through the relay and a consumer', () => {
  const kafka = testKafka();
  const exporter = new InMemorySpanExporter();
  let producerDb: TestDatabase;
  let consumerDb: TestDatabase;
  let store: EventStore;
  let relay: EventRelay;
  let consumer: ConsumerRunner<string>;
  /** What the handler saw as the current trace context, by greeting. */
  const seen = new Map<string, string | undefined>();

  beforeAll(async () => {
    startTelemetry({ serviceName: 'messaging-test', env: {} });
    addSpanProcessor(new SimpleSpanProcessor(exporter));
    producerDb = await createTestDatabase('tracing_producer');
    consumerDb = await createTestDatabase('tracing_consumer');
    await migrate(producerDb.pool, 'event-store', eventStoreMigrations);
    await migrate(producerDb.pool, 'event-relay', relayMigrations);
    await migrate(consumerDb.pool, 'messaging', consumerMigrations);
    await consumerDb.pool.query('CREATE TABLE greetings (text text NOT NULL)');
    store = new EventStore(producerDb.pool);
    const ns = testTopicNamespace();
    const topic = `${ns}greetings.events.v1`;
    const dlq = `${ns}greeter.dlq.v1`;
    await ensureTopics(kafka, [
      { topic, partitions: 3 },
      { topic: dlq, partitions: 1 },
    ]);
    relay = new EventRelay(producerDb.pool, kafka, {
      pollIntervalMs: 100,
      toMessage: (event: StoredEvent) => ({
        topic,
        key: event.streamId,
        headers: { ce_id: event.eventId, ce_type: event.type },
        value: Buffer.from(JSON.stringify(event.data)),
      }),
    });
    consumer = new ConsumerRunner<string>(kafka, consumerDb.pool, {
      consumer: `greeter-${topic}`,
      topics: [topic],
      deadLetterTopic: dlq,
      decode: (m) => (JSON.parse(m.value!.toString()) as { text: string }).text,
      handle: async (text, tx) => {
        seen.set(text, traceparentOf());
        await tx.query('INSERT INTO greetings (text) VALUES ($1)', [text]);
      },
    });
    await relay.start();
    await consumer.start();
  });

  afterAll(async () => {
    await consumer?.stop();
    await relay?.stop();
    await producerDb?.drop();
    await consumerDb?.drop();
  });

  const greeting = (text: string) => ({ eventId: uuidv7(), type: 'Greeted', data: { text }, metadata: {}, occurredAt: new Date() });

  it("continues the command's trace in the relay's publish and the consumer's handling and write", async () => {
    const traceId = await inSpan('command', { kind: SpanKind.SERVER }, async (span) => {
      await store.append('worker-a', 0, [greeting('traced')]);
      return span.spanContext().traceId;
    });
    await eventually(async () => seen.has('traced'), Boolean);
    const spans = await eventually(
      async () => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId),
      (all) => all.some((s) => s.name.endsWith(' consume')),
    );
    const named = (suffix: string): ReadableSpan => spans.find((s) => s.name.endsWith(suffix))!;
    const chain = ['command', 'event-store append', 'relay publish', ' consume', ' write'].map(named);
    chain.forEach((span, i) => {
      expect(span).toBeDefined();
      if (i > 0) expect(span.parentSpanContext?.spanId).toBe(chain[i - 1]!.spanContext().spanId);
    });
    // The handler ran with the write span as the current one: what it logs carries the trace.
    expect(seen.get('traced')).toBe(`00-${traceId}-${chain[4]!.spanContext().spanId}-01`);
  });

  it('starts a trace at the append of an event appended outside any request', async () => {
    await store.append('worker-b', 0, [greeting('untraced')]);
    await eventually(async () => seen.has('untraced'), Boolean);
    const handled = seen.get('untraced')!;
    const traceId = handled.split('-')[1];
    const append = exporter.getFinishedSpans().find((s) => s.name === 'event-store append' && s.spanContext().traceId === traceId);
    expect(append).toBeDefined();
    expect(append!.parentSpanContext).toBeUndefined();
  });
});
