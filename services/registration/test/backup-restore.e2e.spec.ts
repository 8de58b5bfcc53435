import { Client } from 'pg';
import { dropDatabase, dumpDatabase, eventStoreRows as store, restoreService } from '@homeward/testing/backup';
import { testKafka } from '@homeward/testing/infrastructure';
import { aWorker, departure, homecoming, startHarness, type RegistrationHarness } from './registration.harness';

/**
 * The documented backup procedure (docs/operations/backup-restore.md) on the real PostgreSQL and Kafka,
 * through its own scripts: the registration service writes, its database is dumped, it writes more (new
 * workers and new events on streams the dump holds), the dump is restored over the database and the
 * catch-up takes the later events back from the service's own topic. The store must then equal the one
 * before the restore: event ids, stream versions, types, data, metadata and timestamps.
 */
/** Whether the registry's search index (person_index) holds a row for the worker. */
async function indexed(url: string, workerId: string): Promise<boolean> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT 1 FROM person_index WHERE worker_id = $1', [workerId]);
    return rows.length > 0;
  } finally {
    await client.end();
  }
}

async function keyOf(url: string, workerId: string): Promise<{ erased: boolean }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ erased: boolean }>(
      'SELECT wrapped_key IS NULL AND erased_at IS NOT NULL AS erased FROM data_keys WHERE subject_id = $1',
      [workerId],
    );
    return rows[0]!;
  } finally {
    await client.end();
  }
}

describe('backup and restore of a write service (registration)', () => {
  let h: RegistrationHarness;
  let stopped = false;

  beforeAll(async () => {
    h = await startHarness('backup');
  }, 60_000);

  afterAll(async () => {
    if (!stopped) await h.runtime.stop();
    await h.db.pool.end().catch(() => undefined);
    await dropDatabase(h.db.name);
  }, 60_000);

  it('restores the dump and takes back from the topic every event acknowledged after it', async () => {
    const workers: string[] = [];
    for (let i = 0; i < 4; i++) {
      const created = await h.call('POST', '/workers', aWorker());
      expect(created.status).toBe(201);
      workers.push(created.body!.workerId as string);
      expect((await h.call('POST', `/workers/${created.body!.workerId}/departures`, departure)).status).toBe(201);
    }
    await h.published();
    const dump = await dumpDatabase(h.db.url, h.db.name);
    const atDump = await store(h.db.url);

    // After the dump: streams the dump holds go on, and new streams begin.
    for (const id of workers.slice(0, 2)) expect((await h.call('POST', `/workers/${id}/returns`, homecoming)).status).toBe(201);
    for (let i = 0; i < 2; i++) {
      const created = await h.call('POST', '/workers', aWorker());
      expect(created.status).toBe(201);
      expect((await h.call('POST', `/workers/${created.body!.workerId}/departures`, departure)).status).toBe(201);
    }
    // A worker of the dump is erased after it: the dump still holds their data key.
    expect((await h.call('POST', `/workers/${workers[2]}/erasure`, { basis: 'subject_request' })).status).toBe(200);
    await h.published();
    const before = await store(h.db.url);
    const later = before.length - atDump.length;
    expect(later).toBe(7);
    // The header carries the stored rows: personal data and employers' names only as seals.
    for (const clear of ['Santos', 'Maria', 'Al Noor', `PH-${process.pid}-`]) expect(JSON.stringify(before)).not.toContain(clear);

    await h.runtime.stop();
    stopped = true;
    await h.db.pool.end();

    // A dry run: the restored store is the dump's, and the catch-up sees exactly the later events.
    const namespace = h.runtime.topic.slice(0, -'homeward.registration.events.v1'.length);
    const dry = await restoreService('registration', h.db.url, dump, namespace, { dryRun: true });
    expect(dry).toMatchObject({ missing: later, imported: 0, complete: true, eventsOnTopic: before.length });
    expect(await store(h.db.url)).toEqual(atDump);
    expect(await keyOf(h.db.url, workers[2]!)).toEqual({ erased: false });
    // The dump's search index still names them too.
    expect(await indexed(h.db.url, workers[2]!)).toBe(true);

    const applied = await restoreService('registration', h.db.url, dump, namespace);
    expect(applied).toMatchObject({ missing: later, imported: later, complete: true });
    expect(await store(h.db.url)).toEqual(before);
    // The erasure taken back deletes the key again, and the worker's row in the search index.
    expect(await keyOf(h.db.url, workers[2]!)).toEqual({ erased: true });
    expect(await indexed(h.db.url, workers[2]!)).toBe(false);
    expect(await indexed(h.db.url, workers[3]!)).toBe(true);

    // The worker-status consumer's offsets (in Kafka, ahead of the restored table) are back at the start.
    const group = `${namespace}homeward.registration.worker-status`;
    expect(applied.rewound).toEqual([`${group} ${h.runtime.topic}`]);
    const admin = testKafka().admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [h.runtime.topic] });
      expect(offsets!.partitions.map((p) => p.offset)).toEqual(offsets!.partitions.map(() => '0'));
    } finally {
      await admin.disconnect();
    }
  }, 120_000);
});
