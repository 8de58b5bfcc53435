import { createPool, isTransientInfrastructureError, withTransaction, type Pool } from '@homeward/pg-kit';

// On the real PostgreSQL: the server ends connections of this test's own pool (pg_terminate_backend on
// their own backends, the way a restart ends every connection), never anyone else's.
const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const settle = () => new Promise((r) => setTimeout(r, 300));

describe('a pool whose connections the server ends', () => {
  let pool: Pool;
  beforeEach(() => {
    pool = createPool(server, { max: 2 });
  });
  afterEach(() => pool.end());

  it('fails the transaction under way with a transient error, keeps the process, and serves the next one on a new connection', async () => {
    const failure = await withTransaction(pool, (tx) => tx.query('SELECT pg_terminate_backend(pg_backend_pid())')).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(isTransientInfrastructureError(failure)).toBe(true);
    await settle();
    const { rows } = await withTransaction(pool, (tx) => tx.query<{ one: number }>('SELECT 1 AS one'));
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('survives the connection of a client checked out and held idle by its caller ending, and fails its next statement transiently', async () => {
    const held = await pool.connect();
    const { rows } = await held.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await pool.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    // An 'error' event without a listener here ended the process (the registration API, under a restart).
    await settle();
    const failure = await held.query('SELECT 1').catch((e: unknown) => e);
    expect(isTransientInfrastructureError(failure)).toBe(true);
    held.release(true);
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
