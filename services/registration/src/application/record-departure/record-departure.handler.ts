import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RecordDeparture } from '../../domain/worker/worker.decider';
import type { Principal } from '@homeward/auth';
import type { CommandContext, WorkerStreams } from '../../persistence/worker.streams';
import { WORKER_STREAMS } from '../tokens';
import { executeWorkerCommand, type WorkerCommandResult } from '../worker-command';

export class RecordDepartureCommand {
  constructor(
    readonly workerId: string,
    readonly data: Omit<RecordDeparture['data'], 'today'>,
    readonly principal: Principal,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(RecordDepartureCommand)
export class RecordDepartureHandler implements ICommandHandler<RecordDepartureCommand, WorkerCommandResult> {
  constructor(@Inject(WORKER_STREAMS) private readonly streams: WorkerStreams) {}

  execute({ workerId, data, principal, context }: RecordDepartureCommand): Promise<WorkerCommandResult> {
    const today = context.now.toISOString().slice(0, 10);
    return executeWorkerCommand(
      this.streams,
      workerId,
      { type: 'RecordDeparture', data: { ...data, today } },
      principal,
      context,
      'record-departure',
    );
  }
}
