import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Principal } from '@homeward/auth';
import type { PersonalDataVault } from '@homeward/personal-data';
import type { ErasureBasis } from '../../domain/worker/worker.events';
import type { CommandContext } from '../../persistence/worker.streams';
import { VAULT, WORKER_COMMANDS } from '../tokens';
import type { RequestConditions, WorkerCommandResult, WorkerCommands } from '../worker-command';

export class ErasePersonalDataCommand {
  constructor(
    readonly workerId: string,
    readonly basis: ErasureBasis,
    readonly principal: Principal,
    readonly context: CommandContext,
    readonly conditions: RequestConditions,
  ) {}
}

/**
 * Records PersonalDataErased and deletes the worker's data key in one transaction: either both happen
 * or neither. A retry after the event was recorded still deletes the key (decide answers with no
 * events, and the key deletion is idempotent).
 */
@CommandHandler(ErasePersonalDataCommand)
export class ErasePersonalDataHandler implements ICommandHandler<ErasePersonalDataCommand, WorkerCommandResult> {
  constructor(
    @Inject(WORKER_COMMANDS) private readonly commands: WorkerCommands,
    @Inject(VAULT) private readonly vault: PersonalDataVault,
  ) {}

  async execute({ workerId, basis, principal, context, conditions }: ErasePersonalDataCommand): Promise<WorkerCommandResult> {
    const result = await this.commands.execute({
      workerId,
      command: { type: 'ErasePersonalData', data: { today: context.now.toISOString().slice(0, 10), basis } },
      principal,
      context,
      action: { type: 'erase' },
      conditions,
      alongside: (client) => this.vault.erase(workerId, client),
    });
    return { ...result, personalData: false };
  }
}
