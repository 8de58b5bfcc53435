import type { Migration } from '@homeward/pg-kit/migrations';

/**
 * worker_status: one row per worker with their latest status, projected from the registration topic.
 * Rows only move forward: an event no newer than the row's stream version (a redelivery) changes
 * nothing, so the projection needs no record of handled event ids.
 */
export const migration: Migration = {
  id: '0001_worker_status',
  sql: `
    CREATE TABLE worker_status (
      worker_id uuid PRIMARY KEY,
      status text NOT NULL CHECK (status IN ('at_home', 'abroad', 'returned')),
      sex text NOT NULL,
      origin_area text NOT NULL,
      destination_country text,
      cycle_number integer NOT NULL DEFAULT 0,
      stream_version bigint NOT NULL,
      updated_at timestamptz NOT NULL
    );
    CREATE INDEX worker_status_by_status ON worker_status (status, updated_at DESC);
  `,
};
