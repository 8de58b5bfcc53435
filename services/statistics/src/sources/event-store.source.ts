import type { Pool } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { RegistrationFact } from '../domain/history/registration-fact';
import type { ReplayProgress, ReplaySource, SourceCounts } from './replay-source';
import { STATISTICAL_EVENT_TYPES, STORED_FIELDS, STORED_FIELD_COLUMNS, factFromStoredEvent } from './stored-event.mapper';

const TYPES = STATISTICAL_EVENT_TYPES.map((t) => `'${t}'`).join(', ');

/** Column `i` of the field columns: for each event type, the i-th of its STORED_FIELDS (null if it has fewer). */
function fieldColumn(i: number): string {
  const branches = STATISTICAL_EVENT_TYPES.filter((type) => STORED_FIELDS[type].length > i).map(
    (type) => `WHEN '${type}' THEN data #>> '{${STORED_FIELDS[type][i]!.join(',')}}'`,
  );
  return `CASE event_type ${branches.join(' ')} END`;
}

// COPY streams rows as fast as PostgreSQL produces them, without a round trip per batch. Only the event types
// with statistical content are sent, and of them only the fields the reports read, as text columns: the
// replay neither receives sealed personal data nor parses JSON.
export const COPY_SQL = `COPY (
  SELECT stream_version, event_type, floor(extract(epoch FROM recorded_at) * 1000)::bigint, data ->> 'workerId',
         ${Array.from({ length: STORED_FIELD_COLUMNS }, (_, i) => fieldColumn(i)).join(',\n         ')}
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
      const columns = 4 + STORED_FIELD_COLUMNS;
      // Where each column of the current line ends; one array and one reader for every line.
      const tabs: number[] = new Array<number>(columns);
      let current: Buffer = Buffer.alloc(0);
      let lineStart = 0;
      const column = (i: number): string | undefined => {
        const from = i === 0 ? lineStart : tabs[i - 1]! + 1;
        const to = tabs[i]!;
        // \N is COPY's null.
        if (to - from === 2 && current[from] === 0x5c && current[from + 1] === 0x4e) return undefined;
        return unescapeCopyText(current.toString('utf8', from, to));
      };
      // A whole number written in ASCII digits, read from the bytes (no string made); NaN if it is not one.
      const numberAt = (i: number): number => {
        const from = i === 0 ? lineStart : tabs[i - 1]! + 1;
        const to = tabs[i]!;
        const negative = current[from] === 0x2d;
        let value = 0;
        for (let k = negative ? from + 1 : from; k < to; k++) {
          const digit = current[k]! - 0x30;
          if (digit < 0 || digit > 9) return NaN;
          value = value * 10 + digit;
        }
        return to > from + (negative ? 1 : 0) ? (negative ? -value : value) : NaN;
      };
      const line = (chunk: Buffer, start: number, end: number) => {
        read++;
        current = chunk;
        lineStart = start;
        let at = start;
        for (let i = 0; i < columns - 1; i++) {
          const tab = chunk.indexOf(TAB, at);
          if (tab < 0 || tab > end) {
            undecodable++;
            return;
          }
          tabs[i] = tab;
          at = tab + 1;
        }
        tabs[columns - 1] = end;
        const type = column(1) ?? '';
        const wanted = STORED_FIELDS[type as keyof typeof STORED_FIELDS]?.length ?? 0;
        const fields: (string | undefined)[] = [];
        for (let i = 0; i < wanted; i++) fields.push(column(4 + i));
        let fact: RegistrationFact | undefined;
        try {
          fact = factFromStoredEvent({
            streamVersion: numberAt(0),
            type,
            recordedAt: numberAt(2),
            workerId: column(3) ?? '',
            fields,
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
