import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { uuidv7 } from '@homeward/contracts';
import type { RegisterWorker } from '../../domain/worker/worker.decider';
import type { Principal } from '@homeward/auth';
import type { CommandContext, WorkerStreams } from '../../persistence/worker.streams';
import { WORKER_STREAMS } from '../tokens';
import { executeWorkerCommand, type WorkerCommandResult } from '../worker-command';

export class RegisterWorkerCommand {
  constructor(
    readonly data: Omit<RegisterWorker['data'], 'workerId' | 'today'>,
    readonly principal: Principal,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(RegisterWorkerCommand)
export class RegisterWorkerHandler implements ICommandHandler<RegisterWorkerCommand, WorkerCommandResult> {
  constructor(@Inject(WORKER_STREAMS) private readonly streams: WorkerStreams) {}

  execute({ data, principal, context }: RegisterWorkerCommand): Promise<WorkerCommandResult> {
    // The registry id is pseudonymous and time-ordered; it carries nothing about the person.
    const workerId = uuidv7(context.now.getTime());
    const today = context.now.toISOString().slice(0, 10);
    return executeWorkerCommand(
      this.streams,
      workerId,
      { type: 'RegisterWorker', data: { ...data, workerId, today } },
      principal,
      context,
      'register',
    );
  }
}
