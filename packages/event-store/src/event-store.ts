import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { PgErrorCode, pgConstraint, pgErrorCode, withTransaction, type Queryable } from '@homeward/pg-kit';
import { eventStoreMigrations } from './schema';

export { eventStoreMigrations };

/** An event to append. `data` and `metadata` must be JSON-serialisable. */
export interface NewEvent {
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Record<string, unknown>;
  /** When it happened in the world; `recorded_at` is set by the store. */
  readonly occurredAt: Date;
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

/** A message for Kafka, written in the same transaction as the event it carries. */
export interface OutboxMessage {
  readonly eventId: string;
  readonly topic: string;
  readonly key: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly value: Uint8Array;
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

// One statement does the version check, the event rows and the outbox rows, so an append is atomic on
// its own and costs one round trip. There is deliberately no NOTIFY: a transaction that notifies takes
// a database-wide lock at commit, which serialises every concurrent append (measured: 4× slower at
// concurrency 32). The relay polls the partial index of unsent rows instead. Arrays are unnested rather than spread
// into bind parameters: PostgreSQL allows at most 65,535 parameters in one statement.
const APPEND_SQL = `
WITH current AS (
  SELECT coalesce(max(stream_version), 0) AS version FROM events WHERE stream_id = $1
),
inserted AS (
  INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata, occurred_at)
  SELECT $1, current.version + e.ord, e.event_id, e.event_type, e.data, e.metadata, e.occurred_at
  FROM current,
       unnest($3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[], $7::timestamptz[])
         WITH ORDINALITY AS e(event_id, event_type, data, metadata, occurred_at, ord)
  WHERE $2::bigint IS NULL OR current.version = $2::bigint
  ORDER BY e.ord
  RETURNING global_position, stream_version, event_id
),
outboxed AS (
  INSERT INTO outbox (event_id, topic, message_key, headers, value)
  SELECT o.event_id, o.topic, o.message_key, o.headers, o.value
  FROM unnest($8::uuid[], $9::text[], $10::text[], $11::jsonb[], $12::bytea[])
         WITH ORDINALITY AS o(event_id, topic, message_key, headers, value, ord)
  JOIN inserted ON inserted.event_id = o.event_id
  ORDER BY o.ord
  RETURNING 1
)
SELECT inserted.global_position, inserted.stream_version
FROM inserted
ORDER BY inserted.stream_version`;

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
 * PostgreSQL event store: streams with optimistic concurrency, idempotent appends by event id, a
 * global order that readers can follow without skipping, and a transactional outbox.
 */
export class EventStore {
  constructor(private readonly pool: Pool) {}

