import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { PgErrorCode, pgConstraint, pgErrorCode, withTransaction, type Queryable } from '@homeward/pg-kit';
import { PUBLISHER_READER, eventStoreMigrations } from './schema';
import { APPEND_SPAN, appendSpanOptions, isTraced, withTraceparent } from './tracing';
import { inSpan } from '@homeward/telemetry';

export { PUBLISHER_READER, eventStoreMigrations };

/** An event to append. `data` and `metadata` must be JSON-serialisable. */
export interface NewEvent {
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Record<string, unknown>;
  /** When it happened in the world. */
  readonly occurredAt: Date;
  /** When the system learnt it (the command's clock); the database's clock when absent. */
  readonly recordedAt?: Date;
}

export interface StoredEvent {
  readonly globalPosition: number;
  readonly transactionId: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Record<string, unknown>;
  readonly occurredAt: Date;
  readonly recordedAt: Date;
}

/**
 * The version the caller believes the stream is at: the number of events it holds (0 for a stream
 * that does not exist yet), or 'any' to skip the check.
 */
export type ExpectedVersion = number | 'any';

export interface AppendResult {
  /** The stream's version after the append; pass it as the next expected version. */
  readonly streamVersion: number;
  readonly globalPositions: readonly number[];
  /** True when every event id was already stored: the append was a retry and changed nothing. */
  readonly alreadyAppended: boolean;
}

export class ConcurrencyError extends Error {
  override readonly name = 'ConcurrencyError';
  constructor(
    readonly streamId: string,
    readonly expectedVersion: ExpectedVersion,
    readonly actualVersion: number | undefined,
  ) {
    super(
      `stream ${streamId} is at version ${actualVersion ?? 'unknown'}, not at the expected ${String(expectedVersion)}: another writer got there first`,
    );
  }
}

/** Some but not all event ids of an append were stored before: a caller bug, never a retry. */
export class EventIdReuseError extends Error {
  override readonly name = 'EventIdReuseError';
  constructor(readonly eventIds: readonly string[]) {
    super(`event ids already used by other appends: ${eventIds.join(', ')}`);
  }
}

/** Where a reader of the global order stands: the last (transaction id, position) it handled. */
export interface GlobalCheckpoint {
  readonly transactionId: string;
  readonly globalPosition: number;
}

export const beginningOfTime: GlobalCheckpoint = { transactionId: '0', globalPosition: 0 };

/**
 * Where a publisher's messages stand on its topics, kept with its checkpoint: per topic, per partition,
 * the offset just past the last message it wrote there up to that checkpoint. The store keeps it as is.
 */
export type PublishedThrough = Readonly<Record<string, Readonly<Record<string, number>>>>;

// One statement does the version check and the event rows, so an append is atomic on its own and costs
// one round trip. Nothing else is written: the events table is the outbox, and the publisher follows
// the global order (readAll) from its checkpoint. There is deliberately no NOTIFY: a transaction that
// notifies takes a database-wide lock at commit, which serialises every concurrent append (measured: 4×
// slower at concurrency 32). Arrays are unnested rather than spread into bind parameters: PostgreSQL
// allows at most 65,535 parameters in one statement.
const APPEND_SQL = `
WITH current AS (
  SELECT coalesce(max(stream_version), 0) AS version FROM events WHERE stream_id = $1
),
inserted AS (
  INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata, occurred_at, recorded_at)
  SELECT $1, current.version + e.ord, e.event_id, e.event_type, $5::jsonb -> (e.ord::int - 1), $6::jsonb -> (e.ord::int - 1),
         e.occurred_at, coalesce(e.recorded_at, now())
  FROM current,
       unnest($3::uuid[], $4::text[], $7::timestamptz[], $8::timestamptz[])
         WITH ORDINALITY AS e(event_id, event_type, occurred_at, recorded_at, ord)
  WHERE $2::bigint IS NULL OR current.version = $2::bigint
  ORDER BY e.ord
  RETURNING global_position, stream_version
)
SELECT global_position, stream_version FROM inserted ORDER BY stream_version`;

