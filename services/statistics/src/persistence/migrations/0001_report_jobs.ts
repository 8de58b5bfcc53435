import type { Migration } from '@homeward/pg-kit/migrations';

/** Report jobs: the request, its progress and heartbeat, and the rendered result (DATABASE.md). */
export const migration: Migration = {
  id: '0001_report_jobs',
  sql: `
    CREATE TABLE report_jobs (
      id uuid PRIMARY KEY,
      organisation_id text NOT NULL,
      requested_by text NOT NULL,
      request jsonb NOT NULL,
      status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
      runner text,
      events_read bigint NOT NULL DEFAULT 0,
      events_total bigint,
      error text,
      content_type text,
      file_name text,
      result bytea,
      result_sha256 text,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      heartbeat_at timestamptz,
      finished_at timestamptz,
      CHECK ((status = 'succeeded') = (result IS NOT NULL))
    );
    CREATE INDEX report_jobs_queue ON report_jobs (created_at, id) WHERE status = 'queued';
    CREATE INDEX report_jobs_by_organisation ON report_jobs (organisation_id, created_at DESC);
  `,
};
