import { createHash } from 'node:crypto';
import type { Pool } from 'pg';

/** A partition's next offset to fold: the checkpoint folded every message below it. */
export interface CheckpointOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

export interface FoldCheckpoint {
  readonly id: string;
  readonly foldVersion: number;
  /** The topics folded into it (registration's first): a report reading other topics cannot use it. */
  readonly scope: string;
  readonly offsets: readonly CheckpointOffset[];
  /** The latest recorded-at (epoch ms) of every fact folded into it; null for none. */
  readonly recordedUntil: number | null;
  readonly eventsRead: number;
  readonly undecodable: number;
  readonly state: Uint8Array;
}

/** States are kept in chunks: a bytea holds at most 1 GB, and a national history's fold is larger. */
const CHUNK = 32 * 1024 * 1024;
/** Checkpoints kept per fold version and scope; older ones are removed when a new one is saved. */
const KEEP = 3;

/**
 * The statistics service's checkpoints of the replay's fold, in its own database (fold_checkpoints).
 *
 * Rule of use: a checkpoint is saved only from a fold that left nothing out by a cut-off (every fact it was
 * given was applied or was a redelivery), so it is the fold of the whole log below its offsets. It may be
 * carried on by a report whose cut-off (`knownAt`) is at or after its `recordedUntil`, or that has none:
 * such a report would have applied every fact below the offsets too. The tail (from the offsets to the
 * report's cut) is folded with the report's cut-off, which leaves out what it must, wherever it is. A
 * report whose cut-off is earlier uses an older checkpoint, or replays from the beginning.
 */
export class FoldCheckpointStore {
  constructor(private readonly pool: Pool) {}

  async save(checkpoint: Omit<FoldCheckpoint, 'id'>): Promise<string> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO fold_checkpoints (fold_version, scope, offsets, recorded_until, events_read, undecodable, state_bytes, state_sha256)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [
          checkpoint.foldVersion,
          checkpoint.scope,
          JSON.stringify(checkpoint.offsets),
          checkpoint.recordedUntil,
          checkpoint.eventsRead,
          checkpoint.undecodable,
          checkpoint.state.byteLength,
          createHash('sha256').update(checkpoint.state).digest('hex'),
        ],
      );
      const id = rows[0]!.id;
      for (let n = 0; n * CHUNK < checkpoint.state.byteLength; n++) {
        const bytes = checkpoint.state.subarray(n * CHUNK, (n + 1) * CHUNK);
        await client.query('INSERT INTO fold_checkpoint_chunks (checkpoint_id, n, bytes) VALUES ($1, $2, $3)', [
          id,
          n,
          Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        ]);
      }
      await client.query(
        `DELETE FROM fold_checkpoints WHERE fold_version = $1 AND scope = $2 AND id NOT IN
           (SELECT id FROM fold_checkpoints WHERE fold_version = $1 AND scope = $2 ORDER BY id DESC LIMIT ${KEEP})`,
        [checkpoint.foldVersion, checkpoint.scope],
      );
      await client.query('COMMIT');
      return id;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** The checkpoint of this fold version and scope that folded the most events and is valid for `knownAt`, if any. */
  async latestUsable(foldVersion: number, scope: string, knownAt: number | undefined): Promise<FoldCheckpoint | undefined> {
    const { rows } = await this.pool.query<{
      id: string;
      offsets: CheckpointOffset[];
      recorded_until: string | null;
      events_read: string;
      undecodable: string;
      state_bytes: string;
      state_sha256: string;
    }>(
      `SELECT id, offsets, recorded_until, events_read, undecodable, state_bytes, state_sha256 FROM fold_checkpoints
        WHERE fold_version = $1 AND scope = $2 AND ($3::bigint IS NULL OR recorded_until IS NULL OR recorded_until <= $3::bigint)
        ORDER BY events_read DESC, id DESC LIMIT 1`,
      [foldVersion, scope, knownAt ?? null],
    );
    const row = rows[0];
    if (!row) return undefined;
    const chunks = await this.pool.query<{ bytes: Buffer }>(
      'SELECT bytes FROM fold_checkpoint_chunks WHERE checkpoint_id = $1 ORDER BY n',
      [row.id],
    );
    const state = new Uint8Array(Number(row.state_bytes));
    let at = 0;
    for (const c of chunks.rows) {
      state.set(c.bytes, at);
      at += c.bytes.byteLength;
    }
    if (at !== state.byteLength || createHash('sha256').update(state).digest('hex') !== row.state_sha256)
      throw new Error(`fold checkpoint ${row.id} is not the state that was saved`);
    return {
      id: row.id,
      foldVersion,
      scope,
      offsets: row.offsets,
      recordedUntil: row.recorded_until === null ? null : Number(row.recorded_until),
      eventsRead: Number(row.events_read),
      undecodable: Number(row.undecodable),
      state,
    };
  }
}
