import type { Pool } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { RegistrationFact } from '../domain/history/registration-fact';
import type { ReplayProgress, ReplaySource, SourceCounts } from './replay';
import { STATISTICAL_EVENT_TYPES, factFromStoredEvent } from './stored-event.mapper';

const TYPES = STATISTICAL_EVENT_TYPES.map((t) => `'${t}'`).join(', ');

/**
 * Keys of the stored events that no report reads: left in the database rather than sent, escaped and
 * parsed for nothing (names of employers and agencies, contract dates, languages…). Sealed personal data
 * is never sent (statistics cannot open it anyway).
 */
const UNREAD_KEYS = [
  'sealed',
  'employerName',
  'recruitmentAgency',
  'contractStart',
  'contractEnd',
  'channel',
  'languages',
  'originArea',
  'educationIsced',
  'registeredOn',
].map((k) => `'${k}'`);

// COPY streams rows as fast as PostgreSQL produces them, without a round trip per batch. Only the event types
// with statistical content are sent, and of them only what the reports read.
export const COPY_SQL = `COPY (
  SELECT stream_version, event_type, floor(extract(epoch FROM recorded_at) * 1000)::bigint, data - ARRAY[${UNREAD_KEYS.join(', ')}]
    FROM events
   WHERE event_type IN (${TYPES})
   ORDER BY global_position
) TO STDOUT`;
const COUNT_SQL = `SELECT count(*)::bigint AS n FROM events WHERE event_type IN (${TYPES})`;

const NEWLINE = 0x0a;
const TAB = 0x09;

/** Undoes COPY's text-format escapes (\\, \t, \n, \r, \b, \f, \v, octal and hex bytes). */
export function unescapeCopyText(field: string): string {
  if (!field.includes('\\')) return field;
  return field.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_all, code: string) => {
    switch (code) {
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'v':
        return '\v';
      default:
        if (code[0] === 'x' && code.length > 1) return String.fromCharCode(parseInt(code.slice(1), 16));
        if (/^[0-7]+$/.test(code)) return String.fromCharCode(parseInt(code, 8));
        return code;
    }
  });
}

/**
 * The registration service's event store (its PostgreSQL `events` table), read in global order inside one
 * repeatable-read transaction: the count for the progress bar and the rows come from the same snapshot, a
 * consistent cut that transactions committing meanwhile do not change.
 */
export class EventStoreReplaySource implements ReplaySource {
  readonly name = 'event-store' as const;

  constructor(private readonly pool: Pool) {}

  async read(sink: (fact: RegistrationFact) => void, progress: ReplayProgress): Promise<SourceCounts> {
    const client = await this.pool.connect();
    let read = 0;
    let undecodable = 0;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const { rows } = await client.query<{ n: string }>(COUNT_SQL);
      const total = Number(rows[0]!.n);
      progress(0, total);
      const stream = client.query(copyTo(COPY_SQL));
      let carry: Buffer | undefined;
      const line = (buffer: Buffer, start: number, end: number) => {
        read++;
        const t1 = buffer.indexOf(TAB, start);
        const t2 = t1 < 0 ? -1 : buffer.indexOf(TAB, t1 + 1);
        const t3 = t2 < 0 ? -1 : buffer.indexOf(TAB, t2 + 1);
        if (t3 < 0 || t3 > end) {
          undecodable++;
          return;
        }
        let fact: RegistrationFact | undefined;
        try {
          fact = factFromStoredEvent({
            streamVersion: Number(buffer.toString('latin1', start, t1)),
            type: buffer.toString('latin1', t1 + 1, t2),
            recordedAt: Number(buffer.toString('latin1', t2 + 1, t3)),
            data: JSON.parse(unescapeCopyText(buffer.toString('utf8', t3 + 1, end))) as Record<string, unknown>,
          });
        } catch {
          undecodable++;
          return;
        }
        if (fact) sink(fact);
      };
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        const buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
        let start = 0;
        for (let end = buffer.indexOf(NEWLINE, start); end >= 0; end = buffer.indexOf(NEWLINE, start)) {
          line(buffer, start, end);
          start = end + 1;
        }
        carry = start < buffer.length ? buffer.subarray(start) : undefined;
        progress(read, total);
      }
      if (carry && carry.length > 0) line(carry, 0, carry.length);
      await client.query('COMMIT');
      return { eventsRead: read, undecodable };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
