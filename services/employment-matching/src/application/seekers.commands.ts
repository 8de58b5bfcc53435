import type { Pool, PoolClient } from 'pg';
import type { Principal } from '@homeward/auth';
import { CommandHandler, type CommandMetadata, type RequestConditions } from '@homeward/command-handling';
import { IdempotencyKeys } from '@homeward/command-handling/idempotency';
import { SeekerNotFound } from '../domain/employment.errors';
import { decide, type LeaveRegister, type RegisterReturnee, type SeekerCommand } from '../domain/seeker/seeker.decider';
import type { SeekerEvent } from '../domain/seeker/seeker.events';
import { evolve, initialState, type SeekerState } from '../domain/seeker/seeker.state';
import type { SeekerStreams } from '../persistence/employment.streams';
import { authorise } from './access/employment.access';

export interface SeekerResult {
  readonly workerId: string;
  readonly state: SeekerState;
  readonly version: number;
}

/** Job seekers: registered by the employment office on request, or from registration's topic on return. */
export class SeekerCommands {
  private readonly handler: CommandHandler<SeekerCommand, SeekerEvent, SeekerState>;

  constructor(
    private readonly streams: SeekerStreams,
    pool: Pool,
    committed: () => void,
  ) {
    this.handler = new CommandHandler<SeekerCommand, SeekerEvent, SeekerState>({
      decider: { decide, evolve, initialState },
      streams,
      pool,
      idempotency: new IdempotencyKeys(),
      entity: 'job seeker',
      committed,
    });
  }

  async execute(request: {
    workerId: string;
    command: Exclude<SeekerCommand, RegisterReturnee>;
    principal: Principal;
    metadata: CommandMetadata;
    conditions: RequestConditions;
  }): Promise<SeekerResult> {
    authorise(request.principal, 'manage-seekers');
    const result = await this.handler.handle({
      id: request.workerId,
      command: request.command,
      metadata: request.metadata,
      conditions: request.conditions,
    });
    return { workerId: result.id, state: result.state, version: result.version };
  }

  async read(workerId: string, principal: Principal): Promise<SeekerResult> {
    authorise(principal, 'read-seekers');
    const { state, version } = await this.streams.load(workerId, undefined, undefined, { personalData: false });
    if (state.status === 'unregistered') throw new SeekerNotFound(`worker ${workerId} is not registered as a job seeker`);
    return { workerId, state, version };
  }

  /**
   * A command that follows a fact recorded elsewhere (a return, a departure, a hire), in the transaction of
   * that fact's handling: decided and appended on the client, recording nothing when `decide` says so.
   */
  async followIn(
    client: PoolClient,
    workerId: string,
    command: RegisterReturnee | LeaveRegister,
    metadata: CommandMetadata,
  ): Promise<readonly SeekerEvent[]> {
    const { state, version } = await this.streams.load(workerId, undefined, client, { personalData: false });
    const events = decide({ ...command, metadata }, state);
    if (events.length > 0) await this.streams.append(workerId, version, events, metadata, { before: state, client });
    return events;
  }

  /** The seeker as it is in the transaction, for a referral. */
  async stateIn(client: PoolClient, workerId: string): Promise<SeekerState> {
    return (await this.streams.load(workerId, undefined, client, { personalData: false })).state;
  }
}
