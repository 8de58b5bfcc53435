import type { PoolClient } from 'pg';
import { cloudEventHeaders, uuidv7 } from '@homeward/contracts';
import type { EventStore, NewEvent, OutboxMessage, StoredEvent } from '@homeward/event-store';
import type { PersonalDataVault, SealedData } from '@homeward/personal-data';
import { occurredOn, type PersonalData, type WorkerEvent } from '../domain/worker/worker.events';
import { evolve, initialState, type WorkerState } from '../domain/worker/worker.state';
import { encodeRegistrationEvent, toEnvelope, toRegistrationEvent, type EnvelopeFields } from '../messaging/worker-event.proto-mapper';

/** Who asks, for whom, and why: the envelope fields a command brings. */
export interface CommandContext {
  readonly actor: EnvelopeFields['actor'];
  readonly originCountry: string;
  readonly correlationId: string;
  readonly causationId?: string;
  readonly now: Date;
}

export const workerStreamId = (workerId: string) => `worker-${workerId}`;

function jurisdictionDestination(event: WorkerEvent): string {
  switch (event.type) {
    case 'WorkerRegistered':
    case 'PersonalDataErased':
      return '';
    case 'DepartureRecorded':
      return event.data.destinationCountry;
    case 'ReturnRecorded':
      return event.data.fromCountry;
    default: {
      const unknown: never = event;
      throw new Error(`unknown event ${JSON.stringify(unknown)}`);
    }
  }
}

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

  /** The worker's state, as of `upToVersion` when given (to replay an earlier answer). */
  async load(workerId: string, upToVersion?: number): Promise<{ state: WorkerState; version: number }> {
    const stored = await this.store.readStream(workerStreamId(workerId), 1, upToVersion);
    let state = initialState();
    for (const e of stored) state = evolve(state, await this.toDomain(workerId, e));
    return { state, version: stored.length };
  }

  private async toDomain(workerId: string, stored: StoredEvent): Promise<WorkerEvent> {
    if (stored.type !== 'WorkerRegistered') return { type: stored.type, data: stored.data } as WorkerEvent;
    const { sealedPersonalData, ...data } = stored.data as { sealedPersonalData?: StoredSeal };
    const personalData = sealedPersonalData ? await this.vault.open<PersonalData>(workerId, fromStoredSeal(sealedPersonalData)) : undefined;
    return { type: 'WorkerRegistered', data: { ...data, ...(personalData ? { personalData } : {}) } } as WorkerEvent;
  }

  /** Appends; pass `client` to make the append part of the caller's transaction. */
  async append(
    workerId: string,
    expectedVersion: number,
    events: readonly WorkerEvent[],
    context: CommandContext,
    client?: PoolClient,
  ): Promise<number> {
    if (events.length === 0) return expectedVersion;
    const streamId = workerStreamId(workerId);
    const outbox: OutboxMessage[] = [];
    const newEvents: NewEvent[] = [];
    for (const [i, event] of events.entries()) {
      const eventId = uuidv7(context.now.getTime());
      const occurredAt = new Date(`${occurredOn(event)}T00:00:00Z`);
      let data: unknown = event.data;
      let sealed: SealedData | undefined;
      if (event.type === 'WorkerRegistered' && event.data.personalData) {
        const { personalData, ...rest } = event.data;
        sealed = await this.vault.seal(workerId, personalData);
        data = { ...rest, sealedPersonalData: toStoredSeal(sealed) };
      }
      const envelope = toEnvelope(event, {
        eventId,
        streamId,
        streamVersion: expectedVersion + i + 1,
        occurredAt,
        recordedAt: context.now,
        actor: context.actor,
        originCountry: context.originCountry,
        destinationCountry: jurisdictionDestination(event),
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
    }
    const result = await this.store.append(streamId, expectedVersion, newEvents, { outbox, ...(client ? { client } : {}) });
    return result.streamVersion;
  }
}
