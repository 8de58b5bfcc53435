import type { PoolClient } from 'pg';
import { uuidv7 } from '@homeward/contracts';
import type { EventStore, FoldEvent, NewEvent } from '@homeward/event-store';
import { CoalescingStreams } from '@homeward/event-store/coalescing';
import { SubjectErased, type PersonalDataVault, type SealedData } from '@homeward/personal-data';
import { occurredOn, type WorkerEvent } from '../domain/worker/worker.events';
import { allCycles, cycleCountry, evolve, initialState, type WorkerState } from '../domain/worker/worker.state';
import type { EnvelopeFields, SealedFields } from '../messaging/worker-event.proto-mapper';
import { fromStoredSeal, toStoredSeal, type StoredMetadata, type StoredSeal } from './stored-worker-event';

/** Who asks, for whom, and why: the envelope fields a command brings. */
export interface CommandContext {
  readonly actor: EnvelopeFields['actor'];
  readonly originCountry: string;
  readonly correlationId: string;
  readonly causationId?: string;
  readonly now: Date;
}

export const workerStreamId = (workerId: string) => `worker-${workerId}`;

/**
 * The destination country an event concerns, for the envelope's jurisdiction: what lets a mission's
 * read model keep its own country's workers and nothing else.
 */
function jurisdictionDestination(event: WorkerEvent, before: WorkerState): string {
  switch (event.type) {
    case 'WorkerRegistered':
    case 'PreDepartureOrientationCompleted':
    case 'WorkerDetailsCorrected':
    case 'PersonalDataErased':
    case 'PossibleDuplicateFlagged':
    case 'DuplicateResolved':
      return '';
    case 'DepartureRecorded':
      return event.data.destinationCountry;
    case 'ReturnRecorded': {
      // The cycle's country, even when the worker came home from another: the return closes that stay.
      const open = allCycles(before).find((c) => c.number === event.data.cycleNumber);
      return (open && cycleCountry(open)) ?? event.data.fromCountry;
    }
    case 'ArrivalRecorded':
    case 'EmploymentChanged':
    case 'SkillsAcquired':
    case 'WelfareIncidentRecorded':
    case 'ReintegrationNeedsAssessed':
    case 'ReintegrationReferralMade':
    case 'ReintegrationOutcomeRecorded': {
      const cycle = allCycles(before).find((c) => c.number === event.data.cycleNumber);
      return (cycle && cycleCountry(cycle)) ?? '';
    }
    default: {
      const unknown: never = event;
      throw new Error(`unknown event ${JSON.stringify(unknown)}`);
    }
  }
}

/** The fields of each event that hold personal data, sealed with the worker's key before anything is written. */
const SEALED_FIELDS: Partial<Record<WorkerEvent['type'], readonly (keyof SealedFields)[]>> = {
  WorkerRegistered: ['personalData'],
  WorkerDetailsCorrected: ['personalData'],
  WelfareIncidentRecorded: ['caseNotes'],
  // A domestic worker's employer is a household, whose name points back at the worker (docs/adr/0006).
  DepartureRecorded: ['employerName'],
  EmploymentChanged: ['employerName'],
};

/**
 * Sealed fields opened even when a load leaves personal data sealed: every representation of a cycle
 * shows its employers to those who may see them, as before they were sealed.
 */
const OPENED_ALWAYS: ReadonlySet<string> = new Set<keyof SealedFields>(['employerName']);

/**
 * Sealed with the key the worker's registration made: sealing them creates no key, so a command that
 * seals nothing else needs no transaction of its own (an erased worker's key is gone: see `sealAll`).
 */
const SEALED_WITH_EXISTING_KEY: ReadonlySet<string> = new Set<keyof SealedFields>(['employerName']);

/** An event's seals, where null marks a field dropped because the worker's key was erased. */
type SealsOrDropped = { readonly [K in keyof SealedFields]?: SealedData | null };

/**
 * Workers' event streams in the event store. Load folds a stream into state, opening sealed personal
 * data with the worker's key (gone after erasure). Append seals personal data before anything is
 * written; the stored event carries everything its message on the registration topic needs
 * (registration-topic.mapper.ts), which the relay builds when it publishes it.
 */
export class WorkerStreams {
  /** Reads and appends of commands outside a transaction, gathered with those of concurrent commands. */
  private readonly coalescing: CoalescingStreams;

  constructor(
    private readonly store: EventStore,
    private readonly vault: PersonalDataVault,
  ) {
    this.coalescing = new CoalescingStreams(store);
  }

  /**
   * The worker's state, as of `upToVersion` when given (to replay an earlier answer). With
   * `personalData: false` the sealed fields stay sealed and absent from the state (as after erasure, but
   * without the erased flag), but for the employers' names: nothing personal is decrypted that is not needed.
   */
  async load(
    workerId: string,
    upToVersion?: number,
    client?: PoolClient,
    options: { personalData: boolean } = { personalData: true },
  ): Promise<{ state: WorkerState; version: number }> {
    const streamId = workerStreamId(workerId);
    const stored =
      client || upToVersion !== undefined
        ? await this.store.readStreamForFold(streamId, upToVersion, client)
        : await this.coalescing.readStreamForFold(streamId);
    let state = initialState();
    for (const e of stored) state = evolve(state, await this.toDomain(workerId, e, options.personalData, client));
    return { state, version: stored.length };
  }

