import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_AUDIENCE, DEV_ISSUER, devIssuer, type DevTokenClaims } from '@homeward/auth/dev-issuer';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { createPool, type Pool } from '@homeward/pg-kit';

/**
 * The test harness's view of the real infrastructure. `npm test` starts PostgreSQL and Kafka
 * (infra/bin) before jest runs; here we only connect. Every test gets databases and topic names of its
 * own, so test files run in parallel and runs never see each other's data.
 */
export const infrastructure = {
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  kafkaBrokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
};

const runId = process.env.HOMEWARD_TEST_RUN ?? randomBytes(3).toString('hex');

function uniqueSuffix(): string {
  return `${runId}_${randomBytes(4).toString('hex')}`;
}

export function databaseUrlFor(database: string): string {
  const url = new URL(infrastructure.databaseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  readonly pool: Pool;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `hwt_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${uniqueSuffix()}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = databaseUrlFor(name);
  const pool = createPool(url, { max: 20 });
  return {
    name,
    url,
    pool,
    async drop() {
      await pool.end();
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

async function withAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: infrastructure.databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The directory key that registration and the agency view share (docs/adr/0004), the same for every
 * service a test run starts and different for every run: `<key id>:<32 bytes, base64>`.
 */
export function testDirectoryKey(): string {
  return `directory-test-${runId}:${createHash('sha256').update(`homeward-test-directory-key:${runId}`).digest('base64')}`;
}

/** A prefix for topic names that no other test or run uses, e.g. "t.ab12cd_ef34ab56.". */
export function testTopicNamespace(): string {
  return `t.${uniqueSuffix()}.`;
}

export function testKafka(clientId = 'homeward-test'): Kafka {
  return new Kafka({ clientId, brokers: infrastructure.kafkaBrokers, logLevel: logLevel.NOTHING });
}

/** A topic's setting as the broker reports it (e.g. `cleanup.policy`), read with a plain admin client (of the shared broker unless `kafka` names another). */
export async function topicSetting(topic: string, name: string, kafka: Kafka = testKafka()): Promise<string | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: [name] }],
      includeSynonyms: false,
    });
    return resources[0]?.configEntries.find((c) => c.configName === name)?.configValue;
  } finally {
    await admin.disconnect();
  }
}

/** The topics whose names start with `prefix` (a test's namespace). */
export async function topicsStartingWith(prefix: string): Promise<string[]> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).filter((t) => t.startsWith(prefix)).sort();
  } finally {
    await admin.disconnect();
  }
}

/** How many messages each topic holds (high watermark less low, summed over partitions); 0 for a topic that does not exist. */
export async function messagesIn(topics: readonly string[]): Promise<Record<string, number>> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const counts: Record<string, number> = {};
    for (const topic of topics) {
      counts[topic] = existing.has(topic)
        ? (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0)
        : 0;
    }
    return counts;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads every message of `topic` from the beginning until `until` says it has what it waits for, or
 * the timeout ends; returns what it read. A plain consumer, independent of the code under test.
 */
export async function readTopic<T>(
  topic: string,
  decode: (message: { key: string | null; value: Buffer | null; headers: Record<string, string> }) => T,
  until: (read: T[]) => boolean,
  timeoutMs = 30_000,
): Promise<T[]> {
  const kafka = testKafka('homeward-test-reader');
  const consumer = kafka.consumer({ groupId: `reader-${uniqueSuffix()}` });
  const read: T[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out reading ${topic}; read ${read.length} messages`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ message }) => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = String(v);
          read.push(decode({ key: message.key?.toString() ?? null, value: message.value, headers }));
          if (until(read)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return read;
}

/** Polls `probe` until it returns a value that `done` accepts. For waiting on asynchronous effects in tests. */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}

/** A development issuer with keys of its own, for tests that call authenticated APIs. */
export async function testIssuer(): Promise<{
  jwksUrl: string;
  issuer: string;
  audience: string;
  token(claims: DevTokenClaims): Promise<string>;
}> {
  const directory = mkdtempSync(join(tmpdir(), 'homeward-issuer-'));
  const issuer = await devIssuer(directory);
  return { jwksUrl: issuer.jwksUrl, issuer: DEV_ISSUER, audience: DEV_AUDIENCE, token: (claims) => issuer.issue(claims) };
}
