import type { Migration } from '@homeward/pg-kit/migrations';

/** The registry's search index of people (PersonIndex), the one place personal data is searchable. */
export const migration: Migration = {
  id: '0004_person_index',
  sql: `
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE TABLE person_index (
      worker_id uuid PRIMARY KEY,
      full_name text NOT NULL,
      date_of_birth date NOT NULL,
      sex text NOT NULL,
      origin_area text NOT NULL,
      national_id text,
      passport_number text,
      merged_into uuid
    );
    CREATE INDEX person_index_name ON person_index USING gin (full_name gin_trgm_ops);
    CREATE INDEX person_index_birth ON person_index (date_of_birth);
    CREATE INDEX person_index_national_id ON person_index (national_id) WHERE national_id IS NOT NULL;
    CREATE INDEX person_index_passport ON person_index (passport_number) WHERE passport_number IS NOT NULL;
  `,
};
