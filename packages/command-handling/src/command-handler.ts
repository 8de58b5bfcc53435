import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '@homeward/pg-kit';
import type { RequestConditions } from '@homeward/service-kit/conditions';
import type { CommandMetadata, DomainEvent, EventStreams } from './event-streams';
import type { IdempotencyKeys } from './idempotency';

export type { RequestConditions };
export type { CommandMetadata, DomainEvent };

/** A command as `decide` gets it: its own fields, and the metadata the handler adds (Emmett's `metadata.now`). */
export type WithMetadata<C> = C & { readonly metadata: CommandMetadata };

/**
 * Chassaing's decider, as Emmett and Oskar Dudycz's samples write it: every business rule in `decide`,
 * the state a pure fold of the events. The clock and the caller arrive in the command's metadata.
 */
export interface Decider<C, E extends DomainEvent, S> {
  readonly decide: (command: WithMetadata<C>, state: S) => readonly E[];
  readonly evolve: (state: S, event: E) => S;
  readonly initialState: () => S;
}

/** If-Match named a version the stream is no longer (or not yet) at, or `*` a stream that does not exist. Rendered as 412. */
export class PreconditionFailed extends Error {
  override readonly name = 'PreconditionFailed';
  constructor(
    readonly expected: readonly number[] | '*',
    readonly actual: number,
    entity = 'stream',
  ) {
    super(
      expected === '*'
        ? `there is no such ${entity}: If-Match: * asks for one that exists`
        : `the ${entity} is at version ${actual}, not ${expected.join(' or ')}: reload it and decide again`,
    );
  }
}

/** The Idempotency-Key was used before for a different request. Rendered as 422. */
export class IdempotencyKeyReused extends Error {
  override readonly name = 'IdempotencyKeyReused';
  constructor() {
    super('this Idempotency-Key was already used for a different request; use a new key for a new request');
  }
}

export interface CommandRequest<C, S, A> {
  /** The entity the command is for: its stream is the streams' category and this id. */
  readonly id: string;
  /** The command, or how to build it inside the transaction (when it needs lookups that must be current). */
  readonly command: C | ((client: PoolClient) => Promise<C>);
  readonly metadata: CommandMetadata;
  readonly conditions: RequestConditions;
  /**
   * The access rule, judged on the state before deciding (an unknown entity is its initial state): throws to
   * refuse; what it answers comes back with the result. Not called when a retry is answered from its key.
   */
  readonly authorise?: (state: S) => A;
  /**
   * Whether the state is loaded with its personal data opened (the command decides on it or answers with
   * it). Such a command runs in a transaction, and the answer carries the personal data.
   */
  readonly personalData?: boolean;
  /** More writes that must commit with the events (e.g. an erasure's key deletion). */
  readonly alongside?: (client: PoolClient) => Promise<void>;
}

export interface CommandResult<E, S, A> {
  readonly id: string;
  readonly state: S;
  readonly version: number;
  /** What this request recorded; none when it was answered from its Idempotency-Key. */
  readonly events: readonly E[];
  /** What `authorise` answered; absent when the answer is a replay of the first request with the key. */
  readonly access?: A;
  /** The state was loaded with its personal data opened. */
  readonly personalData: boolean;
}

export interface CommandHandlerOptions<C, E extends DomainEvent, S> {
  readonly decider: Decider<C, E, S>;
  readonly streams: EventStreams<E, S>;
  readonly pool: Pool;
  readonly idempotency: IdempotencyKeys;
  /** What the streams hold, in messages ("worker"). */
  readonly entity?: string;
  /** Events that must commit with more writes of the service (an index): they take the transaction. */
  readonly needsTransaction?: (events: readonly E[]) => boolean;
  /** Those writes, in the command's transaction, after the append. */
  readonly withinTransaction?: (client: PoolClient, id: string, after: S, events: readonly E[]) => Promise<void>;
  /** Called after a command's events committed: the event relay sends them without waiting for its next poll. */
  readonly committed?: () => void;
}

/**
 * Runs commands on deciders: load → authorise → check If-Match → decide → append with the expected version
 * (Oskar Dudycz's `commandHandling.ts`, Emmett's `handleCommandWithDecider`), in one transaction with the
 * request's idempotency record when there is one. Every business rule lives in `decide` and every access
 * rule in `authorise`; this class only does the I/O between them.
 *
 * A retry with the same Idempotency-Key waits on the first attempt's claim of the key (a transaction-scoped
 * advisory lock) and then answers with the entity as the first attempt left it, so a command acknowledged
 * once is never applied twice.
 */
