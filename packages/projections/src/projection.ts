import type { PoolClient } from 'pg';
import type { IncomingMessage } from '@homeward/messaging/consumer';

/**
 * A read model, as the projection machinery runs it: a Kafka consumer group whose writes and checkpoint
 * commit in one PostgreSQL transaction, its tables in a schema of their own per build, rebuilt from offset
 * zero without downtime when its version changes (see projection-host.ts).
 */

/** What the machinery needs of every event: its identity and its place in its stream. */
export interface EventMeta {
  readonly eventId: string;
  /** The stream (aggregate) the event belongs to, e.g. "worker-<uuid>". Streams keep their order on a topic. */
  readonly streamId: string;
  /** 1-based position in the stream. */
  readonly streamVersion: number;
  /** When the publishing service learnt of it: the age of the newest processed event is measured from it. */
  readonly recordedAt: Date;
}

/** One topic a read model reads: how to decode its messages and what each says about streams and erasure. */
export interface Source<E> {
  readonly topic: string;
  /** Throws PoisonMessageError for a message that can never be decoded (it goes to the dead-letter topic). */
  decode(message: IncomingMessage): E;
  meta(event: E): EventMeta;
  /** The subject (worker) whose personal data this event erases, when it is an erasure. */
  erasedSubject(event: E): string | undefined;
  /** A compacted topic (the latest message per key, tombstones): created so if a read model creates it first. */
  readonly compacted?: boolean;
}

/**
 * Whether a read model takes an event: `keep` it, `drop` it (nothing of it is stored, not even that it
 * was seen), or take it only `if-known`: when the model already holds the event's stream (an erasure of a
 * worker a mission knows).
 */
export type Relevance = 'keep' | 'if-known' | 'drop';

export interface ProjectionDefinition<E> {
  /** Names the read model within its database, e.g. "agency-view": schemas and consumer groups derive from it. */
  readonly name: string;
  /** Bump it whenever the tables or what is written into them change: a new version is rebuilt from offset zero. */
  readonly version: number;
  readonly sources: readonly Source<E>[];
  /** DDL of the model's tables, run in a fresh schema (search_path set to it); names stay unqualified. */
  readonly schema: readonly string[];
  /** Decides before anything is stored; default: keep everything. */
  relevance?(event: E): Relevance;
  /** Applies one event (the transaction's search_path points at the build's schema). */
  apply(event: E, tx: PoolClient): Promise<void>;
  /**
   * Optional: applies a run of a chunk's events at once, in order (never an erasure among them: those go
   * through `erase` and `apply` one by one), for a model that writes a run in a few set-based statements.
   */
  applyAll?(events: readonly E[], tx: PoolClient): Promise<void>;
  /**
   * Removes the subject's personal data from the model; called for every erasure event the model takes,
   * before `apply` sees that event. Required: a read model must say what it holds about a person.
   */
  erase(subjectId: string, tx: PoolClient): Promise<void>;
}

/** A source whose events are wrapped with a tag, so that one projection can read several topics as one union. */
export function taggedSource<K extends string, F>(tag: K, source: Source<F>): Source<{ readonly source: K; readonly fact: F }> {
  return {
    topic: source.topic,
    decode: (message) => ({ source: tag, fact: source.decode(message) }),
    meta: (event) => source.meta(event.fact),
    erasedSubject: (event) => source.erasedSubject(event.fact),
    ...(source.compacted ? { compacted: true } : {}),
  };
}

/** An event ready for its chunk: decoded, with its meta, its relevance and the subject it erases. */
export interface Candidate<E> {
  readonly event: E;
  readonly meta: EventMeta;
  readonly relevance: Relevance;
}

export interface ChunkPlan<E> {
  /** The events to apply, in order. */
  readonly accepted: readonly Candidate<E>[];
  /** Streams whose stored version moves, with the version they move to. */
  readonly positions: ReadonlyMap<string, number>;
}

/**
 * Which of a chunk's events to apply, given the stream versions the model already holds. Streams keep
 * their order on a topic (the key is the stream's worker), so an event at or below its stream's stored
 * version was applied before: a relay resend, a redelivery after a rebalance. `if-known` events apply only
 * to streams the model holds. Pure.
 */
export function planChunk<E>(candidates: readonly Candidate<E>[], known: ReadonlyMap<string, number>): ChunkPlan<E> {
  const versions = new Map(known);
  const positions = new Map<string, number>();
  const accepted: Candidate<E>[] = [];
  for (const candidate of candidates) {
    if (candidate.relevance === 'drop') continue;
    const { streamId, streamVersion } = candidate.meta;
    const stored = versions.get(streamId);
    if (candidate.relevance === 'if-known' && stored === undefined) continue;
    if (stored !== undefined && streamVersion <= stored) continue;
    versions.set(streamId, streamVersion);
    positions.set(streamId, streamVersion);
    accepted.push(candidate);
  }
  return { accepted, positions };
}
