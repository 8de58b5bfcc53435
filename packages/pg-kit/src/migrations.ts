import type { Pool } from 'pg';
import { withTransaction } from './pg-kit';

export interface Migration {
  /** Unique within its owner, applied in ascending order, e.g. "0001_events". */
  readonly id: string;
  readonly sql: string;
}

/**
 * Applies the owner's migrations that have not been applied yet, each in its own transaction.
 * A transaction-scoped advisory lock keyed on the owner serialises concurrent starts of the same
 * service, so two replicas booting together never apply a migration twice.
 */
export async function migrate(pool: Pool, owner: string, migrations: readonly Migration[]): Promise<string[]> {
  await pool
    .query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
    owner text NOT NULL,
    id text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (owner, id)
  )`,
    )
    .catch((error: unknown) => {
      // Two processes racing on CREATE TABLE IF NOT EXISTS may collide on the catalog; the table exists either way.
      if (!String(error).includes('already exists') && !String(error).includes('duplicate key')) throw error;
    });
  const applied: string[] = [];
  const ordered = [...migrations].sort((a, b) => a.id.localeCompare(b.id));
  for (const migration of ordered) {
    const didApply = await withTransaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`migrations:${owner}`]);
      const seen = await client.query('SELECT 1 FROM schema_migrations WHERE owner = $1 AND id = $2', [owner, migration.id]);
      if (seen.rowCount) return false;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (owner, id) VALUES ($1, $2)', [owner, migration.id]);
      return true;
    });
    if (didApply) applied.push(migration.id);
  }
  return applied;
}
