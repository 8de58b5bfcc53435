import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Principal } from '@homeward/auth';
import { uuidv7 } from '@homeward/contracts';
import type { RegisterWorker } from '../../domain/worker/worker.decider';
import type { CommandContext } from '../../persistence/worker.streams';
import type { PersonIndex } from '../../persistence/person-index';
import { PERSON_INDEX, WORKER_COMMANDS } from '../tokens';
import type { RequestConditions, WorkerCommandResult, WorkerCommands } from '../worker-command';

export class RegisterWorkerCommand {
  constructor(
    readonly data: Omit<RegisterWorker['data'], 'workerId' | 'today' | 'duplicateCandidates'>,
    readonly principal: Principal,
    readonly context: CommandContext,
    readonly conditions: RequestConditions,
  ) {}
}

@CommandHandler(RegisterWorkerCommand)
export class RegisterWorkerHandler implements ICommandHandler<RegisterWorkerCommand, WorkerCommandResult> {
  constructor(
    @Inject(WORKER_COMMANDS) private readonly commands: WorkerCommands,
    @Inject(PERSON_INDEX) private readonly personIndex: PersonIndex,
  ) {}

  execute({ data, principal, context, conditions }: RegisterWorkerCommand): Promise<WorkerCommandResult> {
    // The registry id is pseudonymous and time-ordered; it carries nothing about the person.
    const workerId = uuidv7(context.now.getTime());
    const today = context.now.toISOString().slice(0, 10);
    return this.commands.execute({
      workerId,
      // Candidates are looked up inside the registering transaction, so that they are current.
      command: async (client) => ({
        type: 'RegisterWorker',
        data: { ...data, workerId, today, duplicateCandidates: await this.personIndex.candidates(client, data) },
      }),
      principal,
      context,
      action: { type: 'register' },
      conditions,
    });
  }
}
