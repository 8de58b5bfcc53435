import { getPostgreSQLEventStore, type PostgresEventStore } from '@event-driven-io/emmett-postgresql';
import { EventStore, eventStoreMigrations, type NewEvent } from '@homeward/event-store';
import type { Pool } from '@homeward/pg-kit';
import { migrate } from '@homeward/pg-kit/migrations';
import type { BenchEvent, DepartureRecorded, EventMetadata } from './payloads.js';

/**
 * Appends `events` to `streamId`, which the caller knows to be at `expectedVersion`. Must reject on any
 * failure: a benchmark that swallows errors measures nothing.
 */
export type Append = (streamId: string, expectedVersion: number, events: readonly BenchEvent[]) => Promise<void>;

export interface Contender {
  readonly name: string;
  readonly description: string;
  /** Creates the contender's schema in an empty database and returns its append. */
  prepare(pool: Pool, url: string): Promise<{ append: Append; close(): Promise<void> }>;
}

/**
 * The limit: the very rows Homeward writes — the events, into the same table with the same columns,
 * defaults and indexes — by plain INSERTs, with no version check, idempotency or anything else an event
 * store does. What is left between this and Homeward is the store's own logic. Named statements, like
 * Homeward's append: a limit must not pay for parsing and planning on every call.
 */
export const plainInsert: Contender = {
  name: 'plain-insert',
  description: 'pg INSERT of the same event rows into the same table (same schema and indexes), no event-store logic',
  async prepare(pool) {
    await migrate(pool, 'event-store', eventStoreMigrations);
    const append: Append = async (streamId, expectedVersion, events) => {
      await pool.query({
        name: 'bench-plain-insert',
        text: `INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata, occurred_at)
               SELECT $1, $2::bigint + e.ord, e.event_id, e.event_type, e.data, e.metadata, e.occurred_at
               FROM unnest($3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[], $7::timestamptz[])
                 WITH ORDINALITY AS e(event_id, event_type, data, metadata, occurred_at, ord)`,
        values: [
          streamId,
          expectedVersion,
          events.map((e) => e.eventId),
          events.map((e) => e.type),
          events.map((e) => JSON.stringify(e.data)),
          events.map((e) => JSON.stringify(e.metadata)),
          events.map((e) => e.occurredAt.toISOString()),
        ],
      });
    };
    return { append, close: async () => undefined };
  },
};

/**
 * A second, leaner limit (for information): the events in a table with only the columns of an event (no
 * global position, transaction id or recorded-at) and the same two unique constraints. What is left
 * between this and Homeward is the store's logic and its schema: global order, idempotency.
 */
export const plainInsertLean: Contender = {
  name: 'plain-insert-lean',
  description: 'pg INSERT of the events into a lean table (event columns and the two unique constraints), no event-store logic',
  async prepare(pool) {
    await pool.query(`
      CREATE TABLE events (
        stream_id text NOT NULL,
        stream_version bigint NOT NULL,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        CONSTRAINT events_event_id_unique UNIQUE (event_id),
        CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
      )`);
    const append: Append = async (streamId, expectedVersion, events) => {
      if (events.length === 1) {
        const e = events[0]!;
        await pool.query({
          name: 'bench-plain-insert-lean-one',
          text: `INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata, occurred_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          values: [
            streamId,
            expectedVersion + 1,
            e.eventId,
            e.type,
            JSON.stringify(e.data),
            JSON.stringify(e.metadata),
            e.occurredAt.toISOString(),
          ],
        });
        return;
      }
      await pool.query({
        name: 'bench-plain-insert-lean-batch',
        text: `INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata, occurred_at)
               SELECT $1, $2::bigint + e.ord, e.event_id, e.event_type, e.data, e.metadata, e.occurred_at
               FROM unnest($3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[], $7::timestamptz[])
                 WITH ORDINALITY AS e(event_id, event_type, data, metadata, occurred_at, ord)`,
        values: [
          streamId,
          expectedVersion,
          events.map((e) => e.eventId),
          events.map((e) => e.type),
          events.map((e) => JSON.stringify(e.data)),
          events.map((e) => JSON.stringify(e.metadata)),
          events.map((e) => e.occurredAt.toISOString()),
        ],
      });
    };
    return { append, close: async () => undefined };
  },
};

function toNewEvent(e: BenchEvent): NewEvent {
  return { eventId: e.eventId, type: e.type, data: e.data, metadata: e.metadata, occurredAt: e.occurredAt };
}

/** Homeward's store, as the services use it: the events are the outbox, nothing else is written. */
export const homeward: Contender = {
  name: 'homeward',
  description: '@homeward/event-store append (production use: the relay publishes from the events table)',
  async prepare(pool) {
    await migrate(pool, 'event-store', eventStoreMigrations);
    const store = new EventStore(pool);
    const append: Append = async (streamId, expectedVersion, events) => {
      const result = await store.append(streamId, expectedVersion, events.map(toNewEvent));
      if (result.alreadyAppended) throw new Error(`append to ${streamId} was unexpectedly treated as a retry`);
    };
    return { append, close: async () => undefined };
  },
};

type EmmettDepartureRecorded = {
  type: 'DepartureRecorded';
  data: DepartureRecorded;
  metadata: EventMetadata & { messageId: string };
};

/**
 * The peer: Emmett's PostgreSQL event store on a pg.Pool of the same size. Emmett has no occurred-at
 * column (it stamps `created` itself) and no outbox; `messageId` in metadata becomes its message id.
 */
export const emmett: Contender = {
  name: 'emmett',
  description: '@event-driven-io/emmett-postgresql appendToStream with expectedStreamVersion',
  async prepare(pool, url) {
    const store: PostgresEventStore = getPostgreSQLEventStore(url, {
      connectionOptions: { pool },
      schema: { autoMigration: 'None' },
    });
    await store.schema.migrate();
    const append: Append = async (streamId, expectedVersion, events) => {
      const result = await store.appendToStream<EmmettDepartureRecorded>(
        streamId,
        events.map((e) => ({ type: e.type, data: e.data, metadata: { ...e.metadata, messageId: e.eventId } })),
        { expectedStreamVersion: BigInt(expectedVersion) },
      );
      if (result.nextExpectedStreamVersion !== BigInt(expectedVersion + events.length)) {
        throw new Error(`emmett put ${streamId} at version ${result.nextExpectedStreamVersion}`);
      }
    };
    return { append, close: () => store.close() };
  },
};

/** Every phase runs in a process of its own: creating an Emmett store installs process-wide pg type parsers. */
export const contenders: readonly Contender[] = [plainInsert, plainInsertLean, homeward, emmett];
