import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { ReportSpec } from './report-spec';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface ReportJob {
  readonly id: string;
  readonly organisationId: string;
  readonly requestedBy: string;
  readonly request: ReportSpec;
  readonly status: JobStatus;
  readonly eventsRead: number;
  readonly eventsTotal: number | undefined;
  readonly error: string | undefined;
  readonly contentType: string | undefined;
  readonly fileName: string | undefined;
  readonly resultBytes: number | undefined;
  readonly resultSha256: string | undefined;
  readonly createdAt: Date;
  readonly startedAt: Date | undefined;
  readonly finishedAt: Date | undefined;
}

interface JobRow {
  id: string;
  organisation_id: string;
  requested_by: string;
  request: ReportSpec;
  status: JobStatus;
  events_read: string;
  events_total: string | null;
  error: string | null;
  content_type: string | null;
  file_name: string | null;
  result_bytes: number | null;
  result_sha256: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

const COLUMNS = `id, organisation_id, requested_by, request, status, events_read, events_total, error, content_type, file_name,
  octet_length(result) AS result_bytes, result_sha256, created_at, started_at, finished_at`;

function toJob(row: JobRow): ReportJob {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    requestedBy: row.requested_by,
    request: row.request,
    status: row.status,
    eventsRead: Number(row.events_read),
    eventsTotal: row.events_total === null ? undefined : Number(row.events_total),
    error: row.error ?? undefined,
    contentType: row.content_type ?? undefined,
    fileName: row.file_name ?? undefined,
    resultBytes: row.result_bytes ?? undefined,
    resultSha256: row.result_sha256 ?? undefined,
    createdAt: row.created_at,
    startedAt: row.started_at ?? undefined,
    finishedAt: row.finished_at ?? undefined,
  };
}

/**
 * Report jobs, kept in the statistics service's own database so that neither a queued job nor a finished
 * result is lost when the service restarts. A job that was running when its process died stops sending
 * heartbeats and is marked failed by the next runner that looks (at start, then periodically).
 */
export class ReportJobs {
  constructor(private readonly pool: Pool) {}

  async create(job: { id: string; organisationId: string; requestedBy: string; request: ReportSpec }): Promise<ReportJob> {
    const { rows } = await this.pool.query<JobRow>(
      `INSERT INTO report_jobs (id, organisation_id, requested_by, request, status) VALUES ($1, $2, $3, $4, 'queued') RETURNING ${COLUMNS}`,
      [job.id, job.organisationId, job.requestedBy, JSON.stringify(job.request)],
    );
    return toJob(rows[0]!);
  }

  async get(id: string): Promise<ReportJob | undefined> {
    const { rows } = await this.pool.query<JobRow>(`SELECT ${COLUMNS} FROM report_jobs WHERE id = $1`, [id]);
    return rows[0] ? toJob(rows[0]) : undefined;
  }

  async list(organisationId: string, limit: number): Promise<ReportJob[]> {
    const { rows } = await this.pool.query<JobRow>(
      `SELECT ${COLUMNS} FROM report_jobs WHERE organisation_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      [organisationId, limit],
    );
    return rows.map(toJob);
  }

  /** Takes the oldest queued job for `runner`; runners on several instances never take the same one. */
  async claimNext(runner: string): Promise<ReportJob | undefined> {
    const { rows } = await this.pool.query<JobRow>(
      `UPDATE report_jobs SET status = 'running', runner = $1, started_at = now(), heartbeat_at = now()
        WHERE id = (SELECT id FROM report_jobs WHERE status = 'queued' ORDER BY created_at, id FOR UPDATE SKIP LOCKED LIMIT 1)
        RETURNING ${COLUMNS}`,
      [runner],
    );
    return rows[0] ? toJob(rows[0]) : undefined;
  }

  /** Progress, and the heartbeat that says the job's process is alive. */
  async heartbeat(id: string, eventsRead: number, eventsTotal: number | undefined): Promise<void> {
    await this.pool.query(
      `UPDATE report_jobs SET events_read = $2, events_total = $3, heartbeat_at = now() WHERE id = $1 AND status = 'running'`,
      [id, eventsRead, eventsTotal ?? null],
    );
  }

  async succeed(id: string, result: { contentType: string; fileName: string; body: Buffer; eventsRead: number }): Promise<void> {
    const sha256 = createHash('sha256').update(result.body).digest('hex');
    await this.pool.query(
      `UPDATE report_jobs SET status = 'succeeded', content_type = $2, file_name = $3, result = $4, result_sha256 = $5,
              events_read = $6, events_total = greatest(coalesce(events_total, 0), $6), finished_at = now()
        WHERE id = $1 AND status = 'running'`,
      [id, result.contentType, result.fileName, result.body, sha256, result.eventsRead],
    );
  }

  async fail(id: string, error: string): Promise<void> {
    await this.pool.query(
      `UPDATE report_jobs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status IN ('queued', 'running')`,
      [id, error],
    );
  }

  /** Running jobs whose process stopped sending heartbeats (it crashed or was killed): failed, with the reason. */
  async failAbandoned(staleAfterSeconds: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `UPDATE report_jobs SET status = 'failed', finished_at = now(),
              error = 'interrupted: the service running the job stopped before it finished; ask for the report again'
        WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => $1)
        RETURNING id`,
      [staleAfterSeconds],
    );
    return rows.map((r) => r.id);
  }

  async result(id: string): Promise<{ contentType: string; fileName: string; body: Buffer; sha256: string } | undefined> {
    const { rows } = await this.pool.query<{ content_type: string; file_name: string; result: Buffer; result_sha256: string }>(
      `SELECT content_type, file_name, result, result_sha256 FROM report_jobs WHERE id = $1 AND status = 'succeeded'`,
      [id],
    );
    const row = rows[0];
    return row ? { contentType: row.content_type, fileName: row.file_name, body: row.result, sha256: row.result_sha256 } : undefined;
  }
}
