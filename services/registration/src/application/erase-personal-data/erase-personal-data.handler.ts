import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Pool } from 'pg';
import type { Principal } from '@homeward/auth';
import { withTransaction } from '@homeward/pg-kit';
import type { PersonalDataVault } from '@homeward/personal-data';
import { decide } from '../../domain/worker/worker.decider';
import type { ErasureBasis } from '../../domain/worker/worker.events';
import { evolve } from '../../domain/worker/worker.state';
import type { CommandContext, WorkerStreams } from '../../persistence/worker.streams';
import { authorise } from '../access/worker.access';
import { POOL, VAULT, WORKER_STREAMS } from '../tokens';
import { AccessDenied, type WorkerCommandResult } from '../worker-command';

export class ErasePersonalDataCommand {
  constructor(
    readonly workerId: string,
    readonly basis: ErasureBasis,
    readonly principal: Principal,
    readonly context: CommandContext,
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
    @Inject(WORKER_STREAMS) private readonly streams: WorkerStreams,
    @Inject(VAULT) private readonly vault: PersonalDataVault,
    @Inject(POOL) private readonly pool: Pool,
  ) {}

  async execute({ workerId, basis, principal, context }: ErasePersonalDataCommand): Promise<WorkerCommandResult> {
    const { state, version } = await this.streams.load(workerId);
    if (state.status !== 'unregistered') {
      const access = authorise(principal, 'erase', state);
      if (!access.allowed) throw new AccessDenied(access.reason);
    }
    const events = decide({ type: 'ErasePersonalData', data: { today: context.now.toISOString().slice(0, 10), basis } }, state);
    const newVersion = await withTransaction(this.pool, async (client) => {
      const appended = await this.streams.append(workerId, version, events, context, client);
      await this.vault.erase(workerId, client);
      return appended;
    });
    return { state: events.reduce(evolve, state), version: newVersion, personalData: false };
  }
}
