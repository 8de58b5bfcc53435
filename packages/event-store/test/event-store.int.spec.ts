import { migrate } from '@homeward/pg-kit/migrations';
import { createTestDatabase, eventually, type TestDatabase } from '@homeward/testing/infrastructure';
import { uuidv7 } from '@homeward/contracts';
import { ConcurrencyError, EventStore, beginningOfTime, eventStoreMigrations, type NewEvent } from '@homeward/event-store';

function anEvent(type = 'Happened', data: unknown = { n: 1 }): NewEvent {
  return { eventId: uuidv7(), type, data, metadata: { actor: 'test' }, occurredAt: new Date('2025-01-02T03:04:05Z') };
}

describe('EventStore on a real PostgreSQL', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase('event_store');
    await migrate(db.pool, 'event-store', eventStoreMigrations);
    store = new EventStore(db.pool);
  });
  afterAll(() => db.drop());

  describe('a new stream', () => {
    it('appends at expected version 0 and reads the events back in order', async () => {
      const events = [anEvent('A'), anEvent('B'), anEvent('C')];
      const result = await store.append('s-new', 0, events);
      expect(result).toMatchObject({ streamVersion: 3, alreadyAppended: false });
      const read = await store.readStream('s-new');
      expect(read.map((e) => [e.type, e.streamVersion, e.eventId])).toEqual(events.map((e, i) => [e.type, i + 1, e.eventId]));
      expect(read[0]!.occurredAt.toISOString()).toBe('2025-01-02T03:04:05.000Z');
    });

    it('refuses an append that expects events the stream does not have', async () => {
      await expect(store.append('s-empty', 2, [anEvent()])).rejects.toMatchObject({ name: 'ConcurrencyError', actualVersion: 0 });
      expect(await store.readStream('s-empty')).toEqual([]);
    });
  });

  describe('two writers at the same expected version', () => {
    it('lets exactly one win; the other gets a concurrency conflict and writes nothing', async () => {
      await store.append('s-race', 0, [anEvent()]);
      const contenders = Array.from({ length: 8 }, (_, i) => store.append('s-race', 1, [anEvent(`W${i}`)]));
      const outcomes = await Promise.allSettled(contenders);
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(7);
      for (const l of lost) expect(l.reason).toBeInstanceOf(ConcurrencyError);
      expect((await store.readStream('s-race')).map((e) => e.streamVersion)).toEqual([1, 2]);
    });
  });

  describe('the same event appended twice', () => {
    it('is stored once, and the retry reports the original append', async () => {
      const event = anEvent();
      const first = await store.append('s-retry', 0, [event]);
      const retry = await store.append('s-retry', 0, [event]);
      expect(retry).toEqual({ ...first, alreadyAppended: true });
      expect(await store.readStream('s-retry')).toHaveLength(1);
    });

    it('is stored once when both attempts race', async () => {
      const event = anEvent();
      const outcomes = await Promise.allSettled([store.append('s-retry-race', 0, [event]), store.append('s-retry-race', 0, [event])]);
      expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true);
      expect(await store.readStream('s-retry-race')).toHaveLength(1);
    });
  });

  describe('the outbox', () => {
    it('holds one row per published event, written with the events', async () => {
      const e = anEvent();
      await store.append('s-outbox', 0, [e], {
        outbox: [
          { eventId: e.eventId, topic: 'topic-a', key: 'worker-1', headers: { ce_id: e.eventId }, value: new Uint8Array([1, 2, 3]) },
        ],
      });
      const { rows } = await db.pool.query('SELECT topic, message_key, headers, value, sent_at FROM outbox WHERE event_id = $1', [
        e.eventId,
      ]);
      expect(rows).toEqual([
        { topic: 'topic-a', message_key: 'worker-1', headers: { ce_id: e.eventId }, value: Buffer.from([1, 2, 3]), sent_at: null },
      ]);
    });

    it('keeps no outbox row when the append is refused', async () => {
      const e = anEvent();
      await expect(
        store.append('s-outbox', 0, [e], { outbox: [{ eventId: e.eventId, topic: 't', key: 'k', headers: {}, value: new Uint8Array() }] }),
      ).rejects.toBeInstanceOf(ConcurrencyError);
      const { rowCount } = await db.pool.query('SELECT 1 FROM outbox WHERE event_id = $1', [e.eventId]);
      expect(rowCount).toBe(0);
    });
  });

  describe('a batch larger than the bind-parameter limit allows when spread', () => {
    it('appends 70,000 events in one statement', async () => {
      const events = Array.from({ length: 70_000 }, (_, i) => anEvent('Bulk', { i }));
      const result = await store.append('s-bulk', 0, events);
      expect(result.streamVersion).toBe(70_000);
    });
  });
});

