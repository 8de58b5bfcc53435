import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { WorkerStreams } from '../../persistence/worker.streams';
import { WORKER_STREAMS } from '../tokens';
import type { WorkerCommandResult } from '../worker-command';

/** Reads the worker's own stream: always current, never behind a projection. */
export class GetWorkerQuery {
  constructor(readonly workerId: string) {}
}

@QueryHandler(GetWorkerQuery)
export class GetWorkerHandler implements IQueryHandler<GetWorkerQuery, WorkerCommandResult> {
  constructor(@Inject(WORKER_STREAMS) private readonly streams: WorkerStreams) {}

  execute({ workerId }: GetWorkerQuery): Promise<WorkerCommandResult> {
    return this.streams.load(workerId);
  }
}
