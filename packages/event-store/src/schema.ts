import type { Migration } from '@homeward/pg-kit/migrations';

/**
 * The event store's tables. `events` is append-only: rows are never updated or deleted.
 * `transaction_id` (xid8) lets readers of the global order wait for transactions that took a lower
 * position but have not committed yet (see EventStore.readAll).
 */
export const eventStoreMigrations: readonly Migration[] = [
  {
    id: '0001_events_and_outbox',
    sql: `
      CREATE TABLE events (
        global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        stream_id text NOT NULL,
        stream_version bigint NOT NULL CHECK (stream_version > 0),
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT events_event_id_unique UNIQUE (event_id),
        CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
      );
      CREATE INDEX events_global_order ON events (transaction_id, global_position);

      CREATE TABLE outbox (
        position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event_id uuid NOT NULL CONSTRAINT outbox_event_id_unique UNIQUE,
        topic text NOT NULL,
        message_key text NOT NULL,
        headers jsonb NOT NULL,
        value bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      );
      CREATE INDEX outbox_unsent ON outbox (position) WHERE sent_at IS NULL;
    `,
  },
];
