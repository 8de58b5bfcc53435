import type { Pool, PoolClient } from 'pg';

/** A worker as this service knows them from registration's topic: only what it needs. */
export interface KnownWorker {
  readonly workerId: string;
  readonly sex: string;
  readonly registeredOn: string;
  /** ISO 3166-1 alpha-2 of the destination of the worker's latest cycle, if any. */
  readonly lastDestination?: string;
  readonly erasedOn?: string;
}

/** The `known_workers` table, written by the consumer of registration's topic. */
export class KnownWorkers {
  constructor(private readonly pool: Pool) {}

  async find(workerId: string, client?: PoolClient): Promise<KnownWorker | undefined> {
    const { rows } = await (client ?? this.pool).query(
      `SELECT worker_id, sex, to_char(registered_on, 'YYYY-MM-DD') AS registered_on, last_destination,
              to_char(erased_on, 'YYYY-MM-DD') AS erased_on
         FROM known_workers WHERE worker_id = $1`,
      [workerId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      workerId: row.worker_id,
      sex: row.sex,
      registeredOn: row.registered_on,
      ...(row.last_destination ? { lastDestination: row.last_destination } : {}),
      ...(row.erased_on ? { erasedOn: row.erased_on } : {}),
    };
  }

  async registered(client: PoolClient, worker: { workerId: string; sex: string; registeredOn: string; version: number }): Promise<void> {
    await client.query(
      `INSERT INTO known_workers (worker_id, sex, registered_on, stream_version) VALUES ($1, $2, $3, $4)
       ON CONFLICT (worker_id) DO NOTHING`,
      [worker.workerId, worker.sex, worker.registeredOn, worker.version],
    );
  }

  async corrected(client: PoolClient, workerId: string, sex: string): Promise<void> {
    await client.query(`UPDATE known_workers SET sex = $2 WHERE worker_id = $1`, [workerId, sex]);
  }

  /** A departure opens a cycle: its destination is the worker's latest, unless a later cycle is already known. */
  async departed(client: PoolClient, workerId: string, cycleNumber: number, destination: string): Promise<void> {
    await client.query(
      `UPDATE known_workers SET last_destination = $3, last_cycle = $2
        WHERE worker_id = $1 AND (last_cycle IS NULL OR last_cycle <= $2)`,
      [workerId, cycleNumber, destination],
    );
  }

  async erased(client: PoolClient, workerId: string, erasedOn: string): Promise<void> {
    await client.query(`UPDATE known_workers SET erased_on = $2 WHERE worker_id = $1`, [workerId, erasedOn]);
  }
}
