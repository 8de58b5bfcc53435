import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { createTestDatabase, eventually, testKafka, testTopicNamespace, type TestDatabase } from '@homeward/testing/infrastructure';
import { ensureTopics } from '@homeward/messaging';
import { PoisonMessageError } from '@homeward/messaging/consumer';
import type { ProjectionDefinition, Source } from '@homeward/projections';
import { ProjectionHost } from '@homeward/projections/host';
import { ProjectionUnavailableError } from '@homeward/projections/reader';

// The projection machinery on the real PostgreSQL and Kafka, with a read model small enough to check by
// hand: notes appended per stream. Every test has its own topic and database.

interface Note {
  readonly stream: string;
  readonly version: number;
  readonly text?: string;
  readonly erase?: boolean;
  readonly at: string;
}

function notesSource(topic: string): Source<Note> {
  return {
    topic,
    decode: (message) => {
      try {
        return JSON.parse(message.value?.toString() ?? '') as Note;
      } catch {
        throw new PoisonMessageError('not a note');
      }
    },
    meta: (n) => ({ eventId: `${n.stream}-${n.version}`, streamId: n.stream, streamVersion: n.version, recordedAt: new Date(n.at) }),
    erasedSubject: (n) => (n.erase ? n.stream : undefined),
  };
}

/** Version 1 keeps texts; version 2 also counts them (a changed table: rebuilt from offset zero). */
function notesProjection(topic: string, version: 1 | 2, name = 'notes'): ProjectionDefinition<Note> {
  return {
    name,
    version,
    sources: [notesSource(topic)],
    schema: [
      version === 1
        ? 'CREATE TABLE notes (stream_id text PRIMARY KEY, texts text[] NOT NULL)'
        : 'CREATE TABLE notes (stream_id text PRIMARY KEY, texts text[] NOT NULL, n integer NOT NULL)',
    ],
    relevance: (n) => (n.text?.startsWith('secret') ? 'drop' : n.erase ? 'if-known' : 'keep'),
    apply: async (n, tx) => {
      if (n.text === undefined) return;
      await tx.query(
        version === 1
          ? `INSERT INTO notes VALUES ($1, ARRAY[$2]) ON CONFLICT (stream_id) DO UPDATE SET texts = notes.texts || $2`
          : `INSERT INTO notes VALUES ($1, ARRAY[$2], 1) ON CONFLICT (stream_id) DO UPDATE SET texts = notes.texts || $2, n = notes.n + 1`,
        [n.stream, n.text],
      );
    },
    erase: async (subject, tx) => {
      await tx.query(`UPDATE notes SET texts = '{}' WHERE stream_id = $1`, [subject]);
    },
  };
}

