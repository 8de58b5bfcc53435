import type { StoredMetadata } from '@homeward/command-handling/streams';
import { storedResidueHeader, type StoredRowFormat } from '@homeward/contracts/stored-row';
import { EmploymentEventSchema } from '@homeward/contracts/employment/v1';
import { cloudEventHeaders } from '@homeward/contracts';
import type { StoredEvent } from '@homeward/event-store';
import type { RelayedMessage } from '@homeward/messaging/event-relay';
import { encodeEmploymentEvent, toEmploymentEvent, toEnvelope, type EmploymentDomainEvent } from './employment-event.proto-mapper';

const DATA_SCHEMA = 'homeward.employment.v1.EmploymentEvent';

/**
 * How the service's events sit in its store, as far as taking them back from their messages needs
 * (`@homeward/contracts/stored-row`): each message carries its row but for a residue header, empty as a rule.
 */
export const EMPLOYMENT_STORED_ROW: StoredRowFormat = { schema: EmploymentEventSchema, seals: 'in-place' };

/**
 * A stored employment event as its message on `homeward.employment.events.v1`: keyed by its stream id
 * (`vacancy-…`, `seeker-<workerId>`, `referral-…`), so that each stream's events keep their order, the
 * protobuf `EmploymentEvent` as value, CloudEvents binary-mode headers.
 */
export function employmentMessage(topic: string, source: string): (stored: StoredEvent) => RelayedMessage {
  return (stored) => {
    const event = { type: stored.type, data: stored.data } as EmploymentDomainEvent;
    const metadata = stored.metadata as unknown as StoredMetadata;
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
    const message = toEmploymentEvent(event, envelope);
    return {
      topic,
      key: stored.streamId,
      headers: {
        ...cloudEventHeaders(envelope, source, DATA_SCHEMA),
        ...storedResidueHeader(EMPLOYMENT_STORED_ROW, stored, message),
      },
      value: encodeEmploymentEvent(message),
    };
  };
}
