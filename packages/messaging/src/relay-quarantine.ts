import type { Pool } from 'pg';
import { PUBLISHER_READER, type GlobalCheckpoint } from '@homeward/event-store';
import type { Queryable } from '@homeward/pg-kit';
import type { Migration } from '@homeward/pg-kit/migrations';

/**
 * The relay's quarantine (docs/adr/0005). A stream whose event the relay cannot turn into a message is
 * held back from that event on: the relay's checkpoint moves past the stream's events, and this row says
 * which of them were passed over (every event of the stream from `first_*` up to the checkpoint). Rows
 * are never deleted: a release stamps `released_at`, so the table is also the record of what was held,
 * why, and who released it. At most one row per reader and stream is open.
 */
export const relayMigrations: readonly Migration[] = [
  {
    id: '0001_relay_quarantine',
    sql: `
      CREATE TABLE relay_quarantine (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        reader text NOT NULL,
        stream_id text NOT NULL,
        first_transaction_id xid8 NOT NULL,
        first_global_position bigint NOT NULL,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        reason text NOT NULL,
        quarantined_at timestamptz NOT NULL DEFAULT now(),
        attempts integer NOT NULL DEFAULT 1,
        last_attempt_at timestamptz NOT NULL DEFAULT now(),
        release_requested_at timestamptz,
        release_requested_by text,
        released_at timestamptz,
        released_events integer
      );
      CREATE UNIQUE INDEX relay_quarantine_open ON relay_quarantine (reader, stream_id) WHERE released_at IS NULL;
    `,
  },
];

/** A stream the relay holds back, as an operator sees it. */
export interface QuarantinedStream {
  readonly streamId: string;
  /** The event that could not be published: the first one held. */
  readonly eventId: string;
  readonly eventType: string;
  /** Why it could not be published (the mapper's error). */
  readonly reason: string;
  readonly since: Date;
  /** How many times the relay tried: the first time, and once for each release asked for. */
  readonly attempts: number;
  readonly lastAttemptAt: Date;
  /** When an operator last asked for the stream to be published again; pending while after `lastAttemptAt`. */
  readonly releaseRequestedAt: Date | undefined;
  readonly releaseRequestedBy: string | undefined;
  /** Events of the stream held back so far (the first one and those after it the relay passed over). */
  readonly heldEvents: number;
}

/** An open quarantine as the relay works with it. */
export interface QuarantineEntry {
  readonly id: number;
  readonly streamId: string;
  readonly firstHeld: GlobalCheckpoint;
  readonly eventId: string;
  readonly releaseRequestedAt: Date | undefined;
  readonly lastAttemptAt: Date;
}

/** What became of a request to release a stream. */
export type ReleaseOutcome =
  | { readonly state: 'released'; readonly publishedEvents: number; readonly releasedAt: Date }
  | { readonly state: 'still-failing'; readonly stream: QuarantinedStream }
  | { readonly state: 'pending'; readonly stream: QuarantinedStream };

interface OpenRow {
  id: string;
  stream_id: string;
  first_transaction_id: string;
  first_global_position: string;
  event_id: string;
  event_type: string;
  reason: string;
  quarantined_at: Date;
  attempts: number;
  last_attempt_at: Date;
  release_requested_at: Date | null;
  release_requested_by: string | null;
  held_events?: number;
}

const toEntry = (row: OpenRow): QuarantineEntry => ({
  id: Number(row.id),
  streamId: row.stream_id,
  firstHeld: { transactionId: row.first_transaction_id, globalPosition: Number(row.first_global_position) },
  eventId: row.event_id,
  releaseRequestedAt: row.release_requested_at ?? undefined,
  lastAttemptAt: row.last_attempt_at,
});

const toStream = (row: OpenRow): QuarantinedStream => ({
  streamId: row.stream_id,
  eventId: row.event_id,
  eventType: row.event_type,
  reason: row.reason,
  since: row.quarantined_at,
  attempts: row.attempts,
  lastAttemptAt: row.last_attempt_at,
  releaseRequestedAt: row.release_requested_at ?? undefined,
  releaseRequestedBy: row.release_requested_by ?? undefined,
  heldEvents: row.held_events ?? 0,
});

// Held: the stream's events from the first held one up to the reader's checkpoint. One index lookup per
// stream (events_stream_version_unique), so listing costs next to nothing while the quarantine is short.
const OPEN_WITH_HELD = `
  SELECT q.*, (
    SELECT count(*)::int FROM events e
     WHERE e.stream_id = q.stream_id
       AND (e.transaction_id, e.global_position) >= (q.first_transaction_id, q.first_global_position)
       AND (e.transaction_id, e.global_position) <= (coalesce(c.transaction_id, '0'::xid8), coalesce(c.global_position, 0))
  ) AS held_events
    FROM relay_quarantine q
    LEFT JOIN global_checkpoints c ON c.reader = q.reader
   WHERE q.reader = $1 AND q.released_at IS NULL`;

/**
 * The quarantine as operators and probes see it: what is held and why, and requests to publish a stream
 * again. Any process with the database may ask; the relay that leads carries the request out (it alone
 * may send, to keep each stream's order), at its next look, within about a second.
 */
