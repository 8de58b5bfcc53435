import { Coalescer } from './coalescer';
import { inSpan } from '@homeward/telemetry';
import { APPEND_SPAN, appendSpanOptions, withTraceparent } from './tracing';
import type { AppendResult, EventStore, ExpectedVersion, FoldEvent, NewEvent, SubjectKeyRow } from './event-store';

export interface CoalescingOptions {
  /** Statements of each kind (reads, appends) running at once, at most (default 1: see Coalescer). */
  readonly maxInFlight?: number;
  /** Requests in one statement, at most (default 256). */
  readonly maxBatch?: number;
}

interface AppendRequest {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly NewEvent[];
}

/**
 * The event store's command path under concurrency: the stream reads and the appends of concurrent
 * commands travel together, a statement for many (EventStore.readStreamsForFold, appendToStreams)
 * instead of one each. Each command keeps its own outcome: an append refused on its expected version
 * fails alone. Alone, a command goes straight through, as it would without this class.
 *
 * For commands that need no transaction of their own; one inside a caller's transaction uses the store.
 */
export class CoalescingStreams {
  private readonly reads: Coalescer<string, FoldEvent[]>;
  private readonly appends: Coalescer<AppendRequest, AppendResult>;
  private readonly readsWithKeys: Coalescer<
    { readonly streamId: string; readonly subjectId: string },
    { events: FoldEvent[]; key: SubjectKeyRow | undefined }
  >;

  constructor(store: EventStore, options: CoalescingOptions = {}) {
    this.reads = new Coalescer(async (streamIds) => {
      if (streamIds.length === 1) return [await store.readStreamForFold(streamIds[0]!)];
      const streams = await store.readStreamsForFold([...new Set(streamIds)]);
      return streamIds.map((id) => streams.get(id)!);
    }, options);
    this.readsWithKeys = new Coalescer(async (requests) => {
      const { streams, keys } = await store.readStreamsForFoldWithKeys(requests);
      return requests.map((r) => ({ events: streams.get(r.streamId)!, key: keys.get(r.subjectId) }));
    }, options);
    this.appends = new Coalescer(
      async (requests) => {
        if (requests.length === 1) {
          const { streamId, expectedVersion, events } = requests[0]!;
          return [await store.append(streamId, expectedVersion, events)];
        }
        return store.appendToStreams(requests);
      },
      // Two appends to one stream never share a statement: the second waits for the first.
      { ...options, key: (r) => r.streamId },
    );
  }

  readStreamForFold(streamId: string): Promise<FoldEvent[]> {
    return this.reads.submit(streamId);
  }

  /** A stream's events and its subject's data key, read in one statement with those of concurrent commands. */
  readStreamForFoldWithKey(streamId: string, subjectId: string): Promise<{ events: FoldEvent[]; key: SubjectKeyRow | undefined }> {
    return this.readsWithKeys.submit({ streamId, subjectId });
  }

  append(streamId: string, expectedVersion: ExpectedVersion, events: readonly NewEvent[]): Promise<AppendResult> {
    if (events.length === 0) return Promise.reject(new Error('append needs at least one event'));
    // The span is the command's (its trace, its wait for the shared statement); the events carry its traceparent.
    return inSpan(APPEND_SPAN, appendSpanOptions(streamId, events), () =>
      this.appends.submit({ streamId, expectedVersion, events: withTraceparent(events) }),
    );
  }
}