  private async toDomain(workerId: string, stored: FoldEvent, open: boolean, client?: PoolClient): Promise<WorkerEvent> {
    const { sealed, ...data } = stored.data as { sealed?: Record<string, StoredSeal> };
    if (!sealed) return { type: stored.type, data } as WorkerEvent;
    const opened: Record<string, unknown> = {};
    for (const [field, seal] of Object.entries(sealed)) {
      if (!open && !OPENED_ALWAYS.has(field)) continue;
      const value = await this.vault.open(workerId, fromStoredSeal(seal), client);
      // After erasure the key is gone: the field stays absent.
      if (value !== undefined) opened[field] = value;
    }
    return { type: stored.type, data: { ...data, ...opened } } as WorkerEvent;
  }

  /**
   * Appends events decided on `before` (the state they were decided on); pass `client` to make the
   * append part of the caller's transaction.
   */
  async append(
    workerId: string,
    expectedVersion: number,
    events: readonly WorkerEvent[],
    context: CommandContext,
    options: { before: WorkerState; client?: PoolClient },
  ): Promise<number> {
    const { before, client } = options;
    if (events.length === 0) return expectedVersion;
    const sealed = await this.sealAll(workerId, events, client);
    const newEvents = this.prepare(events, context, before, sealed);
    const streamId = workerStreamId(workerId);
    const result = client
      ? await this.store.append(streamId, expectedVersion, newEvents, { client })
      : await this.coalescing.append(streamId, expectedVersion, newEvents);
    return result.streamVersion;
  }

  /**
   * Creates many new workers' streams in one statement (bulk import), with their data keys created in
   * the same transaction.
   */
  async appendNewWorkers(
    workers: readonly { workerId: string; events: readonly WorkerEvent[] }[],
    context: CommandContext,
    client: PoolClient,
  ): Promise<void> {
    const toSeal = workers.flatMap(({ workerId, events }) =>
      events.flatMap((event, e) =>
        (SEALED_FIELDS[event.type] ?? [])
          .filter((field) => (event.data as Record<string, unknown>)[field] !== undefined)
          .map((field) => ({ workerId, e, field, data: (event.data as Record<string, unknown>)[field] })),
      ),
    );
    const seals = await this.vault.sealForNewSubjects(
      toSeal.map((t) => ({ subjectId: t.workerId, data: t.data })),
      client,
    );
    const sealedByWorker = new Map<string, SealedFields[]>();
    toSeal.forEach((t, k) => {
      const list = sealedByWorker.get(t.workerId) ?? [];
      list[t.e] = { ...list[t.e], [t.field]: seals[k] };
      sealedByWorker.set(t.workerId, list);
    });
    const streams = workers.map(({ workerId, events }) => ({
      streamId: workerStreamId(workerId),
      events: this.prepare(events, context, initialState(), sealedByWorker.get(workerId) ?? []),
    }));
    await this.store.appendToNewStreams(streams, { client });
  }

  /** Whether appending these events seals personal data (and may need to create the worker's key). */
  sealsAnything(events: readonly WorkerEvent[]): boolean {
    return events.some((event) =>
      (SEALED_FIELDS[event.type] ?? []).some(
        (field) => !SEALED_WITH_EXISTING_KEY.has(field) && (event.data as Record<string, unknown>)[field] !== undefined,
      ),
    );
  }

  /**
   * Seals each event's personal fields. A worker whose personal data was erased has no key any more: what
   * would be sealed for them is dropped, never written in the clear, as everything sealed for them
   * before is unreadable now (a departure after erasure keeps its destination, dates and occupation).
   */
  private async sealAll(workerId: string, events: readonly WorkerEvent[], client?: PoolClient): Promise<SealsOrDropped[]> {
    const sealed: SealsOrDropped[] = [];
    for (const [i, event] of events.entries()) {
      for (const field of SEALED_FIELDS[event.type] ?? []) {
        const value = (event.data as Record<string, unknown>)[field];
        if (value === undefined) continue;
        const seal = await this.vault.seal(workerId, value, client).catch((error: unknown) => {
          if (error instanceof SubjectErased) return null;
          throw error;
        });
        sealed[i] = { ...sealed[i], [field]: seal };
      }
    }
    return sealed;
  }

  /**
   * The stored form of each event: personal data replaced by its seal, and in the metadata who did it,
   * where, and which destination country the event concerns (what a mission's read model keeps).
   */
  private prepare(
    events: readonly WorkerEvent[],
    context: CommandContext,
    before: WorkerState,
    sealedPerEvent: readonly (SealsOrDropped | undefined)[],
  ): NewEvent[] {
    const newEvents: NewEvent[] = [];
    let state = before;
    for (const [i, event] of events.entries()) {
      const sealed = sealedPerEvent[i] ?? {};
      const data: Record<string, unknown> = { ...event.data };
      for (const field of Object.keys(sealed)) delete data[field];
      const seals: Record<string, StoredSeal> = {};
      for (const [field, seal] of Object.entries(sealed)) if (seal) seals[field] = toStoredSeal(seal);
      if (Object.keys(seals).length > 0) data.sealed = seals;
      const metadata: StoredMetadata = {
        actor: context.actor,
        originCountry: context.originCountry,
        destinationCountry: jurisdictionDestination(event, state),
        correlationId: context.correlationId,
        causationId: context.causationId ?? context.correlationId,
      };
      newEvents.push({
        eventId: uuidv7(context.now.getTime()),
        type: event.type,
        data,
        metadata: { ...metadata },
        occurredAt: new Date(`${occurredOn(event)}T00:00:00Z`),
        recordedAt: context.now,
      });
      state = evolve(state, event);
    }
    return newEvents;
  }
}
