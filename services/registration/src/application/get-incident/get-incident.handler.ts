import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Pool } from 'pg';
import type { Principal } from '@homeward/auth';
import { allCycles, type Incident } from '../../domain/worker/worker.state';
import type { WorkerStreams } from '../../persistence/worker.streams';
import { authorise } from '../access/worker.access';
import { POOL, WORKER_STREAMS } from '../tokens';
import { AccessDenied } from '../worker-command';

export class GetIncidentQuery {
  constructor(
    readonly workerId: string,
    readonly incidentId: string,
    readonly principal: Principal,
  ) {}
}

export type IncidentView = Incident & { readonly workerId: string; readonly cycleNumber: number };

/** One incident with its case notes. The read is recorded before the notes are handed out. */
@QueryHandler(GetIncidentQuery)
export class GetIncidentHandler implements IQueryHandler<GetIncidentQuery, IncidentView | undefined> {
  constructor(
    @Inject(WORKER_STREAMS) private readonly streams: WorkerStreams,
    @Inject(POOL) private readonly pool: Pool,
  ) {}

  async execute({ workerId, incidentId, principal }: GetIncidentQuery): Promise<IncidentView | undefined> {
    const { state } = await this.streams.load(workerId);
    // Access follows the incident's own cycle (the country it was recorded in), not the worker's other cycles.
    const access = authorise(principal, { type: 'read-incident', incidentId }, state);
    if (!access.allowed) throw new AccessDenied(access.reason, access.code);
    if (state.status === 'unregistered') return undefined;
    for (const cycle of allCycles(state)) {
      const incident = cycle.incidents.find((i) => i.incidentId === incidentId);
      if (!incident) continue;
      await this.pool.query(
        `INSERT INTO sensitive_reads (organisation_id, organisation_kind, subject, worker_id, record_type, record_id)
         VALUES ($1, $2, $3, $4, 'welfare-incident', $5)`,
        [principal.organisationId, principal.kind, principal.subject, workerId, incidentId],
      );
      return { workerId, cycleNumber: cycle.number, ...incident };
    }
    return undefined;
  }
}
