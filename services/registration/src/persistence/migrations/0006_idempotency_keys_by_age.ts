import type { Migration } from '@homeward/pg-kit/migrations';

export const migration: Migration = {
  id: '0006_idempotency_keys_by_age',
  sql: 'CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at)',
};
