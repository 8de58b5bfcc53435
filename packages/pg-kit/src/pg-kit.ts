import { Pool, type PoolClient, type PoolConfig } from 'pg';

export type { Pool, PoolClient } from 'pg';

/** Anything that can run a query: a pool or a client inside a transaction. */
export type Queryable = Pool | PoolClient;

/**
 * Session settings for pools that answer requests (commands, queries, read-model writes). PostgreSQL
 * JIT-compiles a statement whose estimated cost passes `jit_above_cost`; estimates are high exactly when
 * statistics are missing or stale (a table just filled by a bulk import, before its first ANALYZE), and
 * then every execution of a millisecond statement paid tens of milliseconds of compilation (measured on
 * the registration service's batched stream reads). Long analytical reads (statistics) keep JIT.
 */
export const REQUEST_SESSION: Readonly<PoolConfig> = { options: '-c jit=off' };

export function createPool(connectionString: string, overrides: PoolConfig = {}): Pool {
  const pool = new Pool({ connectionString, max: 10, ...overrides });
  // An idle client that errors (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Runs `work` inside one transaction on a client of its own. Commits when `work` resolves and rolls
 * back when it throws, so callers never leave a half-written change behind.
 */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Analyses those of `tables` (in the current schema) that changed by more than `share` of their rows
 * since they were last analysed, and answers which. For bulk loads: autovacuum analyses a table at most
 * once a minute or so, and not at all where it is off, while an import doubles a table in that time;
 * plans made on a table's statistics from when it was a tenth of its size go wrong.
 */
export async function analyseWhereGrown(db: Queryable, tables: readonly string[], share = 0.2): Promise<string[]> {
  const { rows } = await db.query<{ relname: string }>(
    `SELECT relname FROM pg_stat_user_tables
      WHERE schemaname = current_schema() AND relname = ANY($1::text[])
        AND n_mod_since_analyze > greatest(1000, $2::float8 * greatest(n_live_tup, 0))`,
    [tables, share],
  );
  for (const { relname } of rows) await db.query(`ANALYZE ${quoteIdentifier(relname)}`);
  return rows.map((r) => r.relname);
}

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** PostgreSQL error codes this project reacts to. */
export const PgErrorCode = {
  uniqueViolation: '23505',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;

export function pgErrorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

export function pgConstraint(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'constraint' in error && typeof error.constraint === 'string'
    ? error.constraint
    : undefined;
}
