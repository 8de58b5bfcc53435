import { create, toBinary, timestampFromDate, type DirectoryIdentity } from '@homeward/contracts';
import { SealedPersonalDataSchema } from '@homeward/contracts/common/v1';
import { DirectoryEntrySchema } from '@homeward/contracts/registration/v1/directory';
import type { StoredEvent } from '@homeward/event-store';
import type { RelayedMessage, ToMessages } from '@homeward/messaging/event-relay';
import type { PersonalDataVault, SharedKey } from '@homeward/personal-data';
import type { PersonalData } from '../domain/worker/worker.events';
import { fromStoredSeal, type StoredSeal } from '../persistence/stored-worker-event';
import { registrationMessage } from './registration-topic.mapper';

const DATA_SCHEMA = 'homeward.registration.v1.DirectoryEntry';

export interface RegistrationTopics {
  /** homeward.registration.events.v1: every event, personal data sealed with the worker's own key. */
  readonly events: string;
  /** homeward.registration.directory.v1: compacted, each worker's latest identity or a tombstone. */
  readonly directory: string;
  /** The CloudEvents source of the events, e.g. /homeward/ph/registration. */
  readonly source: string;
}

/**
 * The relay's mapping of stored worker events to the registration topics (docs/adr/0004): every event to
 * the events topic, as before; and to the directory topic, each registration or correction of personal
 * data as the worker's identity, sealed with the directory key, and each erasure as a tombstone.
 *
 * The identity is opened from the event's own seal (a registration or a correction carries the whole
 * personal data), all of a batch's in one read of their keys. A worker erased since the event was
 * committed opens to nothing and gets no entry: the erasure's tombstone follows in this batch or a later one.
 */
export function registrationMessages(topics: RegistrationTopics, vault: PersonalDataVault, directoryKey: SharedKey): ToMessages {
  const toEventMessage = registrationMessage(topics.events, topics.source);
  const directorySource = `${topics.source}/directory`;
  return async (events, db) => {
    const withIdentity = events.filter(carriesIdentity);
    const identities = await vault.openMany<PersonalData>(
      withIdentity.map((e) => ({ subjectId: workerIdOf(e), sealed: fromStoredSeal(sealOf(e)) })),
      db,
    );
    const opened = new Map(withIdentity.map((e, i) => [e.eventId, identities[i]]));
    const messages: RelayedMessage[] = events.map(toEventMessage);
    for (const event of events) {
      const workerId = workerIdOf(event);
      const headers = {
        ce_specversion: '1.0',
        ce_id: event.eventId,
        ce_source: directorySource,
        ce_time: event.recordedAt.toISOString(),
        ce_subject: event.streamId,
        homeward_stream_version: String(event.streamVersion),
      };
      if (event.type === 'PersonalDataErased') {
        messages.push(directoryTombstone(topics, event));
        continue;
      }
      const personalData = opened.get(event.eventId);
      if (!personalData) continue;
      const identity: DirectoryIdentity = {
        givenName: personalData.givenName,
        familyName: personalData.familyName,
        dateOfBirth: personalData.dateOfBirth,
        ...(personalData.nationalId ? { nationalId: personalData.nationalId } : {}),
        ...(personalData.passportNumber ? { passportNumber: personalData.passportNumber } : {}),
      };
      const sealed = directoryKey.seal(workerId, identity);
      const entry = create(DirectoryEntrySchema, {
        workerId,
        streamVersion: BigInt(event.streamVersion),
        eventId: event.eventId,
        recordedAt: timestampFromDate(event.recordedAt),
        identity: create(SealedPersonalDataSchema, { keyId: sealed.keyId, nonce: sealed.nonce, ciphertext: sealed.ciphertext }),
      });
      messages.push({
        topic: topics.directory,
        key: workerId,
        headers: { ...headers, ce_type: DATA_SCHEMA, 'content-type': 'application/protobuf', ce_dataschema: DATA_SCHEMA },
        value: toBinary(DirectoryEntrySchema, entry),
      });
    }
    return messages;
  };
}

/**
 * An erasure's tombstone on the directory: the worker's entries leave the compacted topic, and the agency
 * view deletes the identity. The relay sends it even while the worker's stream is held in quarantine
 * (`directoryTombstonesWhileHeld`): an erasure must reach every copy now, and no entry published later
 * can bring the identity back (the worker's key is gone, so a later registration opens to nothing).
 */
export function directoryTombstone(topics: RegistrationTopics, event: StoredEvent): RelayedMessage {
  return {
    topic: topics.directory,
    key: workerIdOf(event),
    headers: {
      ce_specversion: '1.0',
      ce_id: event.eventId,
      ce_source: `${topics.source}/directory`,
      ce_time: event.recordedAt.toISOString(),
      ce_subject: event.streamId,
      homeward_stream_version: String(event.streamVersion),
      ce_type: 'homeward.registration.v1.DirectoryEntryWithdrawn',
    },
    value: null,
  };
}

/** What the relay publishes of a held worker's events while the stream waits in quarantine: erasures' tombstones. */
export const directoryTombstonesWhileHeld =
  (topics: RegistrationTopics) =>
  (event: StoredEvent): readonly RelayedMessage[] =>
    event.type === 'PersonalDataErased' ? [directoryTombstone(topics, event)] : [];

const workerIdOf = (event: StoredEvent): string => event.streamId.slice('worker-'.length);

const sealOf = (event: StoredEvent): StoredSeal => (event.data as { sealed: { personalData: StoredSeal } }).sealed.personalData;

/** A registration, or a correction of personal data: both carry the whole personal data, sealed. */
function carriesIdentity(event: StoredEvent): boolean {
  if (event.type !== 'WorkerRegistered' && event.type !== 'WorkerDetailsCorrected') return false;
  return (event.data as { sealed?: { personalData?: StoredSeal } }).sealed?.personalData !== undefined;
}
