import type { Migration } from '@homeward/pg-kit/migrations';

/**
 * What the service keeps beside its event streams: the certificate register (number → candidate, status
 * and status-list entry; the number from a sequence, allocated in the transaction of the issue), the
 * status lists and their entries, the standards' index (id → latest version) that lookups use, the
 * workers this service learnt of from registration's topic, and the evidence files' metadata.
 */
export const migration: Migration = {
  id: '0001_skills_tables',
  sql: `
    CREATE SEQUENCE certificate_number_seq START 1;

    CREATE TABLE certificates (
      certificate_number text PRIMARY KEY,
      worker_id uuid NOT NULL,
      standard_id text NOT NULL,
      standard_version integer NOT NULL,
      kind text NOT NULL,
      unit_codes text[] NOT NULL,
      issuing_body text NOT NULL,
      status text NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'suspended', 'revoked', 'superseded')),
      status_reason text,
      superseded_by text,
      issued_on date NOT NULL,
      expires_on date,
      status_index integer NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX certificates_by_worker ON certificates (worker_id);

    -- One entry per certificate, at a random free position of the status lists (herd privacy): the same
    -- position in the revocation list and in the suspension list. List n holds positions
    -- (n-1)·131072 … n·131072-1.
    CREATE TABLE status_entries (
      status_index integer PRIMARY KEY,
      certificate_number text NOT NULL UNIQUE
    );

    -- The signed credentials of each certificate, made in the transaction of its issue.
    CREATE TABLE issued_credentials (
      certificate_number text PRIMARY KEY,
      data_integrity jsonb NOT NULL,
      jwt text NOT NULL,
      compact_jwt text,
      issued_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE known_workers (
      worker_id uuid PRIMARY KEY,
      sex text NOT NULL,
      registered_on date NOT NULL,
      last_destination text,
      last_cycle integer,
      erased_on date,
      stream_version bigint NOT NULL DEFAULT 0
    );
  `,
};
