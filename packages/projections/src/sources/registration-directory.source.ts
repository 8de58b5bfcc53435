import { fromBinary, registrationDirectoryTopic, timestampDate, type DirectoryEmployer, type DirectoryIdentity } from '@homeward/contracts';

export type { DirectoryEmployer, DirectoryIdentity };
import { DirectoryEntrySchema, type DirectoryEntry } from '@homeward/contracts/registration/v1/directory';
import { PoisonMessageError, type IncomingMessage } from '@homeward/messaging/consumer';
import type { SharedKey } from '@homeward/personal-data';
import type { EventMeta, Source } from '../projection';

/**
 * The registration directory (homeward.registration.directory.v1, docs/adr/0004) as a read model's
 * source: each worker's identity and employers, opened with the directory key, or their withdrawal (a tombstone) when the
 * worker's personal data was erased. Only read models of origin-country agencies hold the key.
 */

interface DirectoryMeta {
  readonly workerId: string;
  /** The event the message reflects: the registration, correction or erasure. */
  readonly eventId: string;
  /** The worker's stream version at that event: a later entry replaces an earlier one. */
  readonly streamVersion: number;
  readonly recordedAt: Date;
}

export type DirectoryFact =
  | (DirectoryMeta & {
      readonly type: 'IdentityPublished';
      readonly identity: DirectoryIdentity;
      /** The employers of the worker's departures and changes of employer up to the entry's stream version (docs/adr/0006). */
      readonly employers: readonly DirectoryEmployer[];
    })
  | (DirectoryMeta & { readonly type: 'IdentityWithdrawn' });

/** Stream ids of the directory are its own, so that its versions never shadow the worker's events in a model. */
export const directoryStreamOf = (workerId: string): string => `directory-${workerId}`;

export function decodeDirectoryFact(message: IncomingMessage, key: SharedKey): DirectoryFact {
  const workerId = message.key;
  if (!workerId) throw new PoisonMessageError('a directory message without a key (the worker id)');
  if (message.value === null || message.value.length === 0) {
    const streamVersion = Number(message.headers.homeward_stream_version);
    const recordedAt = new Date(message.headers.ce_time ?? '');
    if (!Number.isSafeInteger(streamVersion) || streamVersion < 1 || Number.isNaN(recordedAt.getTime()))
      throw new PoisonMessageError('a directory tombstone without its stream version or time');
    return { type: 'IdentityWithdrawn', workerId, eventId: message.eventId, streamVersion, recordedAt };
  }
  let entry: DirectoryEntry;
  try {
    entry = fromBinary(DirectoryEntrySchema, message.value);
  } catch (error) {
    throw new PoisonMessageError(
      `not a homeward.registration.v1.DirectoryEntry: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (entry.workerId !== workerId || !entry.identity || !entry.recordedAt)
    throw new PoisonMessageError('a directory entry of another worker than its key, or without identity or time');
  let identity: DirectoryIdentity;
  let employers: readonly DirectoryEmployer[];
  try {
    identity = key.open<DirectoryIdentity>(workerId, entry.identity);
    // Entries published before employer names were sealed carry none: the events topic had them in the clear.
    employers = entry.employers ? key.open<DirectoryEmployer[]>(workerId, entry.employers) : [];
  } catch (error) {
    // Sealed with a key this model does not hold, or altered: retrying cannot help.
    throw new PoisonMessageError(`directory entry does not open: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    type: 'IdentityPublished',
    workerId,
    eventId: entry.eventId,
    streamVersion: Number(entry.streamVersion),
    recordedAt: timestampDate(entry.recordedAt),
    identity,
    employers,
  };
}

export const directoryMeta = (fact: DirectoryFact): EventMeta => ({
  eventId: fact.eventId,
  streamId: directoryStreamOf(fact.workerId),
  streamVersion: fact.streamVersion,
  recordedAt: fact.recordedAt,
});

/** The directory topic as a read model's source; `key` is the directory key shared with registration. */
export function registrationDirectorySource(key: SharedKey, topicNamespace = ''): Source<DirectoryFact> {
  return {
    topic: registrationDirectoryTopic(topicNamespace),
    decode: (message) => decodeDirectoryFact(message, key),
    meta: directoryMeta,
    erasedSubject: (fact) => (fact.type === 'IdentityWithdrawn' ? fact.workerId : undefined),
    compacted: true,
  };
}
