import type { Pool, PoolClient } from 'pg';
import type { Principal } from '@homeward/auth';
import { withTransaction } from '@homeward/pg-kit';
import { decide, type WorkerCommand } from '../domain/worker/worker.decider';
import { evolve, type WorkerState } from '../domain/worker/worker.state';
import type { CommandContext, WorkerStreams } from '../persistence/worker.streams';
import type { PersonIndex } from '../persistence/person-index';
import { authorise, visibilityFor, type RefusalCode, type WorkerAction } from './access/worker.access';

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

/** If-Match named a version the worker is no longer (or not yet) at. Rendered as 412. */
export class PreconditionFailed extends Error {
  override readonly name = 'PreconditionFailed';
  constructor(
    readonly expected: readonly number[],
    readonly actual: number,
  ) {
    super(`the worker is at version ${actual}, not ${expected.join(' or ')}: reload it and decide again`);
  }
}

/** The Idempotency-Key was used before for a different request. Rendered as 422. */
export class IdempotencyKeyReused extends Error {
  override readonly name = 'IdempotencyKeyReused';
}

/** What the HTTP request adds to a command: optimistic concurrency and safe retries. */
export interface RequestConditions {
  /** From If-Match: the stream versions the caller accepts (the one it last saw); absent for none or `*`. */
  readonly ifMatch?: readonly number[];
  /** From Idempotency-Key, with a fingerprint of the request it was first used for. */
  readonly idempotency?: { readonly key: string; readonly fingerprint: string };
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

/**
 * Forgets Idempotency-Keys recorded before `olderThan`, ten thousand rows a statement so that no single
 * delete holds locks for long. A retry after the retention is a new request. Returns how many were forgotten.
 */
export async function forgetIdempotencyKeys(pool: Pool, olderThan: Date): Promise<number> {
  let forgotten = 0;
  for (;;) {
    const { rowCount } = await pool.query(
      `DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE created_at < $1 LIMIT 10000)`,
      [olderThan],
    );
    forgotten += rowCount ?? 0;
    if ((rowCount ?? 0) < 10_000) return forgotten;
  }
}

/**
 * Runs a command on a worker: load → authorise → decide → append with the expected version, in one
 * transaction with the request's idempotency record. Every business rule lives in `decide` and every
 * access rule in `authorise`; this class only does the I/O between them.
 *
 * A retry with the same Idempotency-Key waits on the first attempt's lock (a transaction-scoped advisory
 * lock on the key) and then answers with the worker as the first attempt left it, so a command
 * acknowledged once is never applied twice.
 */
export class WorkerCommands {
  constructor(
    private readonly streams: WorkerStreams,
    private readonly pool: Pool,
    private readonly personIndex: PersonIndex,
    /** Called after a command's events committed: the event relay sends them without waiting for its next poll. */
    private readonly committed: () => void = () => undefined,
  ) {}

  async execute(request: WorkerCommandRequest): Promise<WorkerCommandResult> {
    const result = (await this.executeAsOneStatement(request)) ?? (await this.executeInTransaction(request));
    this.committed();
    return result;
  }

  /**
   * Most commands on an existing worker write nothing but their events: no idempotency record, no key,
   * no index. Their append is one statement whose expected-version check is the whole concurrency
   * control, so they need no transaction around the read: a worker changed between the read and the
   * append makes the append fail with ConcurrencyError (409), exactly as inside a transaction, at two
   * round trips fewer. Answers undefined when the command needs the transaction after all.
   */
  private async executeAsOneStatement(request: WorkerCommandRequest): Promise<WorkerCommandResult | undefined> {
    const { conditions, principal, command } = request;
    if (conditions.idempotency || request.alongside || typeof command === 'function' || needsPersonalData(command)) return undefined;
    const { state, version } = await this.streams.load(request.workerId, undefined, undefined, { personalData: false });
    const access = authorise(principal, request.action, state);
    if (!access.allowed) throw new AccessDenied(access.reason, access.code);
    if (conditions.ifMatch !== undefined && !conditions.ifMatch.includes(version))
      throw new PreconditionFailed(conditions.ifMatch, version);
    const events = decide(command, state);
    if (events.some((e) => TOUCHES_PERSON_INDEX.has(e.type)) || this.streams.sealsAnything(events)) return undefined;
    const newVersion = await this.streams.append(request.workerId, version, events, request.context, { before: state });
    return {
      workerId: request.workerId,
      state: events.reduce(evolve, state),
      version: newVersion,
      // Nothing personal was opened: the answer carries the worker's non-personal representation.
      personalData: false,
      ...(access.onlyCountry === undefined ? {} : { onlyCountry: access.onlyCountry }),
    };
  }

