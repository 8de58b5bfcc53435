import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { infrastructure } from './infrastructure';

/**
 * The backup procedure's scripts (docs/operations/backup-restore.md) as a test drives them: dump a
 * service's database, restore it and catch up from the service's topic, and a row-for-row picture of an
 * event store to compare before and after.
 */
const run = promisify(execFile);
const ROOT = join(__dirname, '../../..');
export const BACKUP_OUTPUT = join(ROOT, '.local/backup-restore');

export interface StoreRow {
  stream_id: string;
  stream_version: string;
  event_id: string;
  event_type: string;
  data: unknown;
  metadata: unknown;
  occurred_at: string;
  recorded_at: string;
}

export interface CatchUpOutcome {
  readonly eventsOnTopic: number;
  readonly missing: number;
  readonly imported: number;
  readonly complete: boolean;
  readonly withheld: string[];
  readonly restored: string[];
  readonly rewound: string[];
}

/** Every event of the store at `url`, in stream order, timestamps as PostgreSQL writes them (microseconds). */
export async function eventStoreRows(url: string): Promise<StoreRow[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<StoreRow>(
      `SELECT stream_id, stream_version::text, event_id::text, event_type, data, metadata,
              to_json(occurred_at)::text AS occurred_at, to_json(recorded_at)::text AS recorded_at
         FROM events ORDER BY stream_id, stream_version`,
    );
    return rows;
  } finally {
    await client.end();
  }
}

/** infra/bin/backup-service.sh: the dump's path. */
export async function dumpDatabase(url: string, name: string): Promise<string> {
  mkdirSync(BACKUP_OUTPUT, { recursive: true });
  const dump = join(BACKUP_OUTPUT, `${name}.dump`);
  await run('bash', [join(ROOT, 'infra/bin/backup-service.sh'), url, dump]);
  return dump;
}

/**
 * infra/bin/restore-service.sh: recreates the database from the dump and catches up from the topics of
 * `topicNamespace`, with the service's own settings in `env` (skills' VERIFICATION_SECRET).
 */
export async function restoreService(
  service: string,
  url: string,
  dump: string,
  topicNamespace: string,
  options: { dryRun?: boolean; env?: Record<string, string> } = {},
): Promise<CatchUpOutcome> {
  const env = { ...process.env, KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','), TOPIC_NAMESPACE: topicNamespace, ...options.env };
  const args = [join(ROOT, 'infra/bin/restore-service.sh'), service, url, dump, ...(options.dryRun ? ['--dry-run'] : [])];
  const { stdout } = await run('bash', args, { env, cwd: ROOT });
  return JSON.parse(stdout.slice(stdout.indexOf('{'))) as CatchUpOutcome;
}

/** Drops a database the test restored (its pool may already be closed). */
export async function dropDatabase(name: string): Promise<void> {
  const admin = new Client({ connectionString: infrastructure.databaseUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
