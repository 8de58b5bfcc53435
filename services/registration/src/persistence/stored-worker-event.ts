import type { PoolClient } from 'pg';
import type { SealedData } from '@homeward/personal-data';
import type { EnvelopeFields } from '../messaging/worker-event.proto-mapper';

/**
 * How a worker event sits in the event store. Its data is the domain event's data with every personal
 * field replaced by its seal under `sealed`; its metadata says who recorded it, where, and which
 * destination country it concerns. The stream (`worker-<id>`), version, event id, occurred-at and
 * recorded-at are the row's own columns. Together they are everything the event's message on the
 * registration topic is made of, so that the relay can build it from the row alone.
 */
export interface StoredMetadata {
  readonly actor: EnvelopeFields['actor'];
  readonly originCountry: string;
  /** The destination country the event concerns ('' for none): what lets a mission's read model keep its own. */
  readonly destinationCountry: string;
  readonly correlationId: string;
  readonly causationId: string;
}

/** How sealed personal data sits in a stored event's JSON. */
export interface StoredSeal {
  readonly keyId: string;
  readonly nonce: string;
  readonly ciphertext: string;
}

export const toStoredSeal = (s: SealedData): StoredSeal => ({
  keyId: s.keyId,
  nonce: Buffer.from(s.nonce).toString('base64'),
  ciphertext: Buffer.from(s.ciphertext).toString('base64'),
});

export const fromStoredSeal = (s: StoredSeal): SealedData => ({
  keyId: s.keyId,
  nonce: Buffer.from(s.nonce, 'base64'),
  ciphertext: Buffer.from(s.ciphertext, 'base64'),
});

/** Stored events that say who a worker is or whom they work for: what a directory entry is made of (docs/adr/0004, 0006). */
export const DIRECTORY_EVENT_TYPES = ['WorkerRegistered', 'WorkerDetailsCorrected', 'DepartureRecorded', 'EmploymentChanged'] as const;

/** One of a worker's stored events of {@link DIRECTORY_EVENT_TYPES}, as the directory needs it. */
export interface StoredDirectoryEvent {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: string;
  readonly data: unknown;
}

/**
 * The stored events of {@link DIRECTORY_EVENT_TYPES} of the given streams, in stream order: one query for
 * a relay batch, whatever the number of workers in it.
 */
export async function readDirectoryEvents(db: PoolClient, streamIds: readonly string[]): Promise<StoredDirectoryEvent[]> {
  if (streamIds.length === 0) return [];
  const { rows } = await db.query<{ stream_id: string; stream_version: string; event_type: string; data: unknown }>(
    `SELECT stream_id, stream_version, event_type, data FROM events
      WHERE stream_id = ANY($1::text[]) AND event_type = ANY($2::text[]) ORDER BY stream_id, stream_version`,
    [streamIds, DIRECTORY_EVENT_TYPES],
  );
  return rows.map((r) => ({ streamId: r.stream_id, streamVersion: Number(r.stream_version), type: r.event_type, data: r.data }));
}
