import type { PoolClient } from 'pg';
import type { IncomingMessage } from '@homeward/messaging/consumer';
import { buildBookkeeping } from './builds';

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

/** Every table of a build: the machinery's bookkeeping (`projection_streams`, `projection_progress`) and the model's. */
export function buildSchema(definition: Pick<ProjectionDefinition<unknown>, 'schema'>): readonly string[] {
  return [...buildBookkeeping, ...definition.schema];
}

/** An event as the machinery hands it to a build: decoded, with its place in its stream and the subject it erases. */
export interface DecodedEvent<E> {
  readonly event: E;
  readonly meta: EventMeta;
  readonly erasedSubject: string | undefined;
}

/**
 * What a build does with a chunk of events inside its transaction (the search_path on the build's schema):
 * relevance, deduplication by the stream versions in `projection_streams`, runs of events between erasures
 * through `applyAll` (or `apply` one by one), and each erasure alone: `erase`, then `apply`. Returns the
 * plan; the streams' new versions are the caller's to record (the host writes them with the partition's
 * progress in one statement; `projectEvents` writes them on their own).
 */
export async function applyChunk<E>(
  definition: ProjectionDefinition<E>,
  decoded: readonly DecodedEvent<E>[],
  tx: PoolClient,
): Promise<ChunkPlan<E>> {
  const candidates: (Candidate<E> & { erasedSubject: string | undefined })[] = decoded.map((d) => ({
    event: d.event,
    meta: d.meta,
    relevance: definition.relevance?.(d.event) ?? 'keep',
    erasedSubject: d.erasedSubject,
  }));
  const streams = [...new Set(candidates.filter((c) => c.relevance !== 'drop').map((c) => c.meta.streamId))];
  const known = new Map<string, number>();
  if (streams.length > 0) {
    const stored = await tx.query<{ stream_id: string; version: string }>(
      'SELECT stream_id, version FROM projection_streams WHERE stream_id = ANY($1::text[])',
      [streams],
    );
    for (const r of stored.rows) known.set(r.stream_id, Number(r.version));
  }
  const plan = planChunk(candidates, known);
  // Runs of events between erasures go to `applyAll` when the model has it; an erasure is applied alone.
  let run: E[] = [];
  const flush = async () => {
    if (run.length === 0) return;
    const events = run;
    run = [];
    if (definition.applyAll) await definition.applyAll(events, tx);
    else for (const event of events) await definition.apply(event, tx);
  };
  for (const candidate of plan.accepted) {
    const subject = (candidate as (typeof candidates)[number]).erasedSubject;
    if (subject === undefined) {
      run.push(candidate.event);
      continue;
    }
    await flush();
    await definition.erase(subject, tx);
    await definition.apply(candidate.event, tx);
  }
  await flush();
  return plan;
}

/**
 * A chunk as a build applies it, the streams' new versions included: what a read model's tests give it,
 * one chunk for a rebuild's pace or one event a transaction for a live consumer's.
 */
export async function projectEvents<E>(
  definition: ProjectionDefinition<E>,
  decoded: readonly DecodedEvent<E>[],
  tx: PoolClient,
): Promise<void> {
  const plan = await applyChunk(definition, decoded, tx);
  if (plan.positions.size === 0) return;
  await tx.query(
    `INSERT INTO projection_streams (stream_id, version) SELECT * FROM unnest($1::text[], $2::bigint[])
     ON CONFLICT (stream_id) DO UPDATE SET version = greatest(projection_streams.version, EXCLUDED.version)`,
    [[...plan.positions.keys()], [...plan.positions.values()]],
  );
}
