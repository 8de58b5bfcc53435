import type { Pool } from 'pg';
import type { Principal } from '@homeward/auth';
import { CommandHandler, type CommandMetadata, type RequestConditions } from '@homeward/command-handling';
import { IdempotencyKeys } from '@homeward/command-handling/idempotency';
import { decide, type CentreCommand } from '../domain/centre/centre.decider';
import type { CentreEvent } from '../domain/centre/centre.events';
import { evolve, initialState, type CentreState } from '../domain/centre/centre.state';
import type { CentreStreams } from '../persistence/skills.streams';
import { authorise } from './access/skills.access';
import type { Lookups } from './lookups';

export interface CentreResult {
  readonly centreId: string;
  readonly state: CentreState;
  readonly version: number;
}

/** What the API asks of a centre; the application adds what `decide` needs to know of the standard. */
export type CentreRequestCommand =
  | Extract<CentreCommand, { type: 'RegisterAssessmentCentre' | 'WithdrawAccreditation' }>
  | { readonly type: 'AccreditAssessor'; readonly data: Omit<Extract<CentreCommand, { type: 'AccreditAssessor' }>['data'], 'standard'> };

/** Assessment centres and their accredited assessors (scope `skills:centres`). */
export class CentreCommands {
  private readonly handler: CommandHandler<CentreCommand, CentreEvent, CentreState>;

  constructor(
    private readonly streams: CentreStreams,
    pool: Pool,
    private readonly lookups: Lookups,
    committed: () => void,
  ) {
    this.handler = new CommandHandler<CentreCommand, CentreEvent, CentreState>({
      decider: { decide, evolve, initialState },
      streams,
      pool,
      idempotency: new IdempotencyKeys(),
      entity: 'centre',
      committed,
    });
  }

  async execute(request: {
    centreId: string;
    command: CentreRequestCommand;
    principal: Principal;
    metadata: CommandMetadata;
    conditions: RequestConditions;
  }): Promise<CentreResult> {
    authorise(request.principal, 'manage-centres');
    const { command } = request;
    const result = await this.handler.handle({
      id: request.centreId,
      // An accreditation is decided on the standard as it is in the command's transaction.
      command:
        command.type === 'AccreditAssessor'
          ? async (client) => ({
              ...command,
              data: { ...command.data, standard: await this.lookups.standard(command.data.standardId, client) },
            })
          : command,
      metadata: request.metadata,
      conditions: request.conditions,
    });
    return { centreId: result.id, state: result.state, version: result.version };
  }

  async read(centreId: string, principal: Principal): Promise<CentreResult> {
    authorise(principal, 'read');
    const { state, version } = await this.streams.load(centreId, undefined, undefined, { personalData: false });
    return { centreId, state, version };
  }
}