// appendToStreams: every stream's version is read, the events of those at their expected version are
// inserted in the order given, and each append learns its stream's version before and after.
const APPEND_MANY_SQL = `
WITH appends AS (
  SELECT a.stream_id, a.expected, a.n,
         coalesce((SELECT max(stream_version) FROM events e WHERE e.stream_id = a.stream_id), 0) AS version
    FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS a(stream_id, expected, n)
),
inserted AS (
  INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata, occurred_at, recorded_at)
  SELECT a.stream_id, a.version + e.ord, e.event_id, e.event_type, $7::jsonb -> (e.k::int - 1), $8::jsonb -> (e.k::int - 1),
         e.occurred_at, coalesce(e.recorded_at, now())
    FROM unnest($3::int[], $4::int[], $5::uuid[], $6::text[], $9::timestamptz[], $10::timestamptz[])
           WITH ORDINALITY AS e(n, ord, event_id, event_type, occurred_at, recorded_at, k)
    JOIN appends a ON a.n = e.n
   WHERE a.expected IS NULL OR a.version = a.expected
   ORDER BY e.k
  RETURNING stream_id, stream_version, global_position
)
SELECT a.version,
       (SELECT max(i.stream_version) FROM inserted i WHERE i.stream_id = a.stream_id) AS appended,
       (SELECT array_agg(i.global_position ORDER BY i.stream_version) FROM inserted i WHERE i.stream_id = a.stream_id) AS positions
  FROM appends a
 ORDER BY a.n`;

/**
 * The events' data (or metadata) as one JSON array, the statement's `$n::jsonb -> i`: as a `jsonb[]` of JSON
 * texts, pg escapes every quote of every element into an array literal, a few copies of each event's JSON
 * on every append (measured: ~4–5 KB of garbage per command in registration's returns).
 */
function jsonArray<T>(events: readonly T[], field: (event: T) => unknown): string {
  return JSON.stringify(events.map(field));
}

/** What a decider folds of a stored event. */
/** A subject's data key as the personal-data vault stores it: wrapped, or null once the subject is erased. */
export interface SubjectKeyRow {
  readonly keyId: string;
  readonly wrappedKey: Buffer | null;
}

export interface FoldEvent {
  readonly type: string;
  readonly data: unknown;
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

interface EventRow {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  stream_version: string;
  event_id: string;
  event_type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  occurred_at: Date;
  recorded_at: Date;
}

const EVENT_COLUMNS =
  'global_position, transaction_id, stream_id, stream_version, event_id, event_type, data, metadata, occurred_at, recorded_at';

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    globalPosition: Number(row.global_position),
    transactionId: row.transaction_id,
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    eventId: row.event_id,
    type: row.event_type,
    data: row.data,
    metadata: row.metadata,
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
  };
}

/**
 * PostgreSQL event store: streams with optimistic concurrency, idempotent appends by event id, and a
 * global order that readers (the publisher to Kafka among them) follow without skipping, from
 * checkpoints kept in the same database.
 */
export class EventStore {
  constructor(private readonly pool: Pool) {}

  /**
   * Appends `events` to `streamId` if the stream is at `expectedVersion`, atomically. Pass `client` to
   * make the append part of a transaction the caller controls; such a transaction must read the stream
   * before its first write (see readAll: the global order is the writing transactions' order, and a
   * transaction holding an id from before the events it read would be ordered before them).
   */
  async append(
    streamId: string,
    expectedVersion: ExpectedVersion,
    events: readonly NewEvent[],
    options: { client?: PoolClient } = {},
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    // Each append is a span of the command's trace, and the events keep its traceparent: the relay's
    // publish continues the trace from there. Events stamped already (by CoalescingStreams) have their span.
    if (isTraced(events)) return this.appendNow(streamId, expectedVersion, events, options);
    return inSpan(APPEND_SPAN, appendSpanOptions(streamId, events), () =>
      this.appendNow(streamId, expectedVersion, withTraceparent(events), options),
    );
  }

