/**
 * Emmett's side of the rebuild benchmark (issue 4): the agency view, rebuilt from the first event by
 * `rebuildPostgreSQLProjections` of `@event-driven-io/emmett-postgresql` 0.42, over the same events as
 * agency-view's rebuild in rebuild.bench.ts.
 *
 * 1. Loading (not timed): the kept history's events (the registration service's `events` table) are copied
 *    into a fresh database of their own, and appended to an Emmett event store there by Emmett's own
 *    `emt_append_to_stream`, one call per stream (the whole stream, in stream order), called set-based
 *    from SQL for a few thousand streams per transaction: the rows are exactly what `appendToStream` writes,
 *    without a round trip per stream. Emmett's message id is our event id; the metadata keeps ours, plus
 *    `occurredAt` and `recordedAt` (Emmett stamps only its own `created`). The history's directory of
 *    people (ADR 4), which agency-view reads from its own topic, is read from that topic, opened with the
 *    directory key, and appended after the events as `IdentityPublished` / `IdentityWithdrawn` messages of
 *    `directory-<worker>` streams, so that both rebuilds get the same input. Then VACUUM ANALYZE and a CHECKPOINT.
 * 2. The rebuild (timed, from `consumer.start()` until it resolves, i.e. until the consumer found no
 *    messages left and closed its processor): a `postgreSQLProjection` named agency-view whose `init`
 *    creates agency-view's tables (agencySchema), whose `truncate` empties them, and whose `handle` turns
 *    each event into the same row changes agency-view makes (`registrationChanges`, `directoryChanges`) and writes them with
 *    agency-view's own writer (`writeAgencyChanges`) through the handler context's client, inside the
 *    transaction Emmett opens per pulled batch. A PersonalDataErased event and a directory tombstone first
 *    write what agency-view's erase hook writes. The SQL is thus agency-view's, statement for statement; what differs is the
 *    machinery around it.
 *
 * What Emmett 0.42 does in a rebuild (read from its dist/index.js):
 * - each pull is one transaction; inside it, the projector calls `handle` with ONE event at a time (even
 *   for a batch projection), then stores the checkpoint (`store_processor_checkpoint`, which also
 *   dual-writes `emt_subscriptions`) after every event;
 * - each pull reads `emt_messages … WHERE transaction_id < pg_snapshot_xmin(…) AND global_position >= $n
 *   ORDER BY transaction_id, global_position LIMIT $batch`, and no index serves it: every pull scans and
 *   sorts the whole table, so a rebuild costs O(events² / batch) in reads;
 * - a handler's error does not reject `start()`: the processor stops and the rebuild "completes". So we
 *   check afterwards that the checkpoint reached the last message.
 *
 * Emmett 0.42 installs process-wide `pg` type parsers (int8 as BigInt, its own JSON parser), so all of it
 * runs in a child process of its own: `emmettRebuild` forks this file and gets the figures back.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { randomUUID } from 'node:crypto';
import { createKafka } from '@homeward/messaging';
import { incomingMessage } from '@homeward/messaging/consumer';
import { partitionRanges, readTopicsToEnd } from '@homeward/messaging/topic-reader';
import { SharedKey } from '@homeward/personal-data';
import type { RegistrationFact } from '@homeward/projections/registration';
import { decodeDirectoryFact, type DirectoryFact } from '@homeward/projections/registration-directory';
import { createTestDatabase, infrastructure } from '@homeward/testing/infrastructure';
import { directoryChanges, registrationChanges, type AgencyChange } from '@homeward/agency-view/projection';
import { writeAgencyChanges } from '@homeward/agency-view/read-model';
import { agencySchema } from '@homeward/agency-view/schema';

export interface EmmettRebuildOptions {
  /** Messages per pull, and so per transaction (Emmett's default: 100). */
  readonly batchSize: number;
  /** Pause after each pull that left messages behind (Emmett's default: 50 ms). */
  readonly pullingFrequencyInMs: number;
  /** Leaves Emmett's database behind (for EXPLAIN), and prints its name. */
  readonly keep?: boolean;
}

/** Row count and a digest of each table's rows without their timestamps (see `readModelSummary`). */
export type ReadModelSummary = Record<string, { rows: number; digest: string }>;

