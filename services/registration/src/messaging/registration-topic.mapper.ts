import { cloudEventHeaders } from '@homeward/contracts';
import { storedResidueHeader, type StoredRowFormat } from '@homeward/contracts/stored-row';
import { RegistrationEventSchema, SexSchema } from '@homeward/contracts/registration/v1';
import type { StoredEvent } from '@homeward/event-store';
import type { RelayedMessage } from '@homeward/messaging/event-relay';
import type { WorkerEvent } from '../domain/worker/worker.events';
import { fromStoredSeal, type StoredMetadata, type StoredSeal } from '../persistence/stored-worker-event';
import { encodeRegistrationEvent, SEX_FROM_PROTO, toEnvelope, toRegistrationEvent, type SealedFields } from './worker-event.proto-mapper';

const DATA_SCHEMA = 'homeward.registration.v1.RegistrationEvent';

/**
 * How the service's events sit in its store, as far as taking them back from their messages needs
 * (`@homeward/contracts/stored-row`): each message carries its row but for a residue header, empty as a rule.
 */
export const REGISTRATION_STORED_ROW: StoredRowFormat = {
  schema: RegistrationEventSchema,
  seals: 'under-sealed',
  enumCodes: { [SexSchema.typeName]: SEX_FROM_PROTO },
};

/**
 * A stored worker event as its message on the registration topic: keyed by the worker id, the
 * protobuf `RegistrationEvent` as value, CloudEvents binary-mode headers. Personal data stays sealed:
 * the seals are copied from the stored event, never opened.
 */
export function registrationMessage(topic: string, source: string): (stored: StoredEvent) => RelayedMessage {
  return (stored) => {
    const { sealed, ...data } = stored.data as { sealed?: Record<string, StoredSeal> };
    const event = { type: stored.type, data } as WorkerEvent;
    const metadata = stored.metadata as unknown as StoredMetadata;
    const seals: { -readonly [K in keyof SealedFields]: SealedFields[K] } = {};
    for (const [field, seal] of Object.entries(sealed ?? {})) seals[field as keyof SealedFields] = fromStoredSeal(seal);
    const envelope = toEnvelope(event, {
      eventId: stored.eventId,
      streamId: stored.streamId,
      streamVersion: stored.streamVersion,
      occurredAt: stored.occurredAt,
      recordedAt: stored.recordedAt,
      actor: metadata.actor,
      originCountry: metadata.originCountry,
      destinationCountry: metadata.destinationCountry ?? '',
      correlationId: metadata.correlationId,
      causationId: metadata.causationId,
    });
    const message = toRegistrationEvent(event, envelope, seals);
    return {
      topic,
      key: stored.streamId.slice('worker-'.length),
      headers: {
        ...cloudEventHeaders(envelope, source, DATA_SCHEMA),
        ...storedResidueHeader(REGISTRATION_STORED_ROW, stored, message),
      },
      value: encodeRegistrationEvent(message),
    };
  };
}
