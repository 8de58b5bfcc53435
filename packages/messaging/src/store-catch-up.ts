import type { Kafka } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import type { StoredEvent } from '@homeward/event-store';
import {
  STORED_RESIDUE_HEADER,
  storedRowFromMessage,
  storedRowJson,
  type StoredRowFormat,
  type StoredRowJson,
} from '@homeward/contracts/stored-row';
import { createPool } from '@homeward/pg-kit';
import { createKafka, silentLogger, type Logger } from './messaging';
import { readTopicsToEnd, type TopicMessage } from './topic-reader';
import type { RelayedMessage } from './event-relay';

/**
 * The header that carried, beside each event's message on its service's topic, the whole stored row the
 * message was made from (docs/operations/backup-restore.md), until the row was read off the message itself
 * (`@homeward/contracts/stored-row`: the message and a residue header, `homeward_stored`). Messages
 * published with it are still on the topics, kept forever: catch-up still takes their row from it.
 */
export const STORED_EVENT_HEADER = 'homeward_stored_event';

/** The former header of a stored event's message: the whole row as JSON (tests of messages published with it). */
export function storedEventHeader(stored: StoredEvent): Record<typeof STORED_EVENT_HEADER, string> {
  return { [STORED_EVENT_HEADER]: JSON.stringify(storedRowJson(stored)) };
}

export interface CatchUpOptions {
  readonly kafka: Kafka;
  /** The service's own (restored) database. */
  readonly pool: Pool;
  /** The service's own event topic: where its relay publishes every stored event. */
  readonly topic: string;
  /** The relay's mapper of one stored event to its message on `topic`: each event taken back must map to the very message it came in. */
  readonly toMessage: (event: StoredEvent) => RelayedMessage;
  /**
   * How the service's events sit in its store, to read each event's row off its message and residue
   * header. Without it only messages with the former whole-row header can be taken back.
   */
  readonly format?: StoredRowFormat;
  /**
   * How the service derives again, from the rest of the row, data fields it keeps and never publishes
   * (`format.withheld`): skills derives a certificate's verification-code hash from its number with the
   * service's secret. A restorer returns the field's value, or undefined when it cannot say it; a withheld
   * field without a restorer, or that its restorer cannot say, blocks the catch-up (`withheld`). A derived
   * value cannot be checked against the topic, which never carried it: the restorer must derive exactly
   * what the service stored, and the rest of the row must still map back to its message.
   */
  readonly restore?: WithheldRestorers;
  /** false (a dry run): report what would be taken back, write nothing. */
  readonly apply: boolean;
  /**
   * What else the service does, in the same transaction, for the events taken back: registration deletes
   * again the data keys of workers erased after the dump (the restored `data_keys` still holds them).
   */
  readonly afterImport?: (events: readonly StoredEvent[], tx: PoolClient) => Promise<void>;
  readonly logger?: Logger;
}

/** Restorers of withheld data fields, by field name: the field's value derived from the row without it. */
export type WithheldRestorers = Readonly<Record<string, (row: StoredRowJson) => unknown>>;

export interface CatchUpReport {
  /** Messages read from the topic (resends included). */
  readonly messagesRead: number;
  /** Distinct events on the topic. */
  readonly eventsOnTopic: number;
  /** Events on the topic that the store lacks. */
  readonly missing: number;
  /** Of those, written back into the store (0 on a dry run or when anything blocks). */
  readonly imported: number;
  /**
   * Missing events whose message has neither the residue header nor the former whole-row header
   * (published before either existed): they cannot be taken back.
   */
  readonly withoutHeader: readonly string[];
  /**
   * Missing events whose stored row had a field the service never publishes (skills' verification-code
   * hash) and has no restorer for: the topic cannot give them back whole.
   */
  readonly withheld: readonly string[];
  /** Missing events whose withheld fields were derived again by the service's restorers (and are taken back). */
  readonly restored: readonly string[];
  /**
   * Missing events whose row (from the former header, or from the message and its residue) does not read,
   * or does not map back to their own message: not to be trusted.
   */
  readonly unverified: readonly string[];
  /** Missing events whose stream position the store gives to another event, or that would leave a gap in their stream. */
  readonly conflicts: readonly string[];
  /** True when the store holds every event of the topic afterwards (or would, for a dry run): the service may serve again. */
  readonly complete: boolean;
}

interface Candidate {
  readonly row: StoredRowJson;
  readonly message: TopicMessage;
  /** Fields of the stored row that its message does not carry, by design (the row is then incomplete). */
  readonly withheld: readonly string[];
}

function header(message: TopicMessage, name: string): string | undefined {
  const value = message.headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : Buffer.isBuffer(first) ? first.toString('utf8') : first;
}

