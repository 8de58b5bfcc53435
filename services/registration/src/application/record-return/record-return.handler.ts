import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Principal } from '@homeward/auth';
import type { RecordReturn } from '../../domain/worker/worker.decider';
import type { CommandContext } from '../../persistence/worker.streams';
import { WORKER_COMMANDS } from '../tokens';
import type { RequestConditions, WorkerCommandResult, WorkerCommands } from '../worker-command';

export class RecordReturnCommand {
  constructor(
    readonly workerId: string,
    readonly data: Omit<RecordReturn['data'], 'today'>,
    readonly principal: Principal,
    readonly context: CommandContext,
    readonly conditions: RequestConditions,
  ) {}
}

@CommandHandler(RecordReturnCommand)
export class RecordReturnHandler implements ICommandHandler<RecordReturnCommand, WorkerCommandResult> {
  constructor(@Inject(WORKER_COMMANDS) private readonly commands: WorkerCommands) {}

  execute({ workerId, data, principal, context, conditions }: RecordReturnCommand): Promise<WorkerCommandResult> {
    const today = context.now.toISOString().slice(0, 10);
    return this.commands.execute({
      workerId,
      command: { type: 'RecordReturn', data: { ...data, today } },
      principal,
      context,
      action: 'record-return',
      returnFrom: data.fromCountry,
      conditions,
    });
  }
}