describe('a versioned projection', () => {
  const kafka = testKafka('projections-test');
  const producer = kafka.producer();
  let db: TestDatabase;
  let ns: string;
  let topic: string;
  let dlq: string;
  const hosts: ProjectionHost<Note>[] = [];
  const versions = new Map<string, number>();

  beforeAll(() => producer.connect());
  afterAll(() => producer.disconnect());

  beforeEach(async () => {
    db = await createTestDatabase('projections');
    ns = testTopicNamespace();
    topic = `${ns}notes.events.v1`;
    dlq = `${ns}notes.dlq.v1`;
    await ensureTopics(kafka, [
      { topic, partitions: 2 },
      { topic: dlq, partitions: 1 },
    ]);
    versions.clear();
  });

  afterEach(async () => {
    try {
      for (const h of hosts.splice(0)) await h.stop().catch(() => undefined);
    } finally {
      await db.drop();
    }
  });

  async function publish(stream: string, body: Omit<Note, 'stream' | 'version' | 'at'>, version?: number): Promise<void> {
    const v = version ?? (versions.get(stream) ?? 0) + 1;
    versions.set(stream, Math.max(v, versions.get(stream) ?? 0));
    const note: Note = { stream, version: v, at: new Date().toISOString(), ...body };
    await producer.send({ topic, messages: [{ key: stream, value: JSON.stringify(note), headers: { ce_id: randomUUID() } }] });
  }

  async function host(version: 1 | 2 = 1): Promise<ProjectionHost<Note>> {
    const h = new ProjectionHost(notesProjection(topic, version), {
      kafka,
      pool: db.pool,
      topicNamespace: ns,
      deadLetterTopic: dlq,
      pollIntervalMs: 100,
    });
    hosts.push(h);
    await h.start();
    return h;
  }

  const notes = (h: ProjectionHost<Note>) =>
    h.reader.read(async (q: PoolClient) => {
      const { rows } = await q.query<{ stream_id: string; texts: string[] }>('SELECT stream_id, texts FROM notes ORDER BY stream_id');
      return Object.fromEntries(rows.map((r) => [r.stream_id, r.texts]));
    });

  const servingBuild = async (h: ProjectionHost<Note>) => (await h.status()).serving?.build;

  it('serves what it projected, skips what it drops and what it saw before, and reports lag 0', async () => {
    await publish('a', { text: 'one' });
    await publish('b', { text: 'uno' });
    await publish('a', { text: 'two' });
    await publish('c', { text: 'secret: not for this model' });
    await publish('a', { text: 'two' }, 2); // a relay resend: the same stream version again, at a later offset
    const h = await host();
    await eventually(
      () => notes(h).catch((): Record<string, string[]> => ({})),
      (n) => JSON.stringify(n) === JSON.stringify({ a: ['one', 'two'], b: ['uno'] }),
    );
    const status = await h.status();
    expect(status.serving).toMatchObject({ build: 1, version: 1, schema: 'notes_v1_b1', lag: 0, eventsProcessed: 5, eventsApplied: 3 });
    expect(status.serving!.newestEventAgeSeconds).toBeGreaterThanOrEqual(0);
    // Nothing of the dropped stream is stored, not even its version.
    const { rows } = await db.pool.query('SELECT stream_id FROM notes_v1_b1.projection_streams ORDER BY stream_id');
    expect(rows.map((r) => r.stream_id)).toEqual(['a', 'b']);
    expect(await h.readiness().check()).toMatchObject({ build: 1, version: 1, lag: 0 });
    const metrics = await h.metrics();
    expect(metrics).toMatch(
      /homeward_projection_lag_messages\{projection="notes",build="1",version="1",state="serving",topic=".*",partition="0"\} 0/,
    );
  });

  it('counts messages behind the end of the topic as lag while the consumer is away', async () => {
    const h = await host();
    await eventually(
      () => servingBuild(h),
      (b) => b === 1,
    );
    await h.stop();
    hosts.splice(hosts.indexOf(h), 1);
    for (let i = 0; i < 4; i++) await publish(`s${i}`, { text: 't' });
    const away = new ProjectionHost(notesProjection(topic, 1), { kafka, pool: db.pool, topicNamespace: ns, deadLetterTopic: dlq });
    hosts.push(away);
    // Status without starting: reads the bookkeeping only.
    expect((await away.status()).serving?.lag).toBe(4);
    await expect(away.readiness().check()).resolves.toMatchObject({ lag: 4 });
    const strict = new ProjectionHost(notesProjection(topic, 1), {
      kafka,
      pool: db.pool,
      topicNamespace: ns,
      deadLetterTopic: dlq,
      maxReadyLag: 2,
    });
    hosts.push(strict);
    await expect(strict.readiness().check()).rejects.toThrow('4 messages behind (more than 2)');
  });

  it('rebuilds on request into a fresh schema while queries run, swaps without failing one, and drops the old build', async () => {
    for (let i = 0; i < 60; i++) await publish(`w${i % 12}`, { text: `n${i}` });
    const h = await host();
    await eventually(
      () => h.status(),
      (s) => s.serving?.lag === 0 && s.serving.eventsApplied === 60,
    );
    const before = await notes(h);

    let stop = false;
    const seen = new Set<number>();
    const failures: unknown[] = [];
    // How many notes each successive query saw: with events arriving throughout, it must never go down,
    // not even across the swap.
    const counts: number[] = [];
    const loop = (async () => {
      while (!stop) {
        try {
          await h.reader.read(async (q, serving) => {
            seen.add(serving.build);
            const { rows } = await q.query<{ n: number }>('SELECT coalesce(sum(cardinality(texts)), 0)::int AS n FROM notes');
            counts.push(rows[0]!.n);
          });
        } catch (error) {
          failures.push(error);
        }
      }
    })();
    let published = 0;
    const writer = (async () => {
      while (!stop) {
        await publish(`late${published % 5}`, { text: `late ${published}` });
        published++;
        // A steady flow (about 50 a second), not a flood: a build that cannot keep up never catches up.
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    try {
      const rebuild = await h.requestRebuild('test');
      expect(rebuild).toMatchObject({ build: 2, version: 1, state: 'building', schemaName: 'notes_v1_b2' });
      await publish('w0', { text: 'during the rebuild' });
      await eventually(
        () => servingBuild(h),
        (b) => b === 2,
        30_000,
      );
      await eventually(
        () => db.pool.query(`SELECT state FROM projection_builds WHERE build = 1`),
        (r) => r.rows[0].state === 'retired',
      );
      // A few more queries on the new build after the drop.
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      // Even when an expectation fails, the loops end.
      stop = true;
      await Promise.all([loop, writer]);
    }

    expect(failures).toEqual([]);
    expect(counts.length).toBeGreaterThan(20);
    expect(counts.filter((n, i) => i > 0 && n < counts[i - 1]!)).toEqual([]);
    expect([...seen].sort()).toEqual([1, 2]);
    const late = (n: Record<string, string[]>) =>
      Object.entries(n)
        .filter(([k]) => k.startsWith('late'))
        .flatMap(([, texts]) => texts);
    await eventually(
      () => notes(h),
      (n) => n.w0?.length === before.w0!.length + 1 && late(n).length === published,
    );
    const after = await notes(h);
    const kept = Object.fromEntries(Object.entries(after).filter(([k]) => !k.startsWith('late')));
    expect({ ...kept, w0: kept.w0!.slice(0, -1) }).toEqual(before);
    expect(published).toBeGreaterThan(10);
    const schemas = await db.pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'notes_%' ORDER BY nspname`);
    expect(schemas.rows.map((r) => r.nspname)).toEqual(['notes_v1_b2']);
    const checkpoints = await db.pool.query('SELECT DISTINCT consumer FROM consumer_checkpoints');
    expect(checkpoints.rows.map((r) => r.consumer)).toEqual([(await h.status()).serving!.consumerGroup]);
  });

  it('builds a new version beside the serving one, which an older release then leaves alone', async () => {
    await publish('a', { text: 'one' });
    const v1 = await host(1);
    await eventually(
      () => notes(v1).catch((): Record<string, string[]> => ({})),
      (n) => n.a?.length === 1,
    );
    await v1.stop();
    hosts.splice(hosts.indexOf(v1), 1);

    await publish('a', { text: 'two' });
    const v2 = await host(2);
    await eventually(
      () => servingBuild(v2),
      (b) => b === 2,
    );
    const counted = await v2.reader.read(async (q) => (await q.query('SELECT texts, n FROM notes')).rows);
    expect(counted).toEqual([{ texts: ['one', 'two'], n: 2 }]);
    await eventually(
      () => db.pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'notes_%'`),
      (r) => r.rows.map((x) => x.nspname).join() === 'notes_v2_b2',
    );

    // The old release, started again, finds a newer version serving: it projects and reads nothing.
    const old = await host(1);
    await expect(old.readiness().check()).rejects.toThrow('newer than this release');
    await expect(old.reader.read(async () => 'never')).rejects.toBeInstanceOf(ProjectionUnavailableError);
    expect((await old.status()).serving).toMatchObject({ build: 2, version: 2, consumingHere: false });
  });

  it('applies an erasure to a stream it holds and stores nothing for one it does not', async () => {
    await publish('a', { text: 'a private remark' });
    await publish('a', { erase: true });
    await publish('z', { erase: true });
    const h = await host();
    await eventually(
      () => h.status(),
      (s) => s.serving?.eventsProcessed === 3,
    );
    expect(await notes(h)).toEqual({ a: [] });
    const { rows } = await db.pool.query('SELECT stream_id FROM notes_v1_b1.projection_streams');
    expect(rows.map((r) => r.stream_id)).toEqual(['a']);
  });

  it('takes its position from the database, not from Kafka: a restored database is projected again from its checkpoint', async () => {
    await publish('a', { text: 'one' });
    await publish('b', { text: 'uno' });
    const h = await host();
    await eventually(
      () => notes(h).catch((): Record<string, string[]> => ({})),
      (n) => Object.keys(n).length === 2,
    );
    await h.stop();
    hosts.splice(hosts.indexOf(h), 1);
    // The database goes back to before those events (a restore); Kafka's committed offsets stay where they were.
    await db.pool.query('TRUNCATE notes_v1_b1.notes, notes_v1_b1.projection_streams, notes_v1_b1.projection_progress');
    await db.pool.query('DELETE FROM consumer_checkpoints');

    await publish('a', { text: 'two' });
    const again = await host();
    await eventually(
      () => notes(again),
      (n) => JSON.stringify(n) === JSON.stringify({ a: ['one', 'two'], b: ['uno'] }),
    );
  });
});
