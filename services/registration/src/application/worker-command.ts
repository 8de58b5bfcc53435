import type { Pool, PoolClient } from 'pg';
import type { Principal } from '@homeward/auth';
import { CommandHandler, type RequestConditions } from '@homeward/command-handling';
import { IdempotencyKeys } from '@homeward/command-handling/idempotency';
import type { Migration } from '@homeward/pg-kit/migrations';
import { decide, type WorkerCommand } from '../domain/worker/worker.decider';
import type { WorkerEvent } from '../domain/worker/worker.events';
import { evolve, initialState, type WorkerState } from '../domain/worker/worker.state';
import type { CommandContext, WorkerStreams } from '../persistence/worker.streams';
import type { PersonIndex } from '../persistence/person-index';
import { authorise, visibilityFor, type RefusalCode, type WorkerAction } from './access/worker.access';

export { IdempotencyKeyReused, PreconditionFailed, type RequestConditions } from '@homeward/command-handling';
export { forgetIdempotencyKeys } from '@homeward/command-handling/idempotency';

export interface WorkerCommandResult {
  readonly workerId: string;
  readonly state: WorkerState;
  readonly version: number;
  /** Whether the caller may see the worker's personal data. */
  readonly personalData: boolean;
  /** Set for a mission: the country whose cycles it is shown (see `visibleCycles`). */
  readonly onlyCountry?: string;
}

/** The caller may not do this to this worker. Rendered as 403 with the refusal's code, and logged. */
export class AccessDenied extends Error {
  override readonly name = 'AccessDenied';
  constructor(
    message: string,
    readonly code: RefusalCode,
  ) {
    super(message);
  }
}

export interface WorkerCommandRequest {
  readonly workerId: string;
  /** The command, or how to build it inside the transaction (when it needs lookups that must be current). */
  readonly command: WorkerCommand | ((client: PoolClient) => Promise<WorkerCommand>);
  readonly principal: Principal;
  readonly context: CommandContext;
  readonly action: WorkerAction;
  readonly conditions: RequestConditions;
  /** More writes that must commit with the events (the erasure's key deletion). */
  readonly alongside?: (client: PoolClient) => Promise<void>;
}

/** Registration's table of Idempotency-Keys predates the kit's: the same table, its entity column named `worker_id`. */
export const idempotencyMigrations: readonly Migration[] = [
  {
    id: '0002_idempotency_keys',
    sql: `
      CREATE TABLE idempotency_keys (
        organisation_id text NOT NULL,
        idempotency_key text NOT NULL,
        fingerprint text NOT NULL,
        worker_id uuid NOT NULL,
        stream_version bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organisation_id, idempotency_key)
      );
    `,
  },
  {
    id: '0006_idempotency_keys_by_age',
    sql: 'CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at)',
  },
];

/**
 * Runs a command on a worker with the write-side kit's handler (load → authorise → decide → append, with
 * If-Match and Idempotency-Key). What is registration's own: the access rules, which commands open the
 * person's data, and the person index that commits with the events that change it.
 */
export class WorkerCommands {
  private readonly handler: CommandHandler<WorkerCommand, WorkerEvent, WorkerState>;

  constructor(
    streams: WorkerStreams,
    pool: Pool,
    personIndex: PersonIndex,
    /** Called after a command's events committed: the event relay sends them without waiting for its next poll. */
    committed: () => void = () => undefined,
  ) {
    this.handler = new CommandHandler<WorkerCommand, WorkerEvent, WorkerState>({
      decider: { decide, evolve, initialState },
      streams,
      pool,
      idempotency: new IdempotencyKeys({ entityColumn: 'worker_id' }),
      entity: 'worker',
      needsTransaction: (events) => events.some((e) => TOUCHES_PERSON_INDEX.has(e.type)),
      withinTransaction: (client, workerId, after) => personIndex.apply(client, workerId, after),
      committed,
    });
  }

  async execute(request: WorkerCommandRequest): Promise<WorkerCommandResult> {
    const { principal, command } = request;
    const result = await this.handler.handle({
      id: request.workerId,
      command,
      metadata: request.context,
      conditions: request.conditions,
      personalData: typeof command === 'function' || needsPersonalData(command),
      ...(request.alongside ? { alongside: request.alongside } : {}),
      // An unknown worker is judged on kind and scope only, and then reported as such by `decide`.
      authorise: (state) => {
        const access = authorise(principal, request.action, state);
        if (!access.allowed) throw new AccessDenied(access.reason, access.code);
        return access;
      },
    });
    // A retry answered from its key: the same organisation was authorised for the first request, and is
    // shown the worker as then.
    const { personalData, onlyCountry } = result.access ?? visibilityFor(principal);
    return {
      workerId: result.id,
      state: result.state,
      version: result.version,
      personalData: result.personalData && personalData,
      ...(onlyCountry === undefined ? {} : { onlyCountry }),
    };
  }
}

/**
 * Commands whose handling or answer involves the person: registration and corrections answer with the
 * personal data the caller sent; erasure and duplicate decisions rewrite the person index. Every other
 * command (the stages of the cycle) neither decides on personal data nor echoes it: its answer carries
 * the worker's non-personal representation, and reading the person is a GET.
 */
function needsPersonalData(command: WorkerCommand): boolean {
  return (
    command.type === 'RegisterWorker' ||
    command.type === 'CorrectWorkerDetails' ||
    command.type === 'ErasePersonalData' ||
    command.type === 'ResolveDuplicate'
  );
}

const TOUCHES_PERSON_INDEX = new Set(['WorkerRegistered', 'WorkerDetailsCorrected', 'PersonalDataErased', 'DuplicateResolved']);