function sameBytes(a: Uint8Array | null, b: Buffer | null): boolean {
  if (a === null || b === null) return a === null && b === null;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

/**
 * Catch-up of a write service's database restored from a dump: reads the service's own topic to its end,
 * finds the events the store lacks (by event id), and writes them back with their event ids, stream
 * versions, data, metadata and timestamps, in one transaction — only when every missing event can be
 * taken back: its row can be read off its message (the residue header, or the former whole-row header),
 * the row is whole (no withheld field, or one the service derives again) and maps back to that very message
 * (key and value byte for byte), and its stream position is free and follows the stream's last stored version without a gap. Otherwise
 * nothing is written and the report says what blocks; the service must not serve until an operator has
 * reconciled. The events get new global positions at the end of the store; the relay publishes them
 * again, which consumers absorb (they deduplicate by event id or stream version).
 */
export async function catchUpFromTopic(options: CatchUpOptions): Promise<CatchUpReport> {
  const logger = options.logger ?? silentLogger;
  const byId = new Map<string, Candidate>();
  const headerless = new Set<string>();
  const unreadable = new Set<string>();
  const { messagesRead } = await readTopicsToEnd(options.kafka, {
    topics: [options.topic],
    onMessage: (message) => {
      const json = header(message, STORED_EVENT_HEADER);
      const residue = header(message, STORED_RESIDUE_HEADER);
      let candidate: Candidate;
      if (json !== undefined) {
        candidate = { row: JSON.parse(json) as StoredRowJson, message, withheld: [] };
      } else if (residue !== undefined && options.format && message.value) {
        try {
          const { row, withheld } = storedRowFromMessage(options.format, message.value, residue);
          candidate = { row, message, withheld };
        } catch {
          // Not a message of this service's schema, or a residue that does not parse: not to be trusted.
          const id = header(message, 'ce_id');
          if (id) unreadable.add(id);
          return;
        }
      } else {
        const id = header(message, 'ce_id');
        if (id) headerless.add(id);
        return;
      }
      if (!byId.has(candidate.row.eventId)) byId.set(candidate.row.eventId, candidate);
    },
  });
  for (const id of byId.keys()) {
    headerless.delete(id);
    unreadable.delete(id);
  }
  for (const id of unreadable) headerless.delete(id);

  const allIds = [...byId.keys(), ...headerless, ...unreadable];
  const { rows: present } = await options.pool.query<{ event_id: string }>(
    'SELECT event_id::text FROM events WHERE event_id = ANY($1::uuid[])',
    [allIds],
  );
  const stored = new Set(present.map((r) => r.event_id));
  const withoutHeader = [...headerless].filter((id) => !stored.has(id));
  const unreadableMissing = [...unreadable].filter((id) => !stored.has(id));
  const unverified: string[] = [...unreadableMissing];
  const restored: string[] = [];
  const missing: Candidate[] = [];
  for (const candidate of byId.values()) {
    if (stored.has(candidate.row.eventId)) continue;
    const back = candidate.withheld.length > 0 && options.restore ? restoreWithheld(candidate, options.restore) : candidate;
    if (back !== candidate && back.withheld.length === 0) restored.push(back.row.eventId);
    missing.push(back);
  }

  const withheld = missing.filter((c) => c.withheld.length > 0).map((c) => c.row.eventId);
  for (const { row, message } of missing) {
    try {
      const remade = options.toMessage(toStoredEvent(row));
      if (remade.topic !== options.topic || remade.key !== message.key?.toString('utf8') || !sameBytes(remade.value, message.value)) {
        unverified.push(row.eventId);
      }
    } catch {
      unverified.push(row.eventId);
    }
  }

  // Each stream's missing events must follow its last stored version without a gap.
  const streams = [...new Set(missing.map((c) => c.row.streamId))];
  const { rows: heads } = await options.pool.query<{ stream_id: string; version: string }>(
    'SELECT stream_id, max(stream_version)::text AS version FROM events WHERE stream_id = ANY($1::text[]) GROUP BY stream_id',
    [streams],
  );
  const head = new Map(heads.map((h) => [h.stream_id, Number(h.version)]));
  const conflicts: string[] = [];
  const ordered = [...missing].sort((a, b) => a.row.streamId.localeCompare(b.row.streamId) || a.row.streamVersion - b.row.streamVersion);
  for (const { row } of ordered) {
    const expected = (head.get(row.streamId) ?? 0) + 1;
    if (row.streamVersion !== expected) conflicts.push(row.eventId);
    head.set(row.streamId, Math.max(expected - 1, row.streamVersion));
  }

  const blocked = withoutHeader.length + withheld.length + unverified.length + conflicts.length > 0;
  let imported = 0;
  if (options.apply && !blocked && missing.length > 0) {
    // In the order they were recorded, so the global order stays close to the original one.
    const inOrder = [...missing].sort(
      (a, b) => a.row.recordedAt.localeCompare(b.row.recordedAt) || a.row.streamVersion - b.row.streamVersion,
    );
    const client = await options.pool.connect();
    try {
      await client.query('BEGIN');
      for (const { row } of inOrder) {
        await client.query(
          `INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata, occurred_at, recorded_at)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8)`,
          [
            row.streamId,
            row.streamVersion,
            row.eventId,
            row.type,
            JSON.stringify(row.data),
            JSON.stringify(row.metadata),
            row.occurredAt,
            row.recordedAt,
          ],
        );
        imported++;
      }
      await options.afterImport?.(
        inOrder.map((c) => toStoredEvent(c.row)),
        client,
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
  const report: CatchUpReport = {
    messagesRead,
    eventsOnTopic: byId.size + headerless.size + unreadable.size,
    missing: missing.length + withoutHeader.length + unreadableMissing.length,
    imported,
    withoutHeader,
    withheld,
    restored,
    unverified,
    conflicts,
    complete: !blocked,
  };
  logger.info(
    {
      ...report,
      withoutHeader: withoutHeader.length,
      withheld: withheld.length,
      restored: restored.length,
      unverified: unverified.length,
      conflicts: conflicts.length,
    },
    'store catch-up',
  );
  return report;
}

/** The candidate with the withheld fields its restorers can say put back into its data; the others still withheld. */
function restoreWithheld(candidate: Candidate, restore: WithheldRestorers): Candidate {
  const data = { ...(candidate.row.data as Record<string, unknown>) };
  const still: string[] = [];
  for (const field of candidate.withheld) {
    const restorer = Object.hasOwn(restore, field) ? restore[field] : undefined;
    let value: unknown;
    try {
      // Each restorer sees the row as the topic gave it, whatever the others put back.
      value = restorer?.(candidate.row);
    } catch {
      // A row its restorer cannot read (no certificate number): the field stays withheld.
      value = undefined;
    }
    if (value === undefined) still.push(field);
    else data[field] = value;
  }
  return { ...candidate, row: { ...candidate.row, data }, withheld: still };
}

function toStoredEvent(row: StoredRowJson): StoredEvent {
  return {
    globalPosition: 0,
    transactionId: '0',
    streamId: row.streamId,
    streamVersion: row.streamVersion,
    eventId: row.eventId,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    occurredAt: new Date(row.occurredAt),
    recordedAt: new Date(row.recordedAt),
  };
}

/**
 * The command line of a service's catch-up (`services/<service>/src/cli/catch-up.cli.ts`): DATABASE_URL,
 * KAFKA_BROKERS, TOPIC_NAMESPACE and ORIGIN_COUNTRY as the service reads them; `--apply` writes (a dry
 * run otherwise). Prints the report as JSON; exits 0 when the store is complete, 2 when an operator
 * must reconcile first.
 */
export async function runCatchUpCli(
  service: string,
  topicService: string,
  toMessage: (topic: string, source: string) => (event: StoredEvent) => RelayedMessage,
  format: StoredRowFormat,
  consumers: (namespace: string) => readonly ConsumerGroupTopics[] = () => [],
  afterImport?: CatchUpOptions['afterImport'],
  restore?: WithheldRestorers,
): Promise<void> {
  const env = process.env;
  const databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL (the restored database of the service) is required');
  const topic = `${env.TOPIC_NAMESPACE ?? ''}homeward.${topicService}.events.v1`;
  const source = `/homeward/${(env.ORIGIN_COUNTRY ?? 'PH').toLowerCase()}/${service}`;
  const pool = createPool(databaseUrl, { max: 2 });
  const kafka = createKafka({ brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), clientId: `${service}-catch-up` });
  try {
    const apply = process.argv.includes('--apply');
    const report = await catchUpFromTopic({
      kafka,
      pool,
      topic,
      toMessage: toMessage(topic, source),
      format,
      apply,
      ...(afterImport ? { afterImport } : {}),
      ...(restore ? { restore } : {}),
    });
    const rewound = apply && report.complete ? await rewindConsumers(kafka, consumers(env.TOPIC_NAMESPACE ?? '')) : [];
    process.stdout.write(`${JSON.stringify({ service, topic, ...report, rewound }, null, 2)}\n`);
    process.exitCode = report.complete ? 0 : 2;
  } finally {
    await pool.end();
  }
}

/** A consumer group of a service and the topics it reads. */
export interface ConsumerGroupTopics {
  readonly group: string;
  readonly topics: readonly string[];
}

/**
 * Sets the committed offsets of a (stopped) service's consumer groups back to the start of their topics.
 * Those consumers keep their effects in the service's database but their offsets in Kafka: after a
 * restore, Kafka's offsets are ahead of the restored tables, and the messages between would never be
 * applied again. Each of these consumers deduplicates (by event id in handled_messages, or by stream
 * version), so reading everything again applies exactly what the restored database lacks.
 */
export async function rewindConsumers(kafka: Kafka, consumers: readonly ConsumerGroupTopics[]): Promise<string[]> {
  if (consumers.length === 0) return [];
  const admin = kafka.admin();
  await admin.connect();
  try {
    const rewound: string[] = [];
    for (const { group, topics } of consumers) {
      for (const topic of topics) {
        // The first offsets as numbers, not kafkajs's "earliest" marker (-2), which other clients read differently.
        const partitions = (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.low }));
        await admin.setOffsets({ groupId: group, topic, partitions });
        rewound.push(`${group} ${topic}`);
      }
    }
    return rewound;
  } finally {
    await admin.disconnect();
  }
}
