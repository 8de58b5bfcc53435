import { trace } from '@opentelemetry/api';
import {
  SpanKind,
  SpanStatusCode,
  contextFromTraceparent,
  inSpan,
  logTraceFields,
  traceparentOf,
  traceparentOfSpan,
  startSpan,
} from '../src/telemetry';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  addSpanProcessor,
  exporting,
  startTelemetryFromEnv,
  telemetryStarted,
} from '../src/sdk';

const REMOTE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('telemetry', () => {
  it('is a no-op before the SDK is started: no trace context, nothing stamped, nothing logged', async () => {
    await inSpan('unstarted', {}, async () => {
      expect(traceparentOf()).toBeUndefined();
      expect(logTraceFields()).toEqual({});
    });
  });

  it('stays off unless the environment names an OTLP endpoint or asks for trace ids', () => {
    expect(startTelemetryFromEnv('telemetry-test', {})).toBe(false);
    expect(startTelemetryFromEnv('telemetry-test', { HOMEWARD_TRACE_IDS: 'false' })).toBe(false);
    expect(startTelemetryFromEnv('telemetry-test', { OTEL_SDK_DISABLED: 'true', HOMEWARD_TRACE_IDS: 'true' })).toBe(false);
    expect(telemetryStarted()).toBe(false);
  });

  describe('started without an exporter', () => {
    beforeAll(() => expect(startTelemetryFromEnv('telemetry-test', { HOMEWARD_TRACE_IDS: 'true' })).toBe(true));

    it('records nothing, yet every span has ids that travel and reach the logs', async () => {
      expect(exporting()).toBe(false);
      await inSpan('quiet', {}, async (span) => {
        expect(span.isRecording()).toBe(false);
        const { traceId, spanId } = span.spanContext();
        expect(traceparentOf()).toBe(`00-${traceId}-${spanId}-00`);
        expect(logTraceFields()).toEqual({ trace_id: traceId, span_id: spanId });
        // Across an await, the span stays the current one.
        await new Promise((r) => setTimeout(r, 5));
        expect(trace.getActiveSpan()?.spanContext().spanId).toBe(spanId);
      });
      expect(logTraceFields()).toEqual({});
    });

    describe('with a processor listening', () => {
      const exporter = new InMemorySpanExporter();
      let remove: () => void;
      beforeAll(() => (remove = addSpanProcessor(new SimpleSpanProcessor(exporter))));
      afterAll(() => remove());
      beforeEach(() => exporter.reset());

      it('continues a remote traceparent and nests spans by the active context', async () => {
        await inSpan('outer', { kind: SpanKind.CONSUMER, parent: contextFromTraceparent(REMOTE) }, async () => {
          await inSpan('inner', {}, async () => undefined);
        });
        const [inner, outer] = exporter.getFinishedSpans();
        expect([inner!.name, outer!.name]).toEqual(['inner', 'outer']);
        expect(outer!.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
        expect(outer!.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
        expect(inner!.parentSpanContext?.spanId).toBe(outer!.spanContext().spanId);
        expect(outer!.kind).toBe(SpanKind.CONSUMER);
      });

      it('records a failure and rethrows it', async () => {
        await expect(
          inSpan('failing', {}, async () => {
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        const [span] = exporter.getFinishedSpans();
        expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'boom' });
        expect(span!.events.map((e) => e.name)).toEqual(['exception']);
      });

      it("gives a span's traceparent, sampled, for a message header", () => {
        const span = startSpan('publish', { kind: SpanKind.PRODUCER });
        const { traceId, spanId } = span.spanContext();
        expect(traceparentOfSpan(span)).toBe(`00-${traceId}-${spanId}-01`);
        span.end();
      });

      it('ignores a malformed traceparent: a new trace begins', async () => {
        await inSpan('fresh', { parent: contextFromTraceparent('not-a-traceparent') }, async () => undefined);
        const [span] = exporter.getFinishedSpans();
        expect(span!.parentSpanContext).toBeUndefined();
      });
    });
  });
});
