import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { eventsTopic, registrationDirectoryTopic } from '@homeward/contracts';
import { EventStore, PUBLISHER_READER } from '@homeward/event-store';
import { createKafka, deleteTopics } from '@homeward/messaging';
import { generateHistories } from '@homeward/demo-data/histories';
import { writeThroughImport } from '@homeward/demo-data/import-writer';
import { databaseUrlFor, infrastructure, testIssuer } from '@homeward/testing/infrastructure';

/**
 * A large synthetic registration history for the benchmarks that read one (statistics replay, projection
 * rebuilds): written the way a ministry would load a legacy register — the demo generator's histories
 * through the registration service's bulk import (POST /imports), never straight into tables — then relayed
 * to Kafka by the service's event relay. Building 10 million events takes a while, so the history is kept
 * (its database and topic are named after its size) and reused by later runs.
 */
export interface BenchHistory {
  /** The registration service's database: its event store is the event-store source. */
  readonly databaseUrl: string;
  /** The registration topic holding every event of the history. */
  readonly topic: string;
  /**
   * Registration's directory of people for the history (ADR 4), and the directory key its entries are
   * sealed with. A history built before the directory existed has none: the topic is then missing or empty.
   */
  readonly directoryTopic: string;
  readonly directoryKey: string;
  readonly events: number;
  readonly built: boolean;
}

const root = new URL('..', import.meta.url).pathname;

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: infrastructure.databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function completed(database: string): Promise<number | undefined> {
  const exists = await admin((c) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]));
  if (exists.rowCount === 0) return undefined;
  const client = new pg.Client({ connectionString: databaseUrlFor(database) });
  await client.connect();
  try {
    const { rows } = await client.query<{ events: string }>('SELECT events FROM bench_history WHERE complete').catch(() => ({ rows: [] }));
    return rows[0] ? Number(rows[0].events) : undefined;
  } finally {
    await client.end();
  }
}

/** A port nobody listens on now: another history may be building beside this one. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function ready(url: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the registration service exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not ready`);
}

/** The history of at least `events` events, built unless a complete one of that size is kept. */
export async function benchHistory(events: number, log: (line: string) => void = (l) => console.error(l)): Promise<BenchHistory> {
  const database = `homeward_bench_history_${events}`;
  const namespace = `bench-history-${events}.`;
  const topic = eventsTopic('registration', namespace);
  const directoryTopic = registrationDirectoryTopic(namespace);
  // The same for every run that reads this history, so that a later run's agency view opens the entries.
  const directoryKey = `bench-${events}:${createHash('sha256').update(`homeward-bench-directory:${database}`).digest('base64')}`;
  const databaseUrl = databaseUrlFor(database);
  const kept = await completed(database);
  if (kept !== undefined) {
    log(`history: reusing ${kept.toLocaleString('en')} events in ${database} and ${topic}`);
    return { databaseUrl, topic, directoryTopic, directoryKey, events: kept, built: false };
  }

  log(`history: building ${events.toLocaleString('en')} events (${database}, ${topic}); kept for later runs`);
  // What an interrupted build left on the topic is not part of this history.
  const kafka = createKafka({ brokers: infrastructure.kafkaBrokers, clientId: 'bench-history' });
  await deleteTopics(kafka, [topic, directoryTopic]);
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${database}"`);
  });
  const build = spawnSync('npx', ['turbo', 'run', 'build', '--filter=@homeward/registration...', '--output-logs=errors-only'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('building the registration service failed');
  const issuer = await testIssuer();
  const token = await issuer.token({ organisationId: 'bench-history-agency', kind: 'agency' });
  const port = await freePort();
  const service = spawn('node', ['services/registration/dist/main.js'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','),
      TOPIC_NAMESPACE: namespace,
      TOPIC_PARTITIONS: '6',
      PORT: String(port),
      LOG_LEVEL: 'error',
      AUTH_JWKS_URL: issuer.jwksUrl,
      AUTH_ISSUER: issuer.issuer,
      AUTH_AUDIENCE: issuer.audience,
      PERSONAL_DATA_MASTER_KEY: randomBytes(32).toString('base64'),
      DIRECTORY_KEY: directoryKey,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    await ready(`${base}/health/ready`, service);
    const count = async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0]!.n);
    // Two legacy registers (sources) at a time: the registry imports one part of a source at a time.
    const countries = ['PH', 'NP', 'ID', 'BD', 'LK'] as const;
    // Workers per source and round; a worker has ~2.4 events, so a small history takes one round.
    const chunk = Math.min(50_000, Math.ceil(events / 4));
    const started = Date.now();
    let written = 0;
    for (let round = 0; written < events; round++) {
      const parts = [0, 1].map((lane) => {
        const index = round * 2 + lane;
        const country = countries[index % countries.length]!;
        const histories = generateHistories(
          { country, seed: 2026, today: '2026-11-01' },
          chunk,
          Math.floor(index / countries.length) * chunk,
        );
        return writeThroughImport(histories, {
          baseUrl: base,
          token,
          source: `bench-${country.toLowerCase()}-${index}`,
          batchSize: 10_000,
        });
      });
      await Promise.all(parts);
      written = await count();
      const seconds = (Date.now() - started) / 1000;
      log(`history: ${written.toLocaleString('en')} events after ${Math.round(seconds)} s (${Math.round(written / seconds)} events/s)`);
    }
    for (;;) {
      const unsent = (await new EventStore(db).backlogOf(PUBLISHER_READER)).events;
      if (unsent === 0) break;
      log(`history: ${unsent.toLocaleString('en')} events still to relay to Kafka`);
      await new Promise((r) => setTimeout(r, 5_000));
    }
    await db.query('CREATE TABLE bench_history (events bigint NOT NULL, complete boolean NOT NULL)');
    await db.query('INSERT INTO bench_history VALUES ($1, true)', [written]);
    await db.query('VACUUM ANALYZE events');
    log(`history: ${written.toLocaleString('en')} events built in ${Math.round((Date.now() - started) / 1000)} s`);
    return { databaseUrl, topic, directoryTopic, directoryKey, events: written, built: true };
  } finally {
    await db.end().catch(() => undefined);
    service.kill('SIGTERM');
    await new Promise((r) => service.once('exit', r));
  }
}

/** `npm run bench -- history -- --events=N`: builds (or finds) the kept history alone, ahead of the runs that read it. */
export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({ args: [...argv], options: { events: { type: 'string', default: '10000000' } } });
  const history = await benchHistory(Number(values.events));
  console.log(JSON.stringify(history));
}