  private executeInTransaction(request: WorkerCommandRequest): Promise<WorkerCommandResult> {
    const { conditions, principal } = request;
    return withTransaction(this.pool, async (client) => {
      const idempotency = conditions.idempotency;
      const withPersonalData = typeof request.command === 'function' || needsPersonalData(request.command);
      if (idempotency) {
        // A retry with the same key waits here until the first attempt committed or rolled back, then
        // finds its record. The lock takes no transaction id, and the record is written after the
        // append: this transaction writes nothing before it has read the stream (see EventStore.append).
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [principal.organisationId, idempotency.key]);
        const first = await this.firstAnswer(client, principal, idempotency, withPersonalData);
        if (first) return first;
      }
      // Everything inside the transaction goes through its client: never a second connection while holding one.
      const { state, version } = await this.streams.load(request.workerId, undefined, client, { personalData: withPersonalData });
      // An unknown worker is judged on kind and scope only, and then reported as such by `decide`.
      const access = authorise(principal, request.action, state);
      if (!access.allowed) throw new AccessDenied(access.reason, access.code);
      if (conditions.ifMatch !== undefined && !conditions.ifMatch.includes(version))
        throw new PreconditionFailed(conditions.ifMatch, version);
      const command = typeof request.command === 'function' ? await request.command(client) : request.command;
      const events = decide(command, state);
      const newVersion = await this.streams.append(request.workerId, version, events, request.context, { before: state, client });
      const after = events.reduce(evolve, state);
      if (events.some((e) => TOUCHES_PERSON_INDEX.has(e.type))) await this.personIndex.apply(client, request.workerId, after);
      await request.alongside?.(client);
      if (idempotency) {
        await client.query(
          `INSERT INTO idempotency_keys (organisation_id, idempotency_key, fingerprint, worker_id, stream_version)
           VALUES ($1, $2, $3, $4, $5)`,
          [principal.organisationId, idempotency.key, idempotency.fingerprint, request.workerId, newVersion],
        );
      }
      return {
        workerId: request.workerId,
        state: after,
        version: newVersion,
        personalData: withPersonalData && access.personalData,
        ...(access.onlyCountry === undefined ? {} : { onlyCountry: access.onlyCountry }),
      };
    });
  }

  /** The answer the first request with this key got, if there was one; refused when the key came with another request. */
  private async firstAnswer(
    client: PoolClient,
    principal: Principal,
    idempotency: { key: string; fingerprint: string },
    withPersonalData: boolean,
  ): Promise<WorkerCommandResult | undefined> {
    const { rows } = await client.query<{ fingerprint: string; worker_id: string; stream_version: string }>(
      'SELECT fingerprint, worker_id, stream_version FROM idempotency_keys WHERE organisation_id = $1 AND idempotency_key = $2',
      [principal.organisationId, idempotency.key],
    );
    const row = rows[0];
    if (!row) return undefined;
    if (row.fingerprint !== idempotency.fingerprint) {
      throw new IdempotencyKeyReused('this Idempotency-Key was already used for a different request; use a new key for a new request');
    }
    const { state, version } = await this.streams.load(row.worker_id, Number(row.stream_version), client, {
      personalData: withPersonalData,
    });
    // The same organisation was authorised for the first request; it is shown the worker as then.
    const { personalData, onlyCountry } = visibilityFor(principal);
    return {
      workerId: row.worker_id,
      state,
      version,
      personalData: withPersonalData && personalData,
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