  private async appendNow(
    streamId: string,
    expectedVersion: ExpectedVersion,
    events: readonly NewEvent[],
    options: { client?: PoolClient },
  ): Promise<AppendResult> {
    const db: Queryable = options.client ?? this.pool;
    const params = [
      streamId,
      expectedVersion === 'any' ? null : expectedVersion,
      events.map((e) => e.eventId),
      events.map((e) => e.type),
      jsonArray(events, (e) => e.data),
      jsonArray(events, (e) => e.metadata),
      events.map((e) => e.occurredAt.toISOString()),
      events.map((e) => e.recordedAt?.toISOString() ?? null),
    ];
    try {
      // A named statement: PostgreSQL parses and plans the append once per connection, not on every call.
      const { rows } = await db.query<{ global_position: string; stream_version: string }>({
        name: 'homeward-event-store-append',
        text: APPEND_SQL,
        values: params,
      });
      if (rows.length === events.length) {
        return {
          streamVersion: Number(rows[rows.length - 1]!.stream_version),
          globalPositions: rows.map((r) => Number(r.global_position)),
          alreadyAppended: false,
        };
      }
      // Nothing was inserted: the stream moved on, or this is a retry of an append that succeeded.
      return await this.explainRefusal(db, streamId, expectedVersion, events);
    } catch (error) {
      if (pgErrorCode(error) !== PgErrorCode.uniqueViolation) throw error;
      // A concurrent writer committed between our version check and our insert.
      if (options.client) throw new ConcurrencyError(streamId, expectedVersion, undefined);
      const constraint = pgConstraint(error);
      if (constraint === 'events_event_id_unique') return await this.explainRefusal(db, streamId, expectedVersion, events);
      throw new ConcurrencyError(streamId, expectedVersion, await this.streamVersion(streamId));
    }
  }

  /**
   * Creates many streams at once (bulk imports): each stream must not exist yet, and all of them are
   * written in one statement (COPY for large batches). If any stream exists, nothing is written and a
   * ConcurrencyError names it.
   */
  async appendToNewStreams(
    streams: readonly { readonly streamId: string; readonly events: readonly NewEvent[] }[],
    options: { client?: PoolClient } = {},
  ): Promise<void> {
    const rows = streams.flatMap((s) => withTraceparent(s.events).map((e, i) => ({ streamId: s.streamId, version: i + 1, event: e })));
    if (rows.length === 0) return;
    try {
      if (rows.length >= COPY_FROM_ROWS) {
        const { client } = options;
        await (client ? copyNewStreams(client, rows) : withTransaction(this.pool, (c) => copyNewStreams(c, rows)));
        return;
      }
      await (options.client ?? this.pool).query(
        `INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata, occurred_at, recorded_at)
         SELECT s, v, i, t, d, m, o, coalesce(r, now())
           FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[], $7::timestamptz[], $8::timestamptz[])
             AS e(s, v, i, t, d, m, o, r)`,
        [
          rows.map((r) => r.streamId),
          rows.map((r) => r.version),
          rows.map((r) => r.event.eventId),
          rows.map((r) => r.event.type),
          rows.map((r) => JSON.stringify(r.event.data)),
          rows.map((r) => JSON.stringify(r.event.metadata)),
          rows.map((r) => r.event.occurredAt.toISOString()),
          rows.map((r) => r.event.recordedAt?.toISOString() ?? null),
        ],
      );
    } catch (error) {
      if (pgErrorCode(error) === PgErrorCode.uniqueViolation) throw new ConcurrencyError('(one of a batch of new streams)', 0, undefined);
      throw error;
    }
  }

  private async explainRefusal(
    db: Queryable,
    streamId: string,
    expectedVersion: ExpectedVersion,
    events: readonly NewEvent[],
  ): Promise<AppendResult> {
    const ids = events.map((e) => e.eventId);
    const { rows } = await db.query<{ event_id: string; stream_id: string; stream_version: string; global_position: string }>(
      'SELECT event_id, stream_id, stream_version, global_position FROM events WHERE event_id = ANY($1::uuid[]) ORDER BY global_position',
      [ids],
    );
    if (rows.length === ids.length && rows.every((r) => r.stream_id === streamId)) {
      return {
        streamVersion: Number(rows[rows.length - 1]!.stream_version),
        globalPositions: rows.map((r) => Number(r.global_position)),
        alreadyAppended: true,
      };
    }
    if (rows.length > 0) throw new EventIdReuseError(rows.map((r) => r.event_id));
    const actual = await db.query<{ version: string }>(
      'SELECT coalesce(max(stream_version), 0) AS version FROM events WHERE stream_id = $1',
      [streamId],
    );
    throw new ConcurrencyError(streamId, expectedVersion, Number(actual.rows[0]!.version));
  }

