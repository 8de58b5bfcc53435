import type { Migration } from '@homeward/pg-kit/migrations';

/** The checkpoint name of the service's publisher (the relay to Kafka), the one reader the schema knows by name. */
export const PUBLISHER_READER = 'publisher';

/**
 * The event store's tables. `events` is append-only: rows are never updated or deleted.
 * `transaction_id` (xid8) lets readers of the global order wait for transactions that took a lower
 * position but have not committed yet (see EventStore.readAll). `global_checkpoints` holds where each
 * named reader of that order (the publisher to Kafka, say) has got to.
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
  {
    // The events table is its own outbox (docs/adr/0003): a publisher follows the global order from a
    // checkpoint instead of each event also writing, and later updating, a row of its own. Where the
    // outbox relay had got to becomes the publisher's checkpoint: just before the oldest event still
    // unsent, or after the last event when everything was sent. Events between that point and where the
    // relay really was are sent again, which consumers absorb (they deduplicate by event id).
    id: '0002_events_are_the_outbox',
    sql: `
      CREATE TABLE global_checkpoints (
        reader text PRIMARY KEY,
        transaction_id xid8 NOT NULL,
        global_position bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO global_checkpoints (reader, transaction_id, global_position)
      SELECT '${PUBLISHER_READER}', transaction_id, global_position FROM (
        (SELECT e.transaction_id, e.global_position - 1 AS global_position
           FROM outbox o JOIN events e USING (event_id)
          WHERE o.sent_at IS NULL
          ORDER BY e.transaction_id, e.global_position
          LIMIT 1)
        UNION ALL
        (SELECT transaction_id, global_position FROM events
          WHERE NOT EXISTS (SELECT 1 FROM outbox WHERE sent_at IS NULL)
          ORDER BY transaction_id DESC, global_position DESC
          LIMIT 1)
      ) AS reached;
      DROP TABLE outbox;
    `,
  },
  {
    // Where a publisher's messages stand on its topics when its checkpoint moved: per topic and partition,
    // the offset just past its last message there. Kept in the checkpoint's row so that both move in one
    // write (and are lost together in a crash): a relay that may send again reads its topics from there
    // and leaves out what is already on them (docs/adr/0003). Null until the publisher first records it.
    id: '0003_published_through',
    sql: `ALTER TABLE global_checkpoints ADD COLUMN published_through jsonb;`,
  },
];