describe('many new streams at once (bulk import)', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase('new_streams');
    await migrate(db.pool, 'event-store', eventStoreMigrations);
    store = new EventStore(db.pool);
  });
  afterAll(() => db.drop());

  // Text that COPY's text format would misread unescaped, and bytes that are not text at all.
  const awkward = 'tab\there, newline\nthere, back\\slash, \\N, "quotes", 中文 and é';
  const bytes = (i: number) => new Uint8Array([0, 9, 10, 13, 92, 255, i % 256]);

  function streams(prefix: string, count: number) {
    return Array.from({ length: count }, (_, s) => ({
      streamId: `${prefix}-${s}`,
      events: [anEvent('Registered', { s, note: awkward }), anEvent('Departed', { s, to: 'SA' })],
    }));
  }

  it.each([
    ['one statement', 10],
    ['COPY', 1_500],
  ])('writes every event and its outbox message exactly as given (%s)', async (_path, count) => {
    const prefix = `bulk-${count}`;
    const batch = streams(prefix, count);
    const outbox = batch.flatMap((s, i) =>
      s.events.map((e) => ({
        eventId: e.eventId,
        topic: 'registrations',
        key: `w\t${i}`,
        headers: { ce_id: e.eventId, note: awkward },
        value: bytes(i),
      })),
    );
    await store.appendToNewStreams(batch, { outbox });
    const read = await store.readStream(`${prefix}-7`);
    expect(read.map((e) => [e.type, e.streamVersion, e.data])).toEqual([
      ['Registered', 1, { s: 7, note: awkward }],
      ['Departed', 2, { s: 7, to: 'SA' }],
    ]);
    expect(read[0]!.metadata).toEqual({ actor: 'test' });
    const { rows } = await db.pool.query<{ message_key: string; headers: Record<string, string>; value: Buffer; event_id: string }>(
      `SELECT o.message_key, o.headers, o.value, o.event_id FROM outbox o JOIN events e USING (event_id)
        WHERE e.stream_id LIKE $1 ORDER BY o.position`,
      [`${prefix}-%`],
    );
    expect(rows).toHaveLength(count * 2);
    // In the order given: the relay sends by outbox position.
    expect(rows.map((r) => r.event_id)).toEqual(outbox.map((m) => m.eventId));
    expect(rows[14]).toMatchObject({ message_key: 'w\t7', headers: { note: awkward }, value: Buffer.from(bytes(7)) });
  });

  it.each([
    ['one statement', 10],
    ['COPY', 1_500],
  ])('refuses the whole batch when one stream already exists, and writes none of it (%s)', async (_path, count) => {
    const prefix = `clash-${count}`;
    await store.append(`${prefix}-3`, 0, [anEvent()]);
    const batch = streams(prefix, count);
    await expect(store.appendToNewStreams(batch)).rejects.toBeInstanceOf(ConcurrencyError);
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE stream_id LIKE $1', [`${prefix}-%`]);
    expect(rows[0]!.n).toBe(1);
  });
});

describe('reading all events in the global order', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeEach(async () => {
    db = await createTestDatabase('read_all');
    await migrate(db.pool, 'event-store', eventStoreMigrations);
    store = new EventStore(db.pool);
  });
  afterEach(() => db.drop());

  it('does not skip an event whose transaction commits after a later one', async () => {
    await store.append('before', 0, [anEvent('Before')]);
    // Transaction ids are cluster-wide: any transaction open elsewhere on the server (another test's
    // database, say) holds readers back until it ends, so reads that expect events wait for them.
    const first = await eventually(
      () => store.readAll(beginningOfTime),
      (r) => r.events.length > 0,
    );
    expect(first.events.map((e) => e.type)).toEqual(['Before']);

    // Transaction A takes the lower position and stays open...
    const slow = await db.pool.connect();
    await slow.query('BEGIN');
    await store.append('slow', 0, [anEvent('Slow')], { client: slow });
    // ...while B, with a higher position, commits.
    await store.append('fast', 0, [anEvent('Fast')]);

    const whileOpen = await store.readAll(first.checkpoint);
    // A plain "position > checkpoint" reader would hand out Fast now and never see Slow.
    expect(whileOpen.events.map((e) => e.type)).toEqual([]);

    await slow.query('COMMIT');
    slow.release();
    const afterCommit = await eventually(
      () => store.readAll(whileOpen.checkpoint),
      (r) => r.events.length >= 2,
    );
    expect(afterCommit.events.map((e) => e.type)).toEqual(['Slow', 'Fast']);
    const positions = afterCommit.events.map((e) => e.globalPosition);
    expect(positions[0]).toBeLessThan(positions[1]!);
    expect((await store.readAll(afterCommit.checkpoint)).events).toEqual([]);
  });

  it('pages through everything exactly once', async () => {
    for (let s = 0; s < 20; s++) await store.append(`s-${s}`, 0, [anEvent('X', { s }), anEvent('Y', { s })]);
    const seen: string[] = [];
    let checkpoint = beginningOfTime;
    const deadline = Date.now() + 30_000;
    while (seen.length < 40 && Date.now() < deadline) {
      const page = await store.readAll(checkpoint, 7);
      if (page.events.length === 0) await new Promise((r) => setTimeout(r, 50));
      seen.push(...page.events.map((e) => e.eventId));
      checkpoint = page.checkpoint;
    }
    expect((await store.readAll(checkpoint)).events).toEqual([]);
    expect(seen).toHaveLength(40);
    expect(new Set(seen).size).toBe(40);
  });
});
