import { cloudEventHeaders, uuidv7 } from '@homeward/contracts';
import type { EventStore, OutboxMessage } from '@homeward/event-store';
import { occurredOn, type WorkerEvent } from '../domain/worker/worker.events';
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

/**
 * Workers' event streams in the event store: load folds a stream into state; append writes the events and,
 * in the same statement, their integration messages for the registration topic.
 */
export class WorkerStreams {
  constructor(
    private readonly store: EventStore,
    private readonly topic: string,
    private readonly source: string,
  ) {}

  async load(workerId: string): Promise<{ state: WorkerState; version: number }> {
    const stored = await this.store.readStream(workerStreamId(workerId));
    const state = stored.reduce((s, e) => evolve(s, { type: e.type, data: e.data } as WorkerEvent), initialState());
    return { state, version: stored.length };
  }

  async append(workerId: string, expectedVersion: number, events: readonly WorkerEvent[], context: CommandContext): Promise<number> {
    const streamId = workerStreamId(workerId);
    const outbox: OutboxMessage[] = [];
    const newEvents = events.map((event, i) => {
      const eventId = uuidv7(context.now.getTime());
      const occurredAt = new Date(`${occurredOn(event)}T00:00:00Z`);
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
        value: encodeRegistrationEvent(toRegistrationEvent(event, envelope)),
      });
      return {
        eventId,
        type: event.type,
        data: event.data,
        metadata: {
          actor: context.actor,
          originCountry: context.originCountry,
          correlationId: context.correlationId,
          causationId: context.causationId ?? context.correlationId,
        },
        occurredAt,
      };
    });
    const result = await this.store.append(streamId, expectedVersion, newEvents, { outbox });
    return result.streamVersion;
  }
}