export interface EmmettRebuildResult {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly loadSeconds: number;
  readonly pulling: EmmettRebuildOptions;
  readonly summary: ReadModelSummary;
}

export const defaultEmmettOptions: EmmettRebuildOptions = { batchSize: 500, pullingFrequencyInMs: 0 };

const AGENCY_TABLES = ['workers', 'cycles', 'timeline', 'identities'] as const;

/** What Emmett's side needs of the kept history (history.ts): its event store, and its directory topic with the key. */
export interface RebuildInput {
  readonly databaseUrl: string;
  readonly directoryTopic: string;
  readonly directoryKey: string;
}

/**
 * Each table's row count, and the sum of a 64-bit hash of each row as JSON without `recorded_at` and
 * `updated_at`: agency-view takes those from the Kafka envelope's recorded time, stamped by the
 * registration service a moment before the event row's `recorded_at` that Emmett is given. The other
 * columns of the two builds must be equal.
 */
export async function readModelSummary(
  query: (sql: string) => Promise<{ rows: { rows: number; digest: string }[] }>,
  schema: string,
): Promise<ReadModelSummary> {
  const summary: ReadModelSummary = {};
  for (const table of AGENCY_TABLES) {
    const { rows } = await query(
      `SELECT count(*)::int AS rows, coalesce(sum(hashtextextended((to_jsonb(t) - 'recorded_at' - 'updated_at')::text, 0)), 0)::text AS digest
         FROM "${schema}".${table} t`,
    );
    summary[table] = rows[0]!;
  }
  return summary;
}

/** Loads the history into an Emmett store of its own and times Emmett's rebuild of the agency view, in a child process. */
export async function emmettRebuild(
  input: RebuildInput,
  options: EmmettRebuildOptions = defaultEmmettOptions,
): Promise<EmmettRebuildResult> {
  const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, JSON.stringify(input), JSON.stringify(options)], { stdio: 'inherit' });
  let result: EmmettRebuildResult | undefined;
  child.on('message', (message) => {
    result = message as EmmettRebuildResult;
  });
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  if (code !== 0 || !result) throw new Error(`the Emmett rebuild failed (${signal ? `killed by ${signal}` : `exit code ${code}`})`);
  return result;
}

const CHILD_FLAG = '--emmett-rebuild-child';
const PROJECTION = 'agency-view';
const EVENT_TYPES = [
  'WorkerRegistered',
  'DepartureRecorded',
  'ReturnRecorded',
  'PersonalDataErased',
  'PreDepartureOrientationCompleted',
  'ArrivalRecorded',
  'EmploymentChanged',
  'SkillsAcquired',
  'WelfareIncidentRecorded',
  'ReintegrationNeedsAssessed',
  'ReintegrationReferralMade',
  'ReintegrationOutcomeRecorded',
  'WorkerDetailsCorrected',
  'PossibleDuplicateFlagged',
  'DuplicateResolved',
  'IdentityPublished',
  'IdentityWithdrawn',
] as const;

/** An event as the rebuild reads it back from Emmett's store. */
export interface StoredEvent {
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: {
    readonly messageId: string;
    readonly streamName: string;
    readonly streamPosition: bigint;
    readonly occurredAt: string;
    readonly recordedAt: string;
    readonly actor?: { readonly organisationId?: string; readonly kind?: string };
    readonly originCountry?: string;
  };
}

/**
 * The fact agency-view would decode from the topic for a stored event. The registration service writes
 * the topic's message from the same domain event (worker-event.proto-mapper.ts): the stored data without
 * its sealed fields, with '' for an absent recruitment agency, empty optional strings dropped, and case
 * notes reduced to whether there are any. Registration's date of registration is not in the message.
 */
