import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { analyseWhereGrown, createPool, type Pool } from '@homeward/pg-kit';

// On the real PostgreSQL, in a database of its own (pg-kit is below the test harness, so it makes one here).
const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `hwt_pg_kit_${process.env.HOMEWARD_TEST_RUN ?? 'local'}_${randomBytes(4).toString('hex')}`;

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('analysing tables a bulk load grew', () => {
  let pool: Pool;
  beforeAll(async () => {
    await admin(`CREATE DATABASE "${name}"`);
    const url = new URL(server);
    url.pathname = `/${name}`;
    pool = createPool(url.toString(), { max: 2 });
    await pool.query('CREATE TABLE grown (n int); CREATE TABLE quiet (n int)');
  });
  afterAll(async () => {
    await pool.end();
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });

  const estimate = async (table: string) =>
    (await pool.query<{ reltuples: number }>('SELECT reltuples::float8 AS reltuples FROM pg_class WHERE relname = $1', [table])).rows[0]!
      .reltuples;
  const changes = async (table: string) =>
    (await pool.query<{ n: number }>('SELECT n_mod_since_analyze::int AS n FROM pg_stat_user_tables WHERE relname = $1', [table])).rows[0]
      ?.n ?? 0;

  it('analyses the tables that changed by more than the share, and leaves the others', async () => {
    await pool.query('INSERT INTO grown SELECT generate_series(1, 20000); INSERT INTO quiet SELECT generate_series(1, 10)');
    // The statistics system counts the changes shortly after they commit.
    const deadline = Date.now() + 10_000;
    while ((await changes('grown')) < 20000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await analyseWhereGrown(pool, ['grown', 'quiet'])).toEqual(['grown']);
    expect(await estimate('grown')).toBe(20000);
    expect(await estimate('quiet')).toBeLessThan(0);
    // Analysed, it is not analysed again until it changes again.
    expect(await analyseWhereGrown(pool, ['grown', 'quiet'])).toEqual([]);
  });
});
