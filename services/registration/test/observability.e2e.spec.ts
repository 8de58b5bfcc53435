import { SpanKind } from '@homeward/telemetry';
import { InMemorySpanExporter, SimpleSpanProcessor, addSpanProcessor, startTelemetry, type ReadableSpan } from '@homeward/telemetry/sdk';
import { eventually, readTopic } from '@homeward/testing/infrastructure';
import { aWorker, startHarness, type RegistrationHarness } from './registration.harness';

// Issue 14 §4: one trace shows a command from the HTTP request through the relay to a read model's write.
// The spans are collected in-process; the trace context still travels as it does between processes: in
// the stored event's metadata from the request to the relay, in the Kafka message's headers to the consumer.

describe('observability: a command traced from the HTTP request to the read model, and the metrics', () => {
  let harness: RegistrationHarness;
  const exporter = new InMemorySpanExporter();
  let removeExporter: () => void;

  beforeAll(async () => {
    // As OTEL_EXPORTER_OTLP_ENDPOINT would have it, with the spans kept here instead of sent.
    startTelemetry({ serviceName: 'registration', env: {} });
    harness = await startHarness('registration_tracing');
    removeExporter = addSpanProcessor(new SimpleSpanProcessor(exporter));
  });
  afterAll(async () => {
    removeExporter?.();
    await harness?.stop();
  });

  const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

  it('links HTTP request → append → relay publish → consume → read-model write in one trace', async () => {
    const created = await harness.call('POST', '/workers', aWorker());
    expect(created.status).toBe(201);
    const workerId = created.body!.workerId as string;

    // The worker-status projection: a consumer of the registration topic in the same process.
    const projection = 'homeward.registration.worker-status';
    const http = (await eventually(async () => exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER), Boolean))!;
    expect(http.name).toBe('POST /workers');
    const traceId = http.spanContext().traceId;
    const named = (all: readonly ReadableSpan[], suffix: string) => all.find((s) => s.name.endsWith(suffix));
    const spans = await eventually(
      async () => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId),
      // A span is exported when it ends, and the consume span ends after its child, the write: wait for both.
      (all) => named(all, `${projection} write`) !== undefined && named(all, `${projection} consume`) !== undefined,
    );

    const append = named(spans, 'event-store append');
    const publish = named(spans, 'relay publish');
    const consume = named(spans, `${projection} consume`);
    const write = named(spans, `${projection} write`);
    expect(append).toBeDefined();
    expect(publish).toBeDefined();
    expect(consume).toBeDefined();
    expect(write).toBeDefined();

    // Each the child of the one before: the request's span is the root of the trace.
    expect(parentOf(http)).toBeUndefined();
    expect(parentOf(append!)).toBe(http.spanContext().spanId);
    expect(parentOf(publish!)).toBe(append!.spanContext().spanId);
    expect(parentOf(consume!)).toBe(publish!.spanContext().spanId);
    expect(parentOf(write!)).toBe(consume!.spanContext().spanId);
    expect([publish!.kind, consume!.kind]).toEqual([SpanKind.PRODUCER, SpanKind.CONSUMER]);
    expect(append!.attributes['homeward.stream_id']).toBe(`worker-${workerId}`);
    expect(http.attributes['http.response.status_code']).toBe(201);

    // The message on the topic carries the publish span's traceparent in its headers, and the stored event
    // its append span's in its metadata.
    const messages = await readTopic(
      harness.runtime.topic,
      (m) => ({ key: m.key, headers: m.headers }),
      (read) => read.some((r) => r.key === workerId),
    );
    const header = messages.find((m) => m.key === workerId)!.headers.traceparent;
    expect(header).toBe(`00-${traceId}-${publish!.spanContext().spanId}-01`);
    const { rows } = await harness.db.pool.query<{ metadata: Record<string, unknown> }>(
      'SELECT metadata FROM events WHERE stream_id = $1',
      [`worker-${workerId}`],
    );
    expect(rows[0]!.metadata.traceparent).toBe(`00-${traceId}-${append!.spanContext().spanId}-01`);
  });

  it('continues the trace of a caller that sends a traceparent', async () => {
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const created = await harness.call('POST', '/workers', aWorker(), undefined, { traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` });
    expect(created.status).toBe(201);
    const http = await eventually(
      async () => exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER && s.spanContext().traceId === callerTrace),
      Boolean,
    );
    expect(parentOf(http!)).toBe('00f067aa0ba902b7');
  });

  it('serves its metrics through prom-client: the relay figures under their names, and the process metrics', async () => {
    await harness.published();
    const response = await harness.runtime.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = response.body;
    expect(text).toContain('# TYPE homeward_relay_unpublished_events gauge');
    expect(text).toMatch(/^homeward_relay_unpublished_events\{reader="publisher"\} 0$/m);
    expect(text).toMatch(/^homeward_relay_oldest_unpublished_age_seconds\{reader="publisher"\} 0$/m);
    expect(text).toMatch(/^homeward_relay_quarantined_streams\{reader="publisher"\} 0$/m);
    expect(text).toMatch(/^homeward_relay_held_events\{reader="publisher"\} 0$/m);
    expect(text).toMatch(/^homeward_relay_failing\{reader="publisher"\} 0$/m);
    expect(text).toContain('# TYPE homeward_relay_quarantined_since_seconds gauge');
    // prom-client's default metrics of the process.
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
  });
});
