import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * Tracing for every Homeward process, through the OpenTelemetry API only: what the HTTP layer, the event
 * store, the relay and the consumers call. Without `startTelemetry` (./sdk) every call here is a no-op of
 * the API; with it, spans go to whatever span processors are configured (OTLP when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set, an in-memory exporter in tests) and trace ids reach the logs.
 *
 * The trace travels as a W3C `traceparent`: in the HTTP request's header, in each stored event's metadata
 * (so the relay, in another process and later, publishes it as the append's child), and in each Kafka
 * message's headers (so each consumer continues it).
 */
export { SpanKind, SpanStatusCode, type Context, type Span } from '@opentelemetry/api';

/** The metadata key and Kafka/HTTP header of the W3C trace context. */
export const TRACEPARENT = 'traceparent';

const tracer = trace.getTracer('homeward');
// Used directly rather than through the global propagator: the traceparent format is what the stored events
// and the Kafka headers carry, whatever propagator the process may have registered for anything else.
const w3c = new W3CTraceContextPropagator();

/** The `traceparent` of the span active in `ctx` (default: the current one), or undefined when none is. */
export function traceparentOf(ctx: Context = context.active()): string | undefined {
  const spanContext = trace.getSpanContext(ctx);
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return undefined;
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, defaultTextMapSetter);
  return carrier[TRACEPARENT];
}

/** A context whose parent is the remote span a `traceparent` names; `base` itself when it names none. */
export function contextFromTraceparent(traceparent: unknown, base: Context = ROOT_CONTEXT): Context {
  if (typeof traceparent !== 'string' || traceparent === '') return base;
  return w3c.extract(base, { [TRACEPARENT]: traceparent }, defaultTextMapGetter);
}

export interface SpanOptions {
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
  /** The parent's context (a remote one from a traceparent); the active context when absent. */
  readonly parent?: Context;
}

/**
 * Runs `work` in a new span, active for everything `work` awaits: the span records a thrown error and
 * ends when `work` settles.
 */
export async function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer.startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, parent);
  // Without the SDK (or a trace to continue) the span records nothing and names no trace: making it active
  // would change nothing but cost a context and its closures on every call (each command's append).
  if (!span.isRecording() && !trace.isSpanContextValid(span.spanContext())) return work(span);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    failed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Starts a span without making it active (for spans that end elsewhere: an HTTP request's, a publish's). */
export function startSpan(name: string, options: SpanOptions = {}): Span {
  return tracer.startSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes },
    options.parent ?? context.active(),
  );
}

/** Runs `work` with `span` active (its children are its children); does not end it. */
export function withActiveSpan<T>(span: Span, work: () => T): T {
  return context.with(trace.setSpan(context.active(), span), work);
}

/** The `traceparent` of a span (for a header of a message it sends). */
export function traceparentOfSpan(span: Span): string | undefined {
  return traceparentOf(trace.setSpan(ROOT_CONTEXT, span));
}

/** Marks the span as failed with this error. */
export function failed(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/** Whether the current span will be exported: callers skip building attributes nobody records. */
export function recording(): boolean {
  return trace.getActiveSpan()?.isRecording() ?? false;
}

/**
 * The trace and span ids of the current span, for a log line (a pino `mixin`): every line logged while a
 * request, a publish or a consumed message is handled says which trace it belongs to.
 */
export function logTraceFields(): { trace_id?: string; span_id?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
