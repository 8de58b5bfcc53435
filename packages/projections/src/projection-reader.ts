import type { Pool, PoolClient } from 'pg';
import { READERS_LOCK_CLASS, lockKey } from './builds';

/** No build of the version this code reads serves yet (first build, or a version change still being projected). */
export class ProjectionUnavailableError extends Error {
  override readonly name = 'ProjectionUnavailableError';
}

export interface ServingBuild {
  readonly build: number;
  readonly version: number;
  readonly schemaName: string;
}

/**
 * Runs queries against whichever build of a projection serves at the moment, resolved per transaction
 * through the serving pointer (`projection_serving`): queries name tables unqualified, and the transaction's
 * search_path points at the build's schema.
 *
 * A swap moves the pointer in one transaction, so a query sees the old build or the new one, never a mix.
 * The old schema is dropped only after every reader that may have resolved it has finished: readers hold a
 * shared advisory lock for their transaction, which the dropping transaction takes exclusively. The lock is
 * taken in a statement before the pointer is read (READ COMMITTED: each statement its own snapshot), so a
 * reader that waited for a drop reads the new pointer.
 */
export class ProjectionReader {
  private readonly prologue: string;

  constructor(
    private readonly pool: Pool,
    readonly projection: string,
    /** The version the query code was written for; any other serving build is unavailable to it. */
    readonly version: number,
  ) {
    const name = projection.replace(/'/g, "''");
    // One round trip: the three statements run in order, each with its own snapshot.
    this.prologue = [
      'BEGIN READ ONLY',
      `SELECT pg_advisory_xact_lock_shared(${READERS_LOCK_CLASS}, ${lockKey(projection)})`,
      `SELECT build, version, schema_name AS "schemaName", set_config('search_path', quote_ident(schema_name) || ', public', true)
         FROM projection_serving WHERE projection = '${name}'`,
    ].join('; ');
  }

  /** Runs `work` in a read-only transaction on the serving build. */
  async read<T>(work: (db: PoolClient, serving: ServingBuild) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      const results = (await client.query(this.prologue)) as unknown as { rows: ServingBuild[] }[];
      const serving = results[2]?.rows[0];
      if (!serving) throw new ProjectionUnavailableError(`no build of ${this.projection} serves yet`);
      if (serving.version !== this.version) {
        throw new ProjectionUnavailableError(
          `${this.projection} serves version ${serving.version}; this release reads version ${this.version} (being rebuilt)`,
        );
      }
      const result = await work(client, serving);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
