import type { PoolClient } from 'pg';
import { binaryEncoder, create, timestampFromDate, type DirectoryEmployer, type DirectoryIdentity } from '@homeward/contracts';
import { SealedPersonalDataSchema } from '@homeward/contracts/common/v1';
import { DirectoryEntrySchema } from '@homeward/contracts/registration/v1/directory';
import type { StoredEvent } from '@homeward/event-store';
import type { RelayedMessage, ToMessages } from '@homeward/messaging/event-relay';
import type { PersonalDataVault, SealedData, SharedKey } from '@homeward/personal-data';
import type { PersonalData } from '../domain/worker/worker.events';
import { fromStoredSeal, readDirectoryEvents, type StoredDirectoryEvent, type StoredSeal } from '../persistence/stored-worker-event';
import { registrationMessage } from './registration-topic.mapper';

const DATA_SCHEMA = 'homeward.registration.v1.DirectoryEntry';
const encodeEntry = binaryEncoder(DirectoryEntrySchema);

export interface RegistrationTopics {
  /** homeward.registration.events.v1: every event, personal data sealed with the worker's own key. */
  readonly events: string;
  /** homeward.registration.directory.v1: compacted, each worker's latest identity or a tombstone. */
  readonly directory: string;
  /** The CloudEvents source of the events, e.g. /homeward/ph/registration. */
  readonly source: string;
}

/**
 * The relay's mapping of stored worker events to the registration topics (docs/adr/0004, 0006): every
 * event to the events topic, as before; and to the directory topic, each registration or correction of
 * personal data, and each departure or change of employer, as the worker's entry, sealed with the
 * directory key; each erasure as a tombstone.
 *
 * An entry is whole, as compaction keeps only the latest of a worker: their identity as of the event and
 * the employers of every departure and change of employer up to it. So of a batch's events that change a
 * worker's entry only the worker's last gets one: the others' would be superseded in the same send (an
 * import's registration and departures of a worker come in one batch). Both are opened from the worker's
 * stored events (one read of the batch's workers' events, one of their keys). A worker erased since the
 * event was committed opens to nothing and gets no entry: the erasure's tombstone follows in this batch
 * or a later one.
 */
export function registrationMessages(topics: RegistrationTopics, vault: PersonalDataVault, directoryKey: SharedKey): ToMessages {
  const toEventMessage = registrationMessage(topics.events, topics.source);
  const directorySource = `${topics.source}/directory`;
  return async (events, db) => {
    const changes = events.filter(makesEntry);
    const entries = await directoryContents(changes, lastOfEachWorker(changes), vault, db);
    const messages: RelayedMessage[] = events.map(toEventMessage);
    for (const event of events) {
      if (event.type === 'PersonalDataErased') {
        messages.push(directoryTombstone(topics, event));
        continue;
      }
      const contents = entries.get(event.eventId);
      if (!contents) continue;
      const workerId = workerIdOf(event);
      const headers = {
        ce_specversion: '1.0',
        ce_id: event.eventId,
        ce_source: directorySource,
        ce_time: event.recordedAt.toISOString(),
        ce_subject: event.streamId,
        homeward_stream_version: String(event.streamVersion),
      };
      const { personalData, employers } = contents;
      const identity: DirectoryIdentity = {
        givenName: personalData.givenName,
        familyName: personalData.familyName,
        dateOfBirth: personalData.dateOfBirth,
        ...(personalData.nationalId ? { nationalId: personalData.nationalId } : {}),
        ...(personalData.passportNumber ? { passportNumber: personalData.passportNumber } : {}),
      };
      const sealedProto = (sealed: SealedData) =>
        create(SealedPersonalDataSchema, { keyId: sealed.keyId, nonce: sealed.nonce, ciphertext: sealed.ciphertext });
      const entry = create(DirectoryEntrySchema, {
        workerId,
        streamVersion: BigInt(event.streamVersion),
        eventId: event.eventId,
        recordedAt: timestampFromDate(event.recordedAt),
        identity: sealedProto(directoryKey.seal(workerId, identity)),
        ...(employers.length > 0 ? { employers: sealedProto(directoryKey.seal(workerId, employers)) } : {}),
      });
      messages.push({
        topic: topics.directory,
        key: workerId,
        headers: { ...headers, ce_type: DATA_SCHEMA, 'content-type': 'application/protobuf', ce_dataschema: DATA_SCHEMA },
        value: encodeEntry(entry),
      });
    }
    return messages;
  };
}

/** What the directory entry of an event holds, opened: the worker's identity and employers as of that event. */
interface EntryContents {
  readonly personalData: PersonalData;
  readonly employers: readonly DirectoryEmployer[];
}

