import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Principal } from '@homeward/auth';
import type { WorkerStreams } from '../../persistence/worker.streams';
import { authorise } from '../access/worker.access';
import { WORKER_STREAMS } from '../tokens';
import { AccessDenied, type WorkerCommandResult } from '../worker-command';

/** Reads the worker's own stream: always current, never behind a projection. */
export class GetWorkerQuery {
  constructor(
    readonly workerId: string,
    readonly principal: Principal,
  ) {}
}

@QueryHandler(GetWorkerQuery)
export class GetWorkerHandler implements IQueryHandler<GetWorkerQuery, WorkerCommandResult> {
  constructor(@Inject(WORKER_STREAMS) private readonly streams: WorkerStreams) {}

  async execute({ workerId, principal }: GetWorkerQuery): Promise<WorkerCommandResult> {
    const { state, version } = await this.streams.load(workerId);
    // An unknown worker is judged on kind and scope only; the caller who passes learns it is unknown.
    const access = authorise(principal, { type: 'read' }, state);
    if (!access.allowed) throw new AccessDenied(access.reason, access.code);
    const { allowed: _allowed, ...visibility } = access;
    return { workerId, state, version, ...visibility };
  }
}
