import type { Migration } from '@homeward/pg-kit/migrations';

export const migration: Migration = {
  id: '0005_import_rows',
  sql: `
    -- Which rows of which legacy register were imported, and as which worker: re-running an import
    -- imports nothing twice.
    CREATE TABLE import_rows (
      source text NOT NULL,
      row_id text NOT NULL,
      worker_id uuid NOT NULL,
      imported_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (source, row_id)
    );
  `,
};
