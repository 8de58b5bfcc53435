import type { Migration } from '@homeward/pg-kit/migrations';

// The stream version of the last correction applied, so that a redelivered one is recognised
// without a record of handled event ids.
export const migration: Migration = {
  id: '0007_worker_status_details_version',
  sql: 'ALTER TABLE worker_status ADD COLUMN details_version bigint NOT NULL DEFAULT 0',
};
