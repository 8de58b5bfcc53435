import {
  SpanKind,
  TRACEPARENT,
  contextFromTraceparent,
  failed,
  startSpan,
  traceparentOfSpan,
  withActiveSpan,
  type Span,
} from '@homeward/telemetry';
import type { StoredEvent } from '@homeward/event-store';

/**
 * The relay's span for each stored event that carries its command's `traceparent` (see @homeward/event-store):
 * a child of the command's append, by event id. Events without one (appended outside any trace, or before
 * tracing) get none, and their messages no header.
 */
export function publishSpans(events: readonly StoredEvent[]): Map<string, Span> {
  const spans = new Map<string, Span>();
  for (const event of events) {
    const traceparent = event.metadata[TRACEPARENT];
    if (typeof traceparent !== 'string') continue;
    spans.set(
      event.eventId,
      startSpan('relay publish', {
        kind: SpanKind.PRODUCER,
        parent: contextFromTraceparent(traceparent),
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'send',
          'messaging.message.id': event.eventId,
          'homeward.event_type': event.type,
          'homeward.stream_id': event.streamId,
        },
      }),
    );
  }
  return spans;
}

/** The message's headers with the `traceparent` of its event's publish span (found by the CloudEvents `ce_id`). */
export function withPublishTraceparent(
  headers: Readonly<Record<string, string>>,
  spans: ReadonlyMap<string, Span>,
  topic: string,
): Record<string, string> {
  const id = headers.ce_id;
  const span = id === undefined ? undefined : spans.get(id);
  if (!span) return { ...headers };
  span.setAttribute('messaging.destination.name', topic);
  const traceparent = traceparentOfSpan(span);
  return traceparent ? { ...headers, [TRACEPARENT]: traceparent } : { ...headers };
}

export function endSpans(spans: Iterable<Span>, error?: unknown): void {
  for (const span of spans) {
    if (error !== undefined) failed(span, error);
    span.end();
  }
}

/** A consumed message's span, continuing the trace of its `traceparent` header; undefined without one. */
export function consumeSpan(
  consumer: string,
  message: {
    readonly topic: string;
    readonly partition: number;
    readonly offset: string;
    readonly eventId: string;
    readonly headers: Readonly<Record<string, string>>;
  },
): Span | undefined {
  const traceparent = message.headers[TRACEPARENT];
  if (traceparent === undefined) return undefined;
  return startSpan(`${consumer} consume`, {
    kind: SpanKind.CONSUMER,
    parent: contextFromTraceparent(traceparent),
    attributes: {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.consumer.group.name': consumer,
      'messaging.destination.name': message.topic,
      'messaging.destination.partition.id': String(message.partition),
      'messaging.kafka.offset': Number(message.offset),
      'messaging.message.id': message.eventId,
    },
  });
}

/** The child span of a consumed message's span for its effect's database write. */
export function writeSpan(consumer: string, parent: Span): Span {
  return withActiveSpan(parent, () =>
    startSpan(`${consumer} write`, { kind: SpanKind.INTERNAL, attributes: { 'db.system.name': 'postgresql' } }),
  );
}