  async streamVersion(streamId: string): Promise<number> {
    const { rows } = await this.pool.query<{ version: string }>(
      'SELECT coalesce(max(stream_version), 0) AS version FROM events WHERE stream_id = $1',
      [streamId],
    );
    return Number(rows[0]!.version);
  }

  /**
   * The stream's events from `fromVersion` up to and including `toVersion` (to the end when absent). Pass
   * `client` to read inside a transaction: a reader holding a transaction must never wait for a second
   * connection from the same pool, or enough concurrent readers exhaust the pool and wait for each other.
   */
  async readStream(streamId: string, fromVersion = 1, toVersion?: number, client?: PoolClient): Promise<StoredEvent[]> {
    const { rows } = await (client ?? this.pool).query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events
        WHERE stream_id = $1 AND stream_version >= $2 AND ($3::bigint IS NULL OR stream_version <= $3)
        ORDER BY stream_version`,
      [streamId, fromVersion, toVersion ?? null],
    );
    return rows.map(toStoredEvent);
  }

  /**
   * What a decider folds: the stream's event types and data in version order (up to `toVersion` when
   * given), and nothing else. A command loads its stream on every request, so this read asks for no
   * column the fold does not use (metadata, timestamps, positions are neither sent nor parsed).
   */
  async readStreamForFold(streamId: string, toVersion?: number, client?: PoolClient): Promise<FoldEvent[]> {
    const { rows } = await (client ?? this.pool).query<FoldEvent>({
      name: 'homeward-event-store-read-for-fold',
      text: `SELECT event_type AS type, data FROM events
              WHERE stream_id = $1 AND ($2::bigint IS NULL OR stream_version <= $2)
              ORDER BY stream_version`,
      values: [streamId, toVersion ?? null],
    });
    return rows;
  }

  /** `readStreamForFold` for many streams in one query: each stream's events, by stream id. */
  async readStreamsForFold(streamIds: readonly string[]): Promise<Map<string, FoldEvent[]>> {
    const { rows } = await this.pool.query<{ stream_id: string; type: string; data: unknown }>({
      name: 'homeward-event-store-read-many-for-fold',
      // A lateral lookup per stream rather than `stream_id = ANY($1)`: the plan stays an index scan per
      // stream whatever the statistics say (before the first ANALYZE of a table filled by a bulk import,
      // the generic plan of the ANY form was a parallel scan of the whole table).
      text: `SELECT s.stream_id, e.type, e.data
               FROM unnest($1::text[]) WITH ORDINALITY AS s(stream_id, n)
               CROSS JOIN LATERAL (
                 SELECT event_type AS type, data, stream_version FROM events
                  WHERE events.stream_id = s.stream_id ORDER BY stream_version
               ) AS e
              ORDER BY s.n, e.stream_version`,
      values: [streamIds],
    });
    const streams = new Map<string, FoldEvent[]>(streamIds.map((id) => [id, []]));
    for (const row of rows) streams.get(row.stream_id)!.push({ type: row.type, data: row.data });
    return streams;
  }

  /**
   * `readStreamsForFold` together with each stream's subject's data key, in one statement: a command on a
   * stream that holds sealed personal data needs the key to open it (and to seal what it appends), and
   * asking for the key in a statement of its own costs every such command a second round trip. The keys
   * sit in the personal-data vault's `data_keys` table (@homeward/personal-data), which lives in the
   * same database as the events by design (docs/adr/0006: erasure and the record of it commit together).
   * A subject without a key row is absent from `keys`; an erased one has `wrappedKey: null`.
   */
  async readStreamsForFoldWithKeys(
    requests: readonly { readonly streamId: string; readonly subjectId: string }[],
  ): Promise<{ streams: Map<string, FoldEvent[]>; keys: Map<string, SubjectKeyRow> }> {
    const streamIds = [...new Set(requests.map((r) => r.streamId))];
    const subjectIds = [...new Set(requests.map((r) => r.subjectId))];
    const { rows } = await this.pool.query<{
      stream_id: string | null;
      type: string | null;
      data: unknown;
      subject_id: string | null;
      key_id: string | null;
      wrapped_key: Buffer | null;
    }>({
      name: 'homeward-event-store-read-many-for-fold-with-keys',
      // The events as in readStreamsForFold (a lateral index scan per stream), then one row per subject's
      // key; the key rows carry no stream, the event rows no subject. The order's columns stay inside: every
      // column sent is a column parsed, on every row of every command's read.
      text: `SELECT r.stream_id, r.type, r.data, r.subject_id, r.key_id, r.wrapped_key FROM (
               SELECT s.stream_id, e.type, e.data, NULL::text AS subject_id, NULL::uuid AS key_id,
                      NULL::bytea AS wrapped_key, s.n, e.stream_version
                 FROM unnest($1::text[]) WITH ORDINALITY AS s(stream_id, n)
                 CROSS JOIN LATERAL (
                   SELECT event_type AS type, data, stream_version FROM events
                    WHERE events.stream_id = s.stream_id ORDER BY stream_version
                 ) AS e
               UNION ALL
               SELECT NULL, NULL, NULL, k.subject_id, k.key_id, k.wrapped_key, 0, 0
                 FROM unnest($2::text[]) AS u(subject_id)
                 JOIN data_keys AS k ON k.subject_id = u.subject_id
             ) AS r
             ORDER BY r.n, r.stream_version`,
      values: [streamIds, subjectIds],
    });
    const streams = new Map<string, FoldEvent[]>(streamIds.map((id) => [id, []]));
    const keys = new Map<string, SubjectKeyRow>();
    for (const row of rows) {
      if (row.stream_id !== null) streams.get(row.stream_id)!.push({ type: row.type!, data: row.data });
      else keys.set(row.subject_id!, { keyId: row.key_id!, wrappedKey: row.wrapped_key });
    }
    return { streams, keys };
  }

  /**
   * Appends to many streams in one statement, each at its own expected version, as if appended one by
   * one: an append whose stream moved on is refused (or recognised as a retry) without holding back the
   * others. Each stream at most once. The statement is one transaction; should it fail as a whole (a
   * writer outside the batch raced one of its streams), each append is made again on its own, so that
   * each gets its own answer. Answers in the order given: the result, or the error of that append.
   */
  async appendToStreams(
    appends: readonly { readonly streamId: string; readonly expectedVersion: ExpectedVersion; readonly events: readonly NewEvent[] }[],
  ): Promise<(AppendResult | Error)[]> {
    if (new Set(appends.map((a) => a.streamId)).size !== appends.length) throw new Error('appendToStreams takes each stream once');
    const events = appends.flatMap((a, n) => a.events.map((event, ord) => ({ n: n + 1, ord: ord + 1, event })));
    let rows: { version: string; appended: string | null; positions: string[] | null }[];
    try {
      ({ rows } = await this.pool.query({
        name: 'homeward-event-store-append-many',
        text: APPEND_MANY_SQL,
        values: [
          appends.map((a) => a.streamId),
          appends.map((a) => (a.expectedVersion === 'any' ? null : a.expectedVersion)),
          events.map((e) => e.n),
          events.map((e) => e.ord),
          events.map((e) => e.event.eventId),
          events.map((e) => e.event.type),
          jsonArray(events, (e) => e.event.data),
          jsonArray(events, (e) => e.event.metadata),
          events.map((e) => e.event.occurredAt.toISOString()),
          events.map((e) => e.event.recordedAt?.toISOString() ?? null),
        ],
      }));
    } catch (error) {
      const code = pgErrorCode(error);
      if (code !== PgErrorCode.uniqueViolation && code !== PgErrorCode.deadlockDetected) throw error;
      return Promise.all(appends.map((a) => this.append(a.streamId, a.expectedVersion, a.events).catch((e: unknown) => asError(e))));
    }
    return Promise.all(
      appends.map(async (a, i): Promise<AppendResult | Error> => {
        const row = rows[i]!;
        if (row.appended !== null) {
          return { streamVersion: Number(row.appended), globalPositions: (row.positions ?? []).map(Number), alreadyAppended: false };
        }
        // Refused on its version: another writer got there first, or this is a retry of an append that succeeded.
        return this.explainRefusal(this.pool, a.streamId, a.expectedVersion, a.events).catch((e: unknown) => asError(e));
      }),
    );
  }

  /**
   * Reads the next events of the global order after `checkpoint`.
   *
   * Positions are taken from a sequence before commit, so a transaction holding position 10 can commit
   * after one holding 11. A reader that checkpointed 11 would skip 10 forever. We therefore order by
   * (writing transaction id, position) and only return rows written by transactions older than every
   * transaction still in flight (`pg_snapshot_xmin`): no row can later appear behind the checkpoint.
   *
   * One stream's events come in version order as long as a transaction that appends to an existing
   * stream reads it before its first write (as `append` asks): its transaction id is then assigned
   * after the events it read had committed, so it is greater than theirs.
   *
   * The price: transaction ids are cluster-wide, so a transaction that has written anything, anywhere
   * on the server, holds readers back until it ends (read-only transactions, which take no id, do not).
   * Readers lag by at most the longest-running writing transaction; keep them short.
   */
  async readAll(
    checkpoint: GlobalCheckpoint = beginningOfTime,
    limit = 1000,
    db: Queryable = this.pool,
  ): Promise<{ events: StoredEvent[]; checkpoint: GlobalCheckpoint }> {
    const { rows } = await db.query<EventRow>({
      name: 'homeward-event-store-read-all',
      text: `SELECT ${EVENT_COLUMNS} FROM events
              WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
                AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
              ORDER BY transaction_id, global_position
              LIMIT $3`,
      values: [checkpoint.transactionId, checkpoint.globalPosition, limit],
    });
    const events = rows.map(toStoredEvent);
    const last = events[events.length - 1];
    return { events, checkpoint: last ? { transactionId: last.transactionId, globalPosition: last.globalPosition } : checkpoint };
  }

  /**
   * One stream's events from `from` up to `to` (both included) in the global order: what a reader of that
   * order passed over for this stream between the two points (the relay's quarantine holds such events
   * back). Read in version order, which is the global order within one stream.
   */
  async readStreamBetween(
    streamId: string,
    from: GlobalCheckpoint,
    to: GlobalCheckpoint,
    db: Queryable = this.pool,
  ): Promise<StoredEvent[]> {
    const { rows } = await db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events
        WHERE stream_id = $1
          AND (transaction_id, global_position) >= ($2::xid8, $3::bigint)
          AND (transaction_id, global_position) <= ($4::xid8, $5::bigint)
        ORDER BY stream_version`,
      [streamId, from.transactionId, from.globalPosition, to.transactionId, to.globalPosition],
    );
    return rows.map(toStoredEvent);
  }

  /** Where the named reader of the global order has got to; the beginning if it never saved a checkpoint. */
  async checkpointOf(reader: string, db: Queryable = this.pool): Promise<GlobalCheckpoint> {
    const { rows } = await db.query<{ transaction_id: string; global_position: string }>(
      'SELECT transaction_id, global_position FROM global_checkpoints WHERE reader = $1',
      [reader],
    );
    const row = rows[0];
    return row ? { transactionId: row.transaction_id, globalPosition: Number(row.global_position) } : beginningOfTime;
  }

  /** Where the named publisher's messages stood on its topics at its checkpoint; undefined if it never said. */
  async publishedThroughOf(reader: string, db: Queryable = this.pool): Promise<PublishedThrough | undefined> {
    const { rows } = await db.query<{ published_through: PublishedThrough | null }>(
      'SELECT published_through FROM global_checkpoints WHERE reader = $1',
      [reader],
    );
    return rows[0]?.published_through ?? undefined;
  }

  /**
   * Moves the named reader's checkpoint forward to `checkpoint` (never back), with, for a publisher, where
   * its messages stand on its topics (kept as it was when not given).
   */
  async saveCheckpoint(
    reader: string,
    checkpoint: GlobalCheckpoint,
    db: Queryable = this.pool,
    publishedThrough?: PublishedThrough,
  ): Promise<void> {
    await db.query({
      name: 'homeward-event-store-save-checkpoint',
      text: `INSERT INTO global_checkpoints AS c (reader, transaction_id, global_position, published_through) VALUES ($1, $2, $3, $4)
             ON CONFLICT (reader) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, global_position = EXCLUDED.global_position,
                                                published_through = coalesce(EXCLUDED.published_through, c.published_through),
                                                updated_at = now()
              WHERE (c.transaction_id, c.global_position) < (EXCLUDED.transaction_id, EXCLUDED.global_position)`,
      values: [reader, checkpoint.transactionId, checkpoint.globalPosition, publishedThrough ? JSON.stringify(publishedThrough) : null],
    });
  }

  /**
   * How far the named reader is behind: every committed event after its checkpoint, and the recorded-at
   * of the oldest of them (undefined when it is caught up). That includes events the reader may not read
   * yet because an older transaction is still open (they lie above `pg_snapshot_xmin`): "nothing left"
   * must mean that everything committed so far has been read, not only what is readable now.
   */
  async backlogOf(reader: string, db: Queryable = this.pool): Promise<{ events: number; oldestRecordedAt: Date | undefined }> {
    // The checkpoint first, then the events after it as parameters: the events' order index then reads only
    // the backlog. Joined to the checkpoint in one statement, PostgreSQL read the whole table each time (a
    // metrics scrape, a drained() poll). A checkpoint that moves on in between only makes the count larger.
    const checkpoint = await db.query<{ transaction_id: string; global_position: string }>(
      'SELECT transaction_id::text, global_position::text FROM global_checkpoints WHERE reader = $1',
      [reader],
    );
    const { rows } = await db.query<{ events: number; oldest: Date | null }>(
      `SELECT count(*)::int AS events, min(recorded_at) AS oldest
         FROM events
        WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)`,
      [checkpoint.rows[0]?.transaction_id ?? '0', checkpoint.rows[0]?.global_position ?? '0'],
    );
    return { events: rows[0]!.events, oldestRecordedAt: rows[0]!.oldest ?? undefined };
  }
}