export function factOf(event: StoredEvent): RegistrationFact {
  const m = event.metadata;
  const envelope = {
    eventId: m.messageId,
    eventType: `homeward.registration.v1.${event.type}`,
    streamId: m.streamName,
    streamVersion: Number(m.streamPosition),
    occurredAt: new Date(m.occurredAt),
    recordedAt: new Date(m.recordedAt),
    actor: { organisationId: m.actor?.organisationId ?? '', kind: m.actor?.kind ?? 'unspecified' },
    originCountry: m.originCountry ?? '',
    destinationCountry: '',
  };
  const { sealed, ...data } = event.data as { sealed?: Record<string, unknown> } & Record<string, unknown>;
  const fact = (factData: Record<string, unknown>) => ({ type: event.type, envelope, data: factData }) as unknown as RegistrationFact;
  switch (event.type) {
    case 'WorkerRegistered': {
      const { registeredOn: _registeredOn, ...rest } = data;
      return fact(rest);
    }
    case 'DepartureRecorded':
      return fact({ ...data, recruitmentAgency: data.recruitmentAgency ?? '' });
    case 'EmploymentChanged': {
      const { employerName, occupationIsco, contractEnd, ...rest } = data;
      return fact({
        ...rest,
        ...(employerName ? { employerName } : {}),
        ...(occupationIsco ? { occupationIsco } : {}),
        ...(contractEnd ? { contractEnd } : {}),
      });
    }
    case 'SkillsAcquired': {
      const skills = (data.skills as { kind: string; title: string; escoUri?: string }[]).map((s) => ({
        kind: s.kind,
        title: s.title,
        ...(s.escoUri ? { escoUri: s.escoUri } : {}),
      }));
      return fact({ ...data, skills });
    }
    case 'WelfareIncidentRecorded':
      return fact({ ...data, hasCaseNotes: sealed?.caseNotes !== undefined });
    default:
      if ((EVENT_TYPES as readonly string[]).includes(event.type)) return fact(data);
      return { type: 'Unrecognised', envelope, data: { workerId: String(data.workerId) } };
  }
}

