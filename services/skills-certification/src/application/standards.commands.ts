import type { Pool } from 'pg';
import type { Principal } from '@homeward/auth';
import { CommandHandler, type CommandMetadata, type RequestConditions } from '@homeward/command-handling';
import { IdempotencyKeys } from '@homeward/command-handling/idempotency';
import { decide, type StandardCommand } from '../domain/standard/standard.decider';
import type { StandardEvent } from '../domain/standard/standard.events';
import { evolve, initialState, type StandardState } from '../domain/standard/standard.state';
import type { StandardStreams } from '../persistence/skills.streams';
import { authorise } from './access/skills.access';

export interface StandardResult {
  readonly standardId: string;
  readonly state: StandardState;
  readonly version: number;
}

/** Competency standards: publish, revise, withdraw (scope `skills:standards`), and read. */
export class StandardCommands {
  private readonly handler: CommandHandler<StandardCommand, StandardEvent, StandardState>;

  constructor(
    private readonly streams: StandardStreams,
    pool: Pool,
    committed: () => void,
  ) {
    this.handler = new CommandHandler<StandardCommand, StandardEvent, StandardState>({
      decider: { decide, evolve, initialState },
      streams,
      pool,
      idempotency: new IdempotencyKeys(),
      entity: 'standard',
      committed,
    });
  }

  async execute(request: {
    standardId: string;
    command: StandardCommand;
    principal: Principal;
    metadata: CommandMetadata;
    conditions: RequestConditions;
  }): Promise<StandardResult> {
    authorise(request.principal, 'publish-standard');
    const result = await this.handler.handle({
      id: request.standardId,
      command: request.command,
      metadata: request.metadata,
      conditions: request.conditions,
    });
    return { standardId: result.id, state: result.state, version: result.version };
  }

  async read(standardId: string, principal: Principal): Promise<StandardResult> {
    authorise(principal, 'read');
    const { state, version } = await this.streams.load(standardId, undefined, undefined, { personalData: false });
    return { standardId, state, version };
  }
}