export class CommandHandler<C, E extends DomainEvent, S> {
  private readonly entity: string;

  constructor(private readonly options: CommandHandlerOptions<C, E, S>) {
    this.entity = options.entity ?? 'stream';
  }

  async handle<A = undefined>(request: CommandRequest<C, S, A>): Promise<CommandResult<E, S, A>> {
    const result = (await this.handleAsOneStatement(request)) ?? (await this.handleInTransaction(request));
    this.options.committed?.();
    return result;
  }

  /**
   * Most commands on an existing entity write nothing but their events: no idempotency record, no key, no
   * index. Their append is one statement whose expected-version check is the whole concurrency control, so
   * they need no transaction around the read: an entity changed between the read and the append makes the
   * append fail with ConcurrencyError (409), exactly as inside a transaction, at two round trips fewer.
   * Answers undefined when the command needs the transaction after all.
   */
  private async handleAsOneStatement<A>(request: CommandRequest<C, S, A>): Promise<CommandResult<E, S, A> | undefined> {
    const { conditions, command } = request;
    if (conditions.idempotency || request.alongside || typeof command === 'function' || request.personalData) return undefined;
    const { streams, decider } = this.options;
    const { state, version } = await streams.load(request.id, undefined, undefined, { personalData: false });
    const access = request.authorise?.(state);
    this.checkIfMatch(conditions, version);
    const events = decider.decide(withMetadata(command as C, request.metadata), state);
    this.checkExists(conditions, version);
    if (this.options.needsTransaction?.(events) || streams.sealsAnything(events)) return undefined;
    const newVersion = await streams.append(request.id, version, events, request.metadata, { before: state });
    return {
      id: request.id,
      state: events.reduce(decider.evolve, state),
      version: newVersion,
      events,
      ...(access === undefined ? {} : { access }),
      // Nothing personal was opened.
      personalData: false,
    };
  }

  private handleInTransaction<A>(request: CommandRequest<C, S, A>): Promise<CommandResult<E, S, A>> {
    const { conditions, metadata } = request;
    const { streams, decider, idempotency: keys } = this.options;
    const organisationId = metadata.actor.organisationId;
    const personalData = request.personalData ?? false;
    return withTransaction(this.options.pool, async (client) => {
      const idempotency = conditions.idempotency;
      if (idempotency) {
        await keys.claim(client, organisationId, idempotency.key);
        const first = await keys.find(client, organisationId, idempotency.key);
        if (first) {
          if (first.fingerprint !== idempotency.fingerprint) throw new IdempotencyKeyReused();
          // The same organisation was authorised for the first request; it is shown the entity as then.
          const then = await streams.load(first.entityId, first.streamVersion, client, { personalData });
          return { id: first.entityId, ...then, events: [], personalData };
        }
      }
      // Everything inside the transaction goes through its client: never a second connection while holding one.
      const { state, version } = await streams.load(request.id, undefined, client, { personalData });
      const access = request.authorise?.(state);
      this.checkIfMatch(conditions, version);
      const command =
        typeof request.command === 'function'
          ? await (request.command as (client: PoolClient) => Promise<C>)(client)
          : (request.command as C);
      const events = decider.decide(withMetadata(command, metadata), state);
      this.checkExists(conditions, version);
      const newVersion = await streams.append(request.id, version, events, metadata, { before: state, client });
      const after = events.reduce(decider.evolve, state);
      if (this.options.needsTransaction?.(events)) await this.options.withinTransaction?.(client, request.id, after, events);
      await request.alongside?.(client);
      if (idempotency) {
        await keys.record(client, organisationId, idempotency.key, {
          fingerprint: idempotency.fingerprint,
          entityId: request.id,
          streamVersion: newVersion,
        });
      }
      return { id: request.id, state: after, version: newVersion, events, ...(access === undefined ? {} : { access }), personalData };
    });
  }

  private checkIfMatch(conditions: RequestConditions, version: number): void {
    if (conditions.ifMatch !== undefined && !conditions.ifMatch.includes(version))
      throw new PreconditionFailed(conditions.ifMatch, version, this.entity);
  }

  /**
   * `If-Match: *` asks that the entity exists. Checked after `decide`, so that a command on an entity that
   * does not exist is refused as `decide` refuses it (usually 404), and only a command that would create
   * the stream is refused for the precondition.
   */
  private checkExists(conditions: RequestConditions, version: number): void {
    if (conditions.mustExist && version === 0) throw new PreconditionFailed('*', version, this.entity);
  }
}

function withMetadata<C>(command: C, metadata: CommandMetadata): WithMetadata<C> {
  return { ...command, metadata };
}