/** What agency-view writes for an event: its erase hook first for an erasure (as the projection host does), then the event's changes. */
function changesOf(event: StoredEvent): AgencyChange[] {
  if (event.type === 'IdentityPublished' || event.type === 'IdentityWithdrawn') {
    const fact = { ...event.data, recordedAt: new Date(event.data.recordedAt as string) } as unknown as DirectoryFact;
    const changes = directoryChanges(fact);
    return fact.type === 'IdentityWithdrawn' ? [{ kind: 'personal-data-erased', workerId: fact.workerId }, ...changes] : changes;
  }
  const fact = factOf(event);
  const changes = registrationChanges(fact);
  return fact.type === 'PersonalDataErased' ? [{ kind: 'personal-data-erased', workerId: fact.data.workerId }, ...changes] : changes;
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** The history's directory, read to its end and opened: the facts agency-view's directory source decodes. */
async function directoryFacts(input: RebuildInput): Promise<DirectoryFact[]> {
  const kafka = createKafka({ brokers: infrastructure.kafkaBrokers, clientId: 'bench-emmett-directory' });
  const ranges = await partitionRanges(kafka, [input.directoryTopic]).catch(() => []); // a history from before the directory
  const key = new SharedKey(input.directoryKey);
  const facts: DirectoryFact[] = [];
  await readTopicsToEnd(kafka, {
    topics: [input.directoryTopic],
    ranges,
    onMessage: (message, topic, partition) => void facts.push(decodeDirectoryFact(incomingMessage(topic, partition, message), key)),
  });
  return facts;
}

/** Copies the history's events and directory into the Emmett database and appends them to Emmett's store there; returns how many. */
async function load(input: RebuildInput, url: string): Promise<number> {
  const historyDatabaseUrl = input.databaseUrl;
  const { getPostgreSQLEventStore } = await import('@event-driven-io/emmett-postgresql');
  const store = getPostgreSQLEventStore(url, { schema: { autoMigration: 'None' } });
  await store.schema.migrate();
  await store.close();

  const source = await connect(historyDatabaseUrl);
  const target = await connect(url);
  try {
    await target.query(`CREATE UNLOGGED TABLE bench_source (global_position bigint, stream_id text, stream_version bigint, event_id uuid,
                          event_type text, data jsonb, metadata jsonb, occurred_at timestamptz, recorded_at timestamptz)`);
    await pipeline(
      source.query(
        copyTo(`COPY (SELECT global_position, stream_id, stream_version, event_id, event_type, data, metadata, occurred_at, recorded_at
                        FROM events ORDER BY global_position) TO STDOUT`),
      ),
      target.query(copyFrom('COPY bench_source FROM STDIN')),
    );
    // The directory after the events, each worker's entries in their order, as messages of streams of their own.
    const directory = await directoryFacts(input);
    const positions = new Map<string, number>();
    const base = Number(
      (await target.query<{ n: string }>('SELECT coalesce(max(global_position), 0)::text AS n FROM bench_source')).rows[0]!.n,
    );
    for (let from = 0; from < directory.length; from += 5_000) {
      const part = directory.slice(from, from + 5_000);
      await target.query(
        `INSERT INTO bench_source (global_position, stream_id, stream_version, event_id, event_type, data, metadata, occurred_at, recorded_at)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::uuid[], $5::text[], $6::jsonb[], $7::jsonb[], $8::timestamptz[], $8::timestamptz[])`,
        [
          part.map((_, i) => base + from + i + 1),
          part.map((f) => `directory-${f.workerId}`),
          part.map((f) => {
            const next = (positions.get(f.workerId) ?? 0) + 1;
            positions.set(f.workerId, next);
            return next;
          }),
          part.map(() => randomUUID()),
          part.map((f) => f.type),
          part.map((f) => JSON.stringify(f)),
          part.map(() => '{}'),
          part.map((f) => f.recordedAt),
        ],
      );
    }
    // Streams in the order of their first event; each is appended whole, in stream order.
    await target.query(`CREATE UNLOGGED TABLE bench_streams AS
                          SELECT stream_id, row_number() OVER (ORDER BY min(global_position)) AS n FROM bench_source GROUP BY stream_id`);
    await target.query('CREATE INDEX ON bench_source (stream_id)');
    await target.query('CREATE INDEX ON bench_streams (n)');
    await target.query('ANALYZE bench_source, bench_streams');
    const streams = Number((await target.query<{ n: string }>('SELECT count(*)::text AS n FROM bench_streams')).rows[0]!.n);
    const perTransaction = 2_000;
    for (let from = 0; from < streams; from += perTransaction) {
      const { rows } = await target.query<{ appended: number; failed: number }>(
        `SELECT count(*) FILTER (WHERE a.success)::int AS appended, count(*) FILTER (WHERE NOT a.success)::int AS failed
           FROM (SELECT s.n, e.stream_id,
                        array_agg(e.event_id::text ORDER BY e.stream_version) AS ids,
                        array_agg(e.data ORDER BY e.stream_version) AS data,
                        array_agg(e.metadata || jsonb_build_object('occurredAt', e.occurred_at, 'recordedAt', e.recorded_at)
                                  ORDER BY e.stream_version) AS metadata,
                        array_agg(e.event_type ORDER BY e.stream_version) AS types,
                        count(*) AS events
                   FROM bench_streams s JOIN bench_source e USING (stream_id)
                  WHERE s.n > $1 AND s.n <= $2
                  GROUP BY s.n, e.stream_id
                  ORDER BY s.n) g
          CROSS JOIN LATERAL emt_append_to_stream(g.ids, g.data, g.metadata, array_fill('1'::text, ARRAY[g.events::int]), g.types,
                                                  array_fill('E'::text, ARRAY[g.events::int]), g.stream_id, split_part(g.stream_id, '-', 1),
                                                  0, 'emt:default') a`,
        [from, from + perTransaction],
      );
      if (rows[0]!.failed > 0) throw new Error(`emt_append_to_stream refused ${rows[0]!.failed} streams`);
    }
    const loaded = Number((await target.query<{ n: string }>('SELECT count(*)::text AS n FROM emt_messages')).rows[0]!.n);
    const expected = Number((await source.query<{ n: string }>('SELECT count(*)::text AS n FROM events')).rows[0]!.n) + directory.length;
    if (loaded !== expected) throw new Error(`loaded ${loaded} messages into Emmett's store, expected ${expected}`);
    await target.query('DROP TABLE bench_source, bench_streams');
    await target.query('VACUUM ANALYZE');
    await target.query('CHECKPOINT');
    // Emmett reads only messages of transactions older than every transaction still open on the server
    // (`transaction_id < pg_snapshot_xmin(pg_current_snapshot())`, in any database), and its rebuild ends
    // at the first empty read: with a transaction open elsewhere, it would "finish" having read nothing.
    for (let waited = 0; ; waited++) {
      const { rows } = await target.query<{ visible: boolean }>(
        'SELECT pg_snapshot_xmin(pg_current_snapshot()) > (SELECT max(transaction_id) FROM emt_messages) AS visible',
      );
      if (rows[0]!.visible) break;
      if (waited % 10 === 0)
        console.log("emmett: waiting for transactions open elsewhere on the server to end, so that Emmett's reads see the load");
      await new Promise((r) => setTimeout(r, 1_000));
    }
    return loaded;
  } finally {
    await source.end();
    await target.end();
  }
}

/** The timed part: Emmett's rebuild of the agency view, from the first message until no message is left. */
async function rebuild(url: string, pulling: EmmettRebuildOptions): Promise<number> {
  const { postgreSQLProjection, rebuildPostgreSQLProjections } = await import('@event-driven-io/emmett-postgresql');
  const projection = postgreSQLProjection<StoredEvent>({
    name: PROJECTION,
    version: 1,
    canHandle: [...EVENT_TYPES],
    init: async ({ context }) => {
      // As agency-view's start does: name search's trigram operators, in the database rather than the schema.
      await context.connection.client.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
      for (const ddl of agencySchema) await context.connection.client.query(ddl);
    },
    truncate: async (context) => {
      await context.connection.client.query(`TRUNCATE ${AGENCY_TABLES.join(', ')}`);
    },
    handle: async (events, context) => {
      await writeAgencyChanges(context.connection.client as pg.PoolClient, events.flatMap(changesOf));
    },
  });
  const consumer = rebuildPostgreSQLProjections<StoredEvent>({ connectionString: url, projections: [projection], pulling });
  const started = performance.now();
  try {
    await consumer.start();
    return (performance.now() - started) / 1000;
  } finally {
    await consumer.close();
  }
}

async function child(input: RebuildInput, pulling: EmmettRebuildOptions): Promise<EmmettRebuildResult> {
  const db = await createTestDatabase('bench_rebuild_emmett');
  try {
    const loadStarted = performance.now();
    const events = await load(input, db.url);
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    console.log(`emmett: ${events.toLocaleString('en')} events loaded into its store in ${loadSeconds.toFixed(1)} s; rebuilding…`);
    const seconds = await rebuild(db.url, pulling);
    const client = await connect(db.url);
    try {
      // Emmett ends a rebuild quietly when its handler throws (the failed processor just stops), so the
      // checkpoint must have reached the last message.
      const { rows } = await client.query<{ checkpoint: string | null; last: string }>(
        `SELECT (SELECT last_processed_checkpoint FROM emt_processors WHERE processor_id = $1) AS checkpoint,
                (SELECT max(global_position)::text FROM emt_messages) AS last`,
        [`emt:processor:projector:${PROJECTION}`],
      );
      if (rows[0]!.checkpoint === null || BigInt(rows[0]!.checkpoint) !== BigInt(rows[0]!.last)) {
        throw new Error(`Emmett's rebuild stopped at ${rows[0]!.checkpoint} of ${rows[0]!.last}`);
      }
      const summary = await readModelSummary((sql) => client.query(sql), 'public');
      return {
        events,
        seconds: Math.round(seconds * 10) / 10,
        eventsPerSecond: Math.round(events / seconds),
        loadSeconds: Math.round(loadSeconds),
        pulling: { batchSize: pulling.batchSize, pullingFrequencyInMs: pulling.pullingFrequencyInMs },
        summary,
      };
    } finally {
      await client.end();
    }
  } finally {
    if (pulling.keep) {
      await db.pool.end();
      console.log(`emmett: kept database ${db.name}`);
    } else await db.drop();
  }
}

if (process.argv[2] === CHILD_FLAG) {
  const [input, options] = process.argv.slice(3);
  const result = await child(JSON.parse(input!) as RebuildInput, JSON.parse(options!) as EmmettRebuildOptions);
  process.send!(result, () => process.exit(0));
}
