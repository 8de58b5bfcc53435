import type { StoredMetadata } from '@homeward/command-handling/streams';
import { storedResidueHeader, type StoredRowFormat } from '@homeward/contracts/stored-row';
import { FundEventSchema } from '@homeward/contracts/fund/v1';
import { cloudEventHeaders } from '@homeward/contracts';
import type { StoredEvent } from '@homeward/event-store';
import type { RelayedMessage, ToMessages } from '@homeward/messaging/event-relay';
import { encodeFundEvent, toEnvelope, toFundEvent, type FundDomainEvent } from './fund-event.proto-mapper';

const DATA_SCHEMA = 'homeward.fund.v1.FundEvent';

/**
 * How the service's events sit in its store, as far as taking them back from their messages needs
 * (`@homeward/contracts/stored-row`): each message carries its row but for a residue header, empty as a rule.
 */
export const FUND_STORED_ROW: StoredRowFormat = {
  schema: FundEventSchema,
  seals: 'in-place',
  jsonFields: { 'homeward.fund.v1.RuleOutcome': { expectedJson: 'expected', actualJson: 'actual' } },
};

/**
 * A stored fund event as its message on `homeward.fund.events.v1`: keyed by its stream id (`policy-<fundId>`,
 * `member-<workerId>`, `claim-<claimId>`), so that each stream's events keep their order, the protobuf
 * `FundEvent` as value, CloudEvents binary-mode headers. Case notes are stored sealed and copied sealed.
 */
export function fundMessage(topic: string, source: string): (stored: StoredEvent) => RelayedMessage {
  return (stored) => {
    const event = { type: stored.type, data: stored.data } as FundDomainEvent;
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
    const message = toFundEvent(event, envelope);
    return {
      topic,
      key: stored.streamId,
      headers: {
        ...cloudEventHeaders(envelope, source, DATA_SCHEMA),
        ...storedResidueHeader(FUND_STORED_ROW, stored, message),
      },
      value: encodeFundEvent(message),
    };
  };
}

/** The relay's mapping of the service's stored events to `homeward.fund.events.v1`: one message per event. */
export function fundMessages(topic: string, source: string): ToMessages {
  const toMessage = fundMessage(topic, source);
  return async (events) => events.map(toMessage);
}