  /**
   * Appends `events` to `streamId` if the stream is at `expectedVersion`, with their outbox messages,
   * atomically. Pass `client` to make the append part of a transaction the caller controls.
   */
  async append(
    streamId: string,
    expectedVersion: ExpectedVersion,
    events: readonly NewEvent[],
    options: { outbox?: readonly OutboxMessage[]; client?: PoolClient } = {},
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const outbox = options.outbox ?? [];
    const db: Queryable = options.client ?? this.pool;
    const params = [
      streamId,
      expectedVersion === 'any' ? null : expectedVersion,
      events.map((e) => e.eventId),
      events.map((e) => e.type),
      events.map((e) => JSON.stringify(e.data)),
      events.map((e) => JSON.stringify(e.metadata)),
      events.map((e) => e.occurredAt.toISOString()),
      outbox.map((m) => m.eventId),
      outbox.map((m) => m.topic),
      outbox.map((m) => m.key),
      outbox.map((m) => JSON.stringify(m.headers)),
      outbox.map((m) => Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength)),
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
   * Creates many streams at once (bulk imports): each stream must not exist yet, and all of them, with
   * their outbox messages, are written in one statement. If any stream exists, nothing is written and
   * a ConcurrencyError names it.
   */
  async appendToNewStreams(
    streams: readonly { readonly streamId: string; readonly events: readonly NewEvent[] }[],
    options: { outbox?: readonly OutboxMessage[]; client?: PoolClient } = {},
  ): Promise<void> {
    const rows = streams.flatMap((s) => s.events.map((e, i) => ({ streamId: s.streamId, version: i + 1, event: e })));
    if (rows.length === 0) return;
    const outbox = options.outbox ?? [];
    if (rows.length >= COPY_FROM_ROWS) {
      const { client } = options;
      try {
        await (client ? copyNewStreams(client, rows, outbox) : withTransaction(this.pool, (c) => copyNewStreams(c, rows, outbox)));
      } catch (error) {
        if (pgErrorCode(error) === PgErrorCode.uniqueViolation) throw new ConcurrencyError('(one of a batch of new streams)', 0, undefined);
        throw error;
      }
      return;
    }
    const db: Queryable = options.client ?? this.pool;
    try {
      await db.query(
        `WITH inserted AS (
           INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata, occurred_at)
           SELECT * FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[], $7::timestamptz[])
           RETURNING event_id
         )
         INSERT INTO outbox (event_id, topic, message_key, headers, value)
         SELECT o.event_id, o.topic, o.message_key, o.headers, o.value
           FROM unnest($8::uuid[], $9::text[], $10::text[], $11::jsonb[], $12::bytea[]) WITH ORDINALITY AS o(event_id, topic, message_key, headers, value, ord)
           JOIN inserted ON inserted.event_id = o.event_id
          ORDER BY o.ord`,
        [
          rows.map((r) => r.streamId),
          rows.map((r) => r.version),
          rows.map((r) => r.event.eventId),
          rows.map((r) => r.event.type),
          rows.map((r) => JSON.stringify(r.event.data)),
          rows.map((r) => JSON.stringify(r.event.metadata)),
          rows.map((r) => r.event.occurredAt.toISOString()),
          outbox.map((m) => m.eventId),
          outbox.map((m) => m.topic),
          outbox.map((m) => m.key),
          outbox.map((m) => JSON.stringify(m.headers)),
          outbox.map((m) => Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength)),
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
   * Reads the next events of the global order after `checkpoint`.
   *
   * Positions are taken from a sequence before commit, so a transaction holding position 10 can commit
   * after one holding 11. A reader that checkpointed 11 would skip 10 forever. We therefore order by
   * (writing transaction id, position) and only return rows written by transactions older than every
   * transaction still in flight (`pg_snapshot_xmin`): no row can later appear behind the checkpoint.
   *
   * The price: transaction ids are cluster-wide, so a transaction open anywhere on the server holds
   * readers back until it ends. Readers lag by at most the longest-running transaction; keep them short.
   */
  async readAll(
    checkpoint: GlobalCheckpoint = beginningOfTime,
    limit = 1000,
  ): Promise<{ events: StoredEvent[]; checkpoint: GlobalCheckpoint }> {
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events
        WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY transaction_id, global_position
        LIMIT $3`,
      [checkpoint.transactionId, checkpoint.globalPosition, limit],
    );
    const events = rows.map(toStoredEvent);
    const last = events[events.length - 1];
    return { events, checkpoint: last ? { transactionId: last.transactionId, globalPosition: last.globalPosition } : checkpoint };
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

/** Events, then their outbox messages in the same order (the relay sends by outbox position), in the caller's transaction. */
async function copyNewStreams(
  client: PoolClient,
  rows: readonly { streamId: string; version: number; event: NewEvent }[],
  outbox: readonly OutboxMessage[],
): Promise<void> {
  await copyRows(
    client,
    'COPY events (stream_id, stream_version, event_id, event_type, data, metadata, occurred_at) FROM STDIN',
    (function* () {
      for (const { streamId, version, event } of rows) {
        yield `${copyText(streamId)}\t${version}\t${event.eventId}\t${copyText(event.type)}\t${copyText(JSON.stringify(event.data))}\t${copyText(
          JSON.stringify(event.metadata),
        )}\t${event.occurredAt.toISOString()}\n`;
      }
    })(),
  );
  if (outbox.length === 0) return;
  await copyRows(
    client,
    'COPY outbox (event_id, topic, message_key, headers, value) FROM STDIN',
    (function* () {
      for (const m of outbox) {
        const hex = Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength).toString('hex');
        yield `${m.eventId}\t${copyText(m.topic)}\t${copyText(m.key)}\t${copyText(JSON.stringify(m.headers))}\t\\\\x${hex}\n`;
      }
    })(),
  );
}
