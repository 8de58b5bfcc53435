import type { Pool, PoolClient } from 'pg';
import type { Migration } from '@homeward/pg-kit/migrations';

/** How long an Idempotency-Key is remembered unless a service says otherwise; a retry after that is a new request. */
export const DEFAULT_IDEMPOTENCY_RETENTION_DAYS = 30;

/**
 * The table of Idempotency-Keys, for a service's own migrations: a key is its organisation's, and names
 * the entity and stream version its first request left behind, so that a retry is answered from the
 * stream as of then. Its id sorts before a service's numbered migrations (`0001_…`).
 */
export const idempotencyMigrations: readonly Migration[] = [
  {
    id: '0000_idempotency_keys',
    sql: `
      CREATE TABLE idempotency_keys (
        organisation_id text NOT NULL,
        idempotency_key text NOT NULL,
        fingerprint text NOT NULL,
        entity_id text NOT NULL,
        stream_version bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organisation_id, idempotency_key)
      );
      CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
    `,
  },
];

/** What the first request with a key left behind. */
export interface FirstRequest {
  readonly fingerprint: string;
  readonly entityId: string;
  readonly streamVersion: number;
}

export interface IdempotencyKeysOptions {
  /**
   * The column naming the entity (default `entity_id`). Registration's table predates the kit and calls
   * it `worker_id`; the rest of the table is the same.
   */
  readonly entityColumn?: string;
}

/** Idempotency-Keys in the service's database, read and written inside the command's transaction. */
export class IdempotencyKeys {
  private readonly entityColumn: string;

  constructor(options: IdempotencyKeysOptions = {}) {
    this.entityColumn = options.entityColumn ?? 'entity_id';
    if (!/^[a-z_][a-z0-9_]*$/.test(this.entityColumn)) throw new Error(`not a column name: ${this.entityColumn}`);
  }

  /**
   * Waits until no other transaction holds this key: a retry with the same key waits here until the first
   * attempt committed or rolled back, then finds its record. The lock takes no transaction id, and the record
   * is written after the append: the transaction writes nothing before it has read the stream.
   */
  async claim(client: PoolClient, organisationId: string, key: string): Promise<void> {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [organisationId, key]);
  }

  async find(client: PoolClient, organisationId: string, key: string): Promise<FirstRequest | undefined> {
    const { rows } = await client.query<{ fingerprint: string; entity_id: string; stream_version: string }>(
      `SELECT fingerprint, ${this.entityColumn}::text AS entity_id, stream_version FROM idempotency_keys
        WHERE organisation_id = $1 AND idempotency_key = $2`,
      [organisationId, key],
    );
    const row = rows[0];
    return row && { fingerprint: row.fingerprint, entityId: row.entity_id, streamVersion: Number(row.stream_version) };
  }

  async record(
    client: PoolClient,
    organisationId: string,
    key: string,
    first: { fingerprint: string; entityId: string; streamVersion: number },
  ): Promise<void> {
    await client.query(
      `INSERT INTO idempotency_keys (organisation_id, idempotency_key, fingerprint, ${this.entityColumn}, stream_version)
       VALUES ($1, $2, $3, $4, $5)`,
      [organisationId, key, first.fingerprint, first.entityId, first.streamVersion],
    );
  }
}

/**
 * Forgets Idempotency-Keys recorded before `olderThan`, ten thousand rows a statement so that no single
 * delete holds locks for long. A retry after the retention is a new request. Returns how many were forgotten.
 */
export async function forgetIdempotencyKeys(pool: Pool, olderThan: Date): Promise<number> {
  let forgotten = 0;
  for (;;) {
    const { rowCount } = await pool.query(
      `DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE created_at < $1 LIMIT 10000)`,
      [olderThan],
    );
    forgotten += rowCount ?? 0;
    if ((rowCount ?? 0) < 10_000) return forgotten;
  }
}

/** A logger as much as forgetting needs (pino's). */
interface ForgetLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/**
 * Forgets keys past their retention hourly, and once now; answers how to stop. The clock is the service's,
 * so that a test's clock decides what "past" means.
 */
export function forgetIdempotencyKeysPeriodically(
  pool: Pool,
  options: { retentionDays: number; clock: () => Date; log: ForgetLog; everyMs?: number },
): () => void {
  const retentionMs = options.retentionDays * 86_400_000;
  const forget = () =>
    forgetIdempotencyKeys(pool, new Date(options.clock().getTime() - retentionMs))
      .then((n) => n > 0 && options.log.info({ forgotten: n }, 'idempotency keys past their retention forgotten'))
      .catch((err: unknown) => options.log.warn({ err }, 'forgetting old idempotency keys failed; trying again in an hour'));
  const timer = setInterval(() => void forget(), options.everyMs ?? 3_600_000);
  timer.unref();
  void forget();
  return () => clearInterval(timer);
}