/**
 * The contents of the entry of each of `wanted`, by event id, given the batch's events that change an entry
 * (`changes`). A stream that starts in the batch is read from the batch; the others from the event store,
 * all in one query. Everything sealed in them opens with one read of the workers' keys; an erased worker's
 * events get no entry.
 */
async function directoryContents(
  changes: readonly StoredEvent[],
  wanted: readonly StoredEvent[],
  vault: PersonalDataVault,
  db: PoolClient,
): Promise<Map<string, EntryContents>> {
  const contents = new Map<string, EntryContents>();
  if (wanted.length === 0) return contents;
  const firstInBatch = new Map<string, number>();
  for (const e of changes) firstInBatch.set(e.streamId, Math.min(firstInBatch.get(e.streamId) ?? Infinity, e.streamVersion));
  const stored = await readDirectoryEvents(
    db,
    [...firstInBatch].filter(([, first]) => first > 1).map(([streamId]) => streamId),
  );
  const byStream = new Map<string, StoredDirectoryEvent[]>();
  const add = (e: StoredDirectoryEvent) => {
    const list = byStream.get(e.streamId) ?? [];
    if (!list.some((known) => known.streamVersion === e.streamVersion)) list.push(e);
    byStream.set(e.streamId, list);
  };
  for (const e of stored) add(e);
  for (const e of changes) add(e);
  for (const list of byStream.values()) list.sort((a, b) => a.streamVersion - b.streamVersion);

  // Every seal an entry needs, opened in one go.
  const toOpen: { subjectId: string; sealed: SealedData }[] = [];
  const index = new Map<string, number>();
  const sealIndex = (e: StoredDirectoryEvent, field: 'personalData' | 'employerName'): number | undefined => {
    const seal = (e.data as { sealed?: Record<string, StoredSeal> }).sealed?.[field];
    if (!seal) return undefined;
    const key = `${e.streamId}:${e.streamVersion}:${field}`;
    if (!index.has(key)) {
      index.set(key, toOpen.length);
      toOpen.push({ subjectId: e.streamId.slice('worker-'.length), sealed: fromStoredSeal(seal) });
    }
    return index.get(key);
  };
  const plan = wanted.map((event) => {
    const upTo = (byStream.get(event.streamId) ?? []).filter((e) => e.streamVersion <= event.streamVersion);
    const identityEvent = upTo
      .filter((e) => e.type !== 'DepartureRecorded' && e.type !== 'EmploymentChanged' && sealIndex(e, 'personalData') !== undefined)
      .at(-1);
    const employerEvents = upTo.filter((e) => e.type === 'DepartureRecorded' || e.type === 'EmploymentChanged');
    return {
      event,
      identity: identityEvent && sealIndex(identityEvent, 'personalData'),
      employers: employerEvents.map((e) => {
        const data = e.data as { cycleNumber: number; employerName?: string };
        return {
          streamVersion: e.streamVersion,
          cycleNumber: data.cycleNumber,
          clear: data.employerName,
          sealed: sealIndex(e, 'employerName'),
        };
      }),
    };
  });
  const opened = await vault.openMany<unknown>(toOpen, db);
  for (const { event, identity, employers } of plan) {
    const personalData = identity === undefined ? undefined : (opened[identity] as PersonalData | undefined);
    if (!personalData) continue;
    const named: DirectoryEmployer[] = [];
    for (const e of employers) {
      // A name stored before employer names were sealed is in the clear (docs/adr/0006).
      const employerName = e.sealed === undefined ? e.clear : (opened[e.sealed] as string | undefined);
      if (employerName) named.push({ streamVersion: e.streamVersion, cycleNumber: e.cycleNumber, employerName });
    }
    contents.set(event.eventId, { personalData, employers: named });
  }
  return contents;
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

/** Of a batch's events that change an entry, each worker's last: the one whose entry is published. */
function lastOfEachWorker(changes: readonly StoredEvent[]): StoredEvent[] {
  const last = new Map<string, StoredEvent>();
  for (const event of changes) last.set(event.streamId, event);
  return [...last.values()];
}

/**
 * A registration or a correction of personal data (both carry the whole personal data, sealed), a
 * departure, or a change of employer: each changes what the worker's entry holds.
 */
function makesEntry(event: StoredEvent): boolean {
  const sealed = (event.data as { sealed?: Record<string, StoredSeal> }).sealed;
  switch (event.type) {
    case 'WorkerRegistered':
    case 'WorkerDetailsCorrected':
      return sealed?.personalData !== undefined;
    case 'DepartureRecorded':
    case 'EmploymentChanged':
      return sealed?.employerName !== undefined || (event.data as { employerName?: string }).employerName !== undefined;
    default:
      return false;
  }
}
