import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Principal } from '@homeward/auth';
import type { RecordDeparture } from '../../domain/worker/worker.decider';
import type { CommandContext } from '../../persistence/worker.streams';
import { WORKER_COMMANDS } from '../tokens';
import type { RequestConditions, WorkerCommandResult, WorkerCommands } from '../worker-command';

export class RecordDepartureCommand {
  constructor(
    readonly workerId: string,
    readonly data: Omit<RecordDeparture['data'], 'today'>,
    readonly principal: Principal,
    readonly context: CommandContext,
    readonly conditions: RequestConditions,
  ) {}
}

@CommandHandler(RecordDepartureCommand)
export class RecordDepartureHandler implements ICommandHandler<RecordDepartureCommand, WorkerCommandResult> {
  constructor(@Inject(WORKER_COMMANDS) private readonly commands: WorkerCommands) {}

  execute({ workerId, data, principal, context, conditions }: RecordDepartureCommand): Promise<WorkerCommandResult> {
    const today = context.now.toISOString().slice(0, 10);
    return this.commands.execute({
      workerId,
      command: { type: 'RecordDeparture', data: { ...data, today } },
      principal,
      context,
      action: 'record-departure',
      conditions,
    });
  }
}
