import type { Migration } from '@homeward/pg-kit/migrations';

/** Checkpoints of the replay's fold (issue 14): the state at partition offsets, in chunks (DATABASE.md). */
export const migration: Migration = {
  id: '0002_fold_checkpoints',
  sql: `
    CREATE TABLE fold_checkpoints (
      id bigserial PRIMARY KEY,
      fold_version integer NOT NULL,
      scope text NOT NULL,
      offsets jsonb NOT NULL,
      recorded_until bigint,
      events_read bigint NOT NULL,
      undecodable bigint NOT NULL,
      state_bytes bigint NOT NULL,
      state_sha256 text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX fold_checkpoints_usable ON fold_checkpoints (fold_version, scope, recorded_until);
    CREATE TABLE fold_checkpoint_chunks (
      checkpoint_id bigint NOT NULL REFERENCES fold_checkpoints (id) ON DELETE CASCADE,
      n integer NOT NULL,
      bytes bytea NOT NULL,
      PRIMARY KEY (checkpoint_id, n)
    );
  `,
};