/**
 * From this many events on, new streams are written with COPY rather than one INSERT of arrays: the
 * arrays' text form (every JSON document escaped as an array element, every message as hex inside it)
 * costs more to build and to parse than the rows themselves. A bulk import writes thousands at once.
 */
const COPY_FROM_ROWS = 1_000;

/** A value in COPY's text format: backslash, newline, carriage return and tab escaped. */
const copyText = (value: string): string =>
  value.replace(/[\\\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));

async function copyRows(client: PoolClient, statement: string, lines: Iterable<string>): Promise<void> {
  async function* chunks() {
    let chunk = '';
    for (const line of lines) {
      chunk += line;
      if (chunk.length > 1 << 20) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  await pipeline(Readable.from(chunks()), client.query(copyFrom(statement)));
}

/** The events, in the caller's transaction. */
async function copyNewStreams(client: PoolClient, rows: readonly { streamId: string; version: number; event: NewEvent }[]): Promise<void> {
  // recorded_at: where an event brings none, the database's clock, as in `append`.
  const someAbsent = rows.some((r) => r.event.recordedAt === undefined);
  const now = someAbsent ? (await client.query<{ now: Date }>('SELECT now()')).rows[0]!.now.toISOString() : '';
  await copyRows(
    client,
    'COPY events (stream_id, stream_version, event_id, event_type, data, metadata, occurred_at, recorded_at) FROM STDIN',
    (function* () {
      for (const { streamId, version, event } of rows) {
        yield `${copyText(streamId)}\t${version}\t${event.eventId}\t${copyText(event.type)}\t${copyText(JSON.stringify(event.data))}\t${copyText(
          JSON.stringify(event.metadata),
        )}\t${event.occurredAt.toISOString()}\t${event.recordedAt?.toISOString() ?? now}\n`;
      }
    })(),
  );
}
