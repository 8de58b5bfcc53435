import type { Migration } from '@homeward/pg-kit/migrations';

export const migration: Migration = {
  id: '0003_sensitive_reads',
  sql: `
    -- Who read which sensitive record, when. Append-only; never shown to the people it records.
    CREATE TABLE sensitive_reads (
      read_at timestamptz NOT NULL DEFAULT now(),
      organisation_id text NOT NULL,
      organisation_kind text NOT NULL,
      subject text NOT NULL,
      worker_id uuid NOT NULL,
      record_type text NOT NULL,
      record_id text NOT NULL
    );
    CREATE INDEX sensitive_reads_by_worker ON sensitive_reads (worker_id, read_at);
  `,
};
