import { TRACEPARENT, traceparentOf, type SpanOptions } from '@homeward/telemetry';

/** What this module needs of an event to append (event-store's NewEvent). */
interface NewEvent {
  readonly metadata: Record<string, unknown>;
}

/** The span of a command's append; its traceparent is stored in each event's metadata. */
export const APPEND_SPAN = 'event-store append';

export const appendSpanOptions = (streamId: string, events: readonly NewEvent[]): SpanOptions => ({
  attributes: { 'homeward.stream_id': streamId, 'homeward.event_count': events.length, 'db.system.name': 'postgresql' },
});

/** Whether the events already carry a traceparent (stamped by the span of the append that wraps this one). */
export const isTraced = (events: readonly NewEvent[]): boolean => typeof events[0]?.metadata[TRACEPARENT] === 'string';

/**
 * The events with the current span's `traceparent` in their metadata (the events table is the outbox: the
 * relay reads it back and publishes each event as a child of this span). Unchanged when no span is active
 * or an event has one already.
 */
export function withTraceparent<E extends NewEvent>(events: readonly E[]): readonly E[] {
  const traceparent = traceparentOf();
  if (traceparent === undefined) return events;
  return events.map((e) => (TRACEPARENT in e.metadata ? e : { ...e, metadata: { ...e.metadata, [TRACEPARENT]: traceparent } }));
}
