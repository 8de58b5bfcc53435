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

/**
 * A pool whose connections never take the process down with them. A pg client whose server goes away
 * (a restart, a failover, a network cut) emits 'error', and an 'error' event without a listener ends the
 * process. The pool listens on its idle clients only; a client checked out (inside a transaction, a
 * relay's leader session, a read model's query) had none, and a database restart under load killed every
 * service. So every client gets a listener from birth: what it was doing fails with the error instead
 * (the caller sees it, and it classifies as `isTransientInfrastructureError`), and the pool discards the
 * broken client when it comes back. The next checkout connects anew.
 */
export function createPool(connectionString: string, overrides: PoolConfig = {}): Pool {
  // connectionTimeoutMillis: a server that does not answer at all (a network cut rather than a refusal)
  // fails a checkout after 10 s instead of holding the request forever.
  const pool = new Pool({ connectionString, max: 10, connectionTimeoutMillis: 10_000, ...overrides });
  pool.on('connect', (client) => client.on('error', () => undefined));
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Runs `work` inside one transaction on a client of its own. Commits when `work` resolves and rolls
 * back when it throws, so callers never leave a half-written change behind.
 */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A connection that cannot even roll back is broken: the pool must not hand it out again.
    await client.query('ROLLBACK').catch((rollbackFailure: unknown) => {
      broken = rollbackFailure instanceof Error ? rollbackFailure : new Error(String(rollbackFailure));
    });
    throw error;
  } finally {
    client.release(broken);
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

/** Connection exceptions (class 08), the server shutting down or starting up, and too many connections. */
const UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
/** The socket's own errors when the server is gone or not there yet. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** pg's own words for a connection it lost or could not make (these errors carry no code). */
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|not queryable|Query read timeout|connection timeout/i;

/**
 * Whether `error` says that PostgreSQL could not be reached or dropped the connection, rather than
 * anything about the statement or the data: the database restarting (57P01 admin_shutdown, 57P02,
 * 57P03 cannot_connect_now), a connection exception (class 08), a refused or reset socket, pg's
 * "Connection terminated". Such an error passes when the database is back: an HTTP request gets 503 and
 * may be repeated, a consumer waits and tries the same message again and never dead-letters it for this.
 * Looks through `cause` and an AggregateError's errors (a host name with several addresses).
 */
export function isTransientInfrastructureError(error: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (e: unknown): boolean => {
    if (typeof e !== 'object' || e === null || seen.has(e)) return false;
    seen.add(e);
    const code = pgErrorCode(e);
    if (code !== undefined && (code.startsWith('08') || UNAVAILABLE_CODES.has(code) || SOCKET_CODES.has(code))) return true;
    if (e instanceof Error && UNAVAILABLE_MESSAGES.test(e.message)) return true;
    if ('cause' in e && visit(e.cause)) return true;
    return e instanceof AggregateError && e.errors.some(visit);
  };
  return visit(error);
}
