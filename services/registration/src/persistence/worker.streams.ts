import type { PoolClient } from 'pg';
import { uuidv7 } from '@homeward/contracts';
import type { EventStore, FoldEvent, NewEvent } from '@homeward/event-store';
import { CoalescingStreams } from '@homeward/event-store/coalescing';
import type { PersonalDataVault } from '@homeward/personal-data';
import { assertNever } from '@homeward/assert-never';
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
    default:
      assertNever(event, 'event');
  }
}

/** The fields of each event that hold personal data, sealed with the worker's key before anything is written. */
const SEALED_FIELDS: Partial<Record<WorkerEvent['type'], readonly (keyof SealedFields)[]>> = {
  WorkerRegistered: ['personalData'],
  WorkerDetailsCorrected: ['personalData'],
  WelfareIncidentRecorded: ['caseNotes'],
};

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
   * without the erased flag): no key is fetched, and nothing personal is decrypted that is not needed.
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
    if (!sealed || !open) return { type: stored.type, data } as WorkerEvent;
    const opened: Record<string, unknown> = {};
    for (const [field, seal] of Object.entries(sealed)) {
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
      (SEALED_FIELDS[event.type] ?? []).some((field) => (event.data as Record<string, unknown>)[field] !== undefined),
    );
  }

  private async sealAll(workerId: string, events: readonly WorkerEvent[], client?: PoolClient): Promise<SealedFields[]> {
    const sealed: SealedFields[] = [];
    for (const [i, event] of events.entries()) {
      for (const field of SEALED_FIELDS[event.type] ?? []) {
        const value = (event.data as Record<string, unknown>)[field];
        if (value !== undefined) sealed[i] = { ...sealed[i], [field]: await this.vault.seal(workerId, value, client) };
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
    sealedPerEvent: readonly (SealedFields | undefined)[],
  ): NewEvent[] {
    const newEvents: NewEvent[] = [];
    let state = before;
    for (const [i, event] of events.entries()) {
      const sealed = sealedPerEvent[i] ?? {};
      const data: Record<string, unknown> = { ...event.data };
      for (const field of Object.keys(sealed)) delete data[field];
      if (Object.keys(sealed).length > 0) {
        const seals: Record<string, StoredSeal> = {};
        for (const [field, seal] of Object.entries(sealed)) if (seal) seals[field] = toStoredSeal(seal);
        data.sealed = seals;
      }
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
