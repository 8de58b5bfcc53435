import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Pool } from 'pg';
import { POOL } from '../tokens';

export class ListWorkersQuery {
  constructor(
    readonly status: 'at_home' | 'abroad' | 'returned' | undefined,
    readonly limit: number,
    /** Set for a mission: only workers whose latest cycle is in its country. */
    readonly country: string | undefined,
  ) {}
}

export interface WorkerSummaryRow {
  workerId: string;
  status: 'at_home' | 'abroad' | 'returned';
  sex: 'F' | 'M' | 'O' | 'U';
  originArea: string;
  destinationCountry?: string;
  cycleNumber: number;
  updatedAt: string;
}

/** Serves the worker_status projection: eventually consistent, cheap to filter. */
@QueryHandler(ListWorkersQuery)
export class ListWorkersHandler implements IQueryHandler<ListWorkersQuery, WorkerSummaryRow[]> {
  constructor(@Inject(POOL) private readonly pool: Pool) {}

  async execute({ status, limit, country }: ListWorkersQuery): Promise<WorkerSummaryRow[]> {
    const { rows } = await this.pool.query<{
      worker_id: string;
      status: WorkerSummaryRow['status'];
      sex: WorkerSummaryRow['sex'];
      origin_area: string;
      destination_country: string | null;
      cycle_number: number;
      updated_at: Date;
    }>(
      `SELECT worker_id, status, sex, origin_area, destination_country, cycle_number, updated_at FROM worker_status
        WHERE ($1::text IS NULL OR status = $1) AND ($3::text IS NULL OR destination_country = $3)
        ORDER BY updated_at DESC, worker_id LIMIT $2`,
      [status ?? null, limit, country ?? null],
    );
    return rows.map((r) => ({
      workerId: r.worker_id,
      status: r.status,
      sex: r.sex,
      originArea: r.origin_area,
      ...(r.destination_country ? { destinationCountry: r.destination_country } : {}),
      cycleNumber: r.cycle_number,
      updatedAt: r.updated_at.toISOString(),
    }));
  }
}