export class RelayQuarantine {
  constructor(
    private readonly pool: Pool,
    readonly reader: string = PUBLISHER_READER,
  ) {}

  /** Every stream held back now, oldest first. */
  async list(db: Queryable = this.pool): Promise<QuarantinedStream[]> {
    const { rows } = await db.query<OpenRow>(`${OPEN_WITH_HELD} ORDER BY q.quarantined_at, q.id`, [this.reader]);
    return rows.map(toStream);
  }

  async get(streamId: string, db: Queryable = this.pool): Promise<QuarantinedStream | undefined> {
    const { rows } = await db.query<OpenRow>(`${OPEN_WITH_HELD} AND q.stream_id = $2`, [this.reader, streamId]);
    return rows[0] ? toStream(rows[0]) : undefined;
  }

  /**
   * Asks the relay to publish the stream's held events again, in order, once they map (after a fixed
   * mapper is deployed, say). Answers the request as recorded, or undefined when the stream is not held.
   */
  async requestRelease(streamId: string, requestedBy: string): Promise<{ id: number; requestedAt: Date } | undefined> {
    const { rows } = await this.pool.query<{ id: string; requested_at: Date }>(
      `UPDATE relay_quarantine SET release_requested_at = clock_timestamp(), release_requested_by = $3
        WHERE reader = $1 AND stream_id = $2 AND released_at IS NULL
        RETURNING id, release_requested_at AS requested_at`,
      [this.reader, streamId, requestedBy],
    );
    const row = rows[0];
    return row ? { id: Number(row.id), requestedAt: row.requested_at } : undefined;
  }

  /** What became of the release asked for at `requestedAt` (see requestRelease). */
  async outcome(request: { id: number; requestedAt: Date }): Promise<ReleaseOutcome> {
    const { rows } = await this.pool.query<OpenRow & { released_at: Date | null; released_events: number | null }>(
      `SELECT q.*, 0 AS held_events FROM relay_quarantine q WHERE q.id = $1`,
      [request.id],
    );
    const row = rows[0];
    if (!row) throw new Error(`no quarantine ${request.id}`);
    if (row.released_at) return { state: 'released', publishedEvents: row.released_events ?? 0, releasedAt: row.released_at };
    const stream = (await this.get(row.stream_id)) ?? toStream(row);
    return row.last_attempt_at >= request.requestedAt ? { state: 'still-failing', stream } : { state: 'pending', stream };
  }

  // What the leading relay does with the table, always on its own connection.

  /** The open quarantines; loaded when a relay takes the lead. */
  async open(db: Queryable): Promise<QuarantineEntry[]> {
    const { rows } = await db.query<OpenRow>('SELECT * FROM relay_quarantine WHERE reader = $1 AND released_at IS NULL ORDER BY id', [
      this.reader,
    ]);
    return rows.map(toEntry);
  }

  /** Open quarantines with a release asked for since the relay last tried. */
  async releasesAsked(db: Queryable): Promise<QuarantineEntry[]> {
    const { rows } = await db.query<OpenRow>(
      `SELECT * FROM relay_quarantine
        WHERE reader = $1 AND released_at IS NULL AND release_requested_at > last_attempt_at
        ORDER BY id`,
      [this.reader],
    );
    return rows.map(toEntry);
  }

  /** Opens a quarantine; in the transaction that moves the checkpoint past the event. */
  async hold(
    db: Queryable,
    held: {
      readonly streamId: string;
      readonly first: GlobalCheckpoint;
      readonly eventId: string;
      readonly eventType: string;
      readonly reason: string;
    },
  ): Promise<QuarantineEntry> {
    const { rows } = await db.query<OpenRow>(
      `INSERT INTO relay_quarantine (reader, stream_id, first_transaction_id, first_global_position, event_id, event_type, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [this.reader, held.streamId, held.first.transactionId, held.first.globalPosition, held.eventId, held.eventType, held.reason],
    );
    return toEntry(rows[0]!);
  }

  /** The held events were published: the stream flows again. */
  async released(db: Queryable, id: number, publishedEvents: number): Promise<void> {
    await db.query(
      `UPDATE relay_quarantine SET released_at = clock_timestamp(), released_events = $2, attempts = attempts + 1,
              last_attempt_at = clock_timestamp()
        WHERE id = $1`,
      [id, publishedEvents],
    );
  }

  /**
   * A release published the events before `first` (if any) and stopped at `first`, which still does not
   * map: the quarantine now starts there.
   */
  async stillFailing(
    db: Queryable,
    id: number,
    first: { readonly position: GlobalCheckpoint; readonly eventId: string; readonly eventType: string; readonly reason: string },
  ): Promise<QuarantineEntry> {
    const { rows } = await db.query<OpenRow>(
      `UPDATE relay_quarantine
          SET first_transaction_id = $2, first_global_position = $3, event_id = $4, event_type = $5, reason = $6,
              attempts = attempts + 1, last_attempt_at = clock_timestamp()
        WHERE id = $1 RETURNING *`,
      [id, first.position.transactionId, first.position.globalPosition, first.eventId, first.eventType, first.reason],
    );
    return toEntry(rows[0]!);
  }
}
