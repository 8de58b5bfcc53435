import { context, propagation, trace, type Attributes, type Context, type Link, type SpanKind } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SamplingDecision,
  type ReadableSpan,
  type Sampler,
  type SamplingResult,
  type Span,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/**
 * The OpenTelemetry SDK of a Homeward process, set up once: W3C trace context, the context kept across
 * `await` (AsyncLocalStorage), and a tracer provider whose spans go to the processors registered here.
 * `startTelemetryFromEnv` decides from the environment (what every service does at start):
 *
 * - OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) set: spans are batched and sent by
 *   OTLP over HTTP (the exporter reads the standard OTEL_EXPORTER_OTLP_* variables: headers, timeout).
 * - HOMEWARD_TRACE_IDS=true without an endpoint: the SDK runs but records nothing; every span still gets
 *   its ids, so logs carry a trace id, the stored events and Kafka messages a `traceparent`, and a process
 *   downstream that does export continues the same trace.
 * - Neither (or OTEL_SDK_DISABLED=true): no SDK at all. The API's calls are no-ops and HTTP requests get
 *   no hooks: near-zero cost.
 *
 * Tests start it explicitly and add an in-memory exporter with `addSpanProcessor`; recording starts with
 * the first processor.
 */
/** Fans out to the processors registered so far; the provider is built once, processors come and go. */
class Processors implements SpanProcessor {
  readonly list: SpanProcessor[] = [];
  onStart(span: Span, parentContext: Context): void {
    for (const p of this.list) p.onStart(span, parentContext);
  }
  onEnd(span: ReadableSpan): void {
    for (const p of this.list) p.onEnd(span);
  }
  async forceFlush(): Promise<void> {
    await Promise.all(this.list.map((p) => p.forceFlush()));
  }
  async shutdown(): Promise<void> {
    await Promise.all(this.list.map((p) => p.shutdown()));
  }
}

/** Records (and samples) every span while some processor listens, none otherwise: no exporter, no cost of recording. */
class WhileListened implements Sampler {
  constructor(private readonly processors: Processors) {}
  shouldSample(
    _context: Context,
    _traceId: string,
    _name: string,
    _kind: SpanKind,
    _attributes: Attributes,
    _links: Link[],
  ): SamplingResult {
    return { decision: this.processors.list.length > 0 ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD };
  }
  toString(): string {
    return 'WhileListened';
  }
}

let started: { provider: BasicTracerProvider; processors: Processors } | undefined;

export interface TelemetrySettings {
  /** The `service.name` of the spans (the first process-wide call names it). */
  readonly serviceName: string;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Sets up tracing for this process as the environment says (see above); answers whether tracing is on.
 * Once per process: later calls answer what the first decided.
 */
export function startTelemetryFromEnv(serviceName: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (started) return true;
  if (env.OTEL_SDK_DISABLED === 'true') return false;
  const endpoint = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  if (!endpoint && env.HOMEWARD_TRACE_IDS !== 'true') return false;
  startTelemetry({ serviceName, env });
  return true;
}

/** Whether tracing is on in this process. */
export function telemetryStarted(): boolean {
  return started !== undefined;
}

/** Sets up tracing for this process whatever the environment says, exporting by OTLP if it names an endpoint (once). */
export function startTelemetry(settings: TelemetrySettings): void {
  if (started) return;
  const env = settings.env ?? process.env;
  const processors = new Processors();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? settings.serviceName }),
    sampler: new WhileListened(processors),
    spanProcessors: [processors],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  started = { provider, processors };
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
    processors.list.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  }
}

/** Whether spans are exported (an OTLP endpoint is configured, or a test listens). */
export function exporting(): boolean {
  return (started?.processors.list.length ?? 0) > 0;
}

/** Sends ended spans to `processor` too (a test's in-memory exporter); returns its removal. */
export function addSpanProcessor(processor: SpanProcessor): () => void {
  if (!started) throw new Error('startTelemetry first');
  const list = started.processors.list;
  list.push(processor);
  return () => {
    const i = list.indexOf(processor);
    if (i >= 0) list.splice(i, 1);
  };
}

/** Sends what is batched (before a process exits). */
export async function flushTelemetry(): Promise<void> {
  await started?.provider.forceFlush();
}

/** For tests that collect spans in-process. */
export { BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
