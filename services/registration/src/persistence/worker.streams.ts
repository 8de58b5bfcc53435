import type { PoolClient } from 'pg';
import { cloudEventHeaders, uuidv7 } from '@homeward/contracts';
import type { EventStore, NewEvent, OutboxMessage, StoredEvent } from '@homeward/event-store';
import type { PersonalDataVault, SealedData } from '@homeward/personal-data';
import { occurredOn, type WorkerEvent } from '../domain/worker/worker.events';
import { allCycles, evolve, initialState, type WorkerState } from '../domain/worker/worker.state';
import {
  encodeRegistrationEvent,
  toEnvelope,
  toRegistrationEvent,
  type EnvelopeFields,
  type SealedFields,
} from '../messaging/worker-event.proto-mapper';

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
    case 'ReturnRecorded':
      return event.data.fromCountry;
    case 'ArrivalRecorded':
    case 'EmploymentChanged':
    case 'SkillsAcquired':
    case 'WelfareIncidentRecorded':
    case 'ReintegrationNeedsAssessed':
    case 'ReintegrationReferralMade':
    case 'ReintegrationOutcomeRecorded': {
      const cycle = allCycles(before).find((c) => c.number === event.data.cycleNumber);
      return cycle?.departure?.destinationCountry ?? cycle?.fromCountry ?? '';
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
};

/** How sealed personal data sits in a stored event's JSON. */
interface StoredSeal {
  keyId: string;
  nonce: string;
  ciphertext: string;
}

const toStoredSeal = (s: SealedData): StoredSeal => ({
  keyId: s.keyId,
  nonce: Buffer.from(s.nonce).toString('base64'),
  ciphertext: Buffer.from(s.ciphertext).toString('base64'),
});
const fromStoredSeal = (s: StoredSeal): SealedData => ({
  keyId: s.keyId,
  nonce: Buffer.from(s.nonce, 'base64'),
  ciphertext: Buffer.from(s.ciphertext, 'base64'),
});

/**
 * Workers' event streams in the event store. Load folds a stream into state, opening sealed personal
 * data with the worker's key (gone after erasure). Append seals personal data before anything is
 * written, and writes the events with their integration messages for the registration topic.
 */
export class WorkerStreams {
  constructor(
    private readonly store: EventStore,
    private readonly vault: PersonalDataVault,
    private readonly topic: string,
    private readonly source: string,
  ) {}

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
    const stored = await this.store.readStream(workerStreamId(workerId), 1, upToVersion, client);
    let state = initialState();
    for (const e of stored) state = evolve(state, await this.toDomain(workerId, e, options.personalData, client));
    return { state, version: stored.length };
  }

  private async toDomain(workerId: string, stored: StoredEvent, open: boolean, client?: PoolClient): Promise<WorkerEvent> {
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
    const { newEvents, outbox } = this.prepare(workerId, expectedVersion, events, context, before, sealed);
    const result = await this.store.append(workerStreamId(workerId), expectedVersion, newEvents, { outbox, ...(client ? { client } : {}) });
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
    const outbox: OutboxMessage[] = [];
    const streams = workers.map(({ workerId, events }) => {
      const prepared = this.prepare(workerId, 0, events, context, initialState(), sealedByWorker.get(workerId) ?? []);
      outbox.push(...prepared.outbox);
      return { streamId: workerStreamId(workerId), events: prepared.newEvents };
    });
    await this.store.appendToNewStreams(streams, { outbox, client });
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

  /** The stored form of each event (personal data replaced by its seal) and its message for the topic. */
  private prepare(
    workerId: string,
    expectedVersion: number,
    events: readonly WorkerEvent[],
    context: CommandContext,
    before: WorkerState,
    sealedPerEvent: readonly (SealedFields | undefined)[],
  ): { newEvents: NewEvent[]; outbox: OutboxMessage[] } {
    const streamId = workerStreamId(workerId);
    const outbox: OutboxMessage[] = [];
    const newEvents: NewEvent[] = [];
    let state = before;
    for (const [i, event] of events.entries()) {
      const eventId = uuidv7(context.now.getTime());
      const occurredAt = new Date(`${occurredOn(event)}T00:00:00Z`);
      const sealed = sealedPerEvent[i] ?? {};
      const data: Record<string, unknown> = { ...event.data };
      for (const field of Object.keys(sealed)) delete data[field];
      if (Object.keys(sealed).length > 0) {
        data.sealed = Object.fromEntries(Object.entries(sealed).map(([field, seal]) => [field, toStoredSeal(seal as SealedData)]));
      }
      const envelope = toEnvelope(event, {
        eventId,
        streamId,
        streamVersion: expectedVersion + i + 1,
        occurredAt,
        recordedAt: context.now,
        actor: context.actor,
        originCountry: context.originCountry,
        destinationCountry: jurisdictionDestination(event, state),
        correlationId: context.correlationId,
        causationId: context.causationId ?? context.correlationId,
      });
      outbox.push({
        eventId,
        topic: this.topic,
        key: workerId,
        headers: { ...cloudEventHeaders(envelope, this.source, 'homeward.registration.v1.RegistrationEvent') },
        value: encodeRegistrationEvent(toRegistrationEvent(event, envelope, sealed)),
      });
      newEvents.push({
        eventId,
        type: event.type,
        data,
        metadata: {
          actor: context.actor,
          originCountry: context.originCountry,
          correlationId: context.correlationId,
          causationId: context.causationId ?? context.correlationId,
        },
        occurredAt,
      });
      state = evolve(state, event);
    }
    return { newEvents, outbox };
  }
}
