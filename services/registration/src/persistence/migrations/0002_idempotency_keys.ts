import type { Migration } from '@homeward/pg-kit/migrations';

export const migration: Migration = {
  id: '0002_idempotency_keys',
  sql: `
    CREATE TABLE idempotency_keys (
      organisation_id text NOT NULL,
      idempotency_key text NOT NULL,
      fingerprint text NOT NULL,
      worker_id uuid NOT NULL,
      stream_version bigint NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (organisation_id, idempotency_key)
    );
  `,
};
