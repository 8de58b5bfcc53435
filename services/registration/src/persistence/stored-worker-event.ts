import type { PoolClient } from 'pg';

/**
 * How a worker event sits in the event store. Its data is the domain event's data with every personal
 * field replaced by its seal under `sealed`; its metadata says who recorded it, where, and which
 * destination country it concerns. The stream (`worker-<id>`), version, event id, occurred-at and
 * recorded-at are the row's own columns. Together they are everything the event's message on the
 * registration topic is made of, so that the relay can build it from the row alone. The format is the
 * write-side kit's, shared by every event-sourced service.
 */
export { fromStoredSeal, toStoredSeal, type StoredMetadata, type StoredSeal } from '@homeward/command-handling/streams';

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
