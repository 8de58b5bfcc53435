import { fromStoredSeal, type StoredMetadata, type StoredSeal } from '@homeward/command-handling/streams';
import { storedResidueHeader, type StoredRowFormat } from '@homeward/contracts/stored-row';
import { SkillsEventSchema } from '@homeward/contracts/skills/v1';
import { cloudEventHeaders } from '@homeward/contracts';
import type { StoredEvent } from '@homeward/event-store';
import type { RelayedMessage } from '@homeward/messaging/event-relay';
import { encodeSkillsEvent, toEnvelope, toSkillsEvent, type SealedFields, type SkillsDomainEvent } from './skills-event.proto-mapper';

const DATA_SCHEMA = 'homeward.skills.v1.SkillsEvent';
const SEALED: readonly (keyof SealedFields)[] = ['notes', 'issuer', 'description', 'remarks'];

/**
 * How the service's events sit in its store, as far as taking them back from their messages needs
 * (`@homeward/contracts/stored-row`): each message carries its row but for a residue header, empty as a rule.
 */
export const SKILLS_STORED_ROW: StoredRowFormat = {
  schema: SkillsEventSchema,
  seals: 'under-sealed',
  // Never on the topic, where it could be brute-forced offline (candidate.events.ts).
  withheld: ['verificationCodeHash'],
  fieldNames: { 'homeward.skills.v1.EvidenceAdded': { contentHashSha256: 'contentHash' } },
};

/**
 * A stored skills event as its message on the skills topic: keyed by its stream id (`standard-…`,
 * `centre-…`, `candidate-<workerId>`), so that each stream's events keep their order, the protobuf
 * `SkillsEvent` as value, CloudEvents binary-mode headers. Free text stays sealed: the seals are copied
 * from the stored event, never opened.
 */
export function skillsMessage(topic: string, source: string): (stored: StoredEvent) => RelayedMessage {
  return (stored) => {
    const { sealed, ...data } = stored.data as { sealed?: Record<string, StoredSeal> };
    const event = { type: stored.type, data } as SkillsDomainEvent;
    const metadata = stored.metadata as unknown as StoredMetadata;
    const seals: { -readonly [K in keyof SealedFields]: SealedFields[K] } = {};
    for (const field of SEALED) {
      const seal = sealed?.[field];
      if (seal) seals[field] = fromStoredSeal(seal);
    }
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
    const message = toSkillsEvent(event, envelope, seals);
    return {
      topic,
      key: stored.streamId,
      headers: {
        ...cloudEventHeaders(envelope, source, DATA_SCHEMA),
        ...storedResidueHeader(SKILLS_STORED_ROW, stored, message),
      },
      value: encodeSkillsEvent(message),
    };
  };
}
