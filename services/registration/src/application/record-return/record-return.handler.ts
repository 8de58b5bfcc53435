import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RecordReturn } from '../../domain/worker/worker.decider';
import type { Principal } from '@homeward/auth';
import type { CommandContext, WorkerStreams } from '../../persistence/worker.streams';
import { WORKER_STREAMS } from '../tokens';
import { executeWorkerCommand, type WorkerCommandResult } from '../worker-command';

export class RecordReturnCommand {
  constructor(
    readonly workerId: string,
    readonly data: Omit<RecordReturn['data'], 'today'>,
    readonly principal: Principal,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(RecordReturnCommand)
export class RecordReturnHandler implements ICommandHandler<RecordReturnCommand, WorkerCommandResult> {
  constructor(@Inject(WORKER_STREAMS) private readonly streams: WorkerStreams) {}

  execute({ workerId, data, principal, context }: RecordReturnCommand): Promise<WorkerCommandResult> {
    const today = context.now.toISOString().slice(0, 10);
    return executeWorkerCommand(
      this.streams,
      workerId,
      { type: 'RecordReturn', data: { ...data, today } },
      principal,
      context,
      'record-return',
      data.fromCountry,
    );
  }
}
