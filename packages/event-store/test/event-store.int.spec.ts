import { migrate } from '@homeward/pg-kit/migrations';
import { createTestDatabase, eventually, type TestDatabase } from '@homeward/testing/infrastructure';
import { uuidv7 } from '@homeward/contracts';
import { CoalescingStreams } from '@homeward/event-store/coalescing';
import {
  ConcurrencyError,
  EventStore,
  PUBLISHER_READER,
  beginningOfTime,
  eventStoreMigrations,
  type AppendResult,
  type NewEvent,
} from '@homeward/event-store';

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

    it('gives a fold the types and data in version order, up to a version when asked', async () => {
      await store.append('s-fold', 0, [anEvent('A', { n: 1 }), anEvent('B', { n: 2 }), anEvent('C', { n: 3 })]);
      expect(await store.readStreamForFold('s-fold')).toEqual([
        { type: 'A', data: { n: 1 } },
        { type: 'B', data: { n: 2 } },
        { type: 'C', data: { n: 3 } },
      ]);
      expect(await store.readStreamForFold('s-fold', 2)).toEqual([
        { type: 'A', data: { n: 1 } },
        { type: 'B', data: { n: 2 } },
      ]);
      expect(await store.readStreamForFold('s-none')).toEqual([]);
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

  describe('recorded-at', () => {
    it("is the command's clock when the event brings one, and the database's otherwise", async () => {
      const known = { ...anEvent(), recordedAt: new Date('2026-01-15T10:00:00.123Z') };
      const before = Date.now();
      await store.append('s-recorded', 0, [known, anEvent()]);
      const [first, second] = await store.readStream('s-recorded');
      expect(first!.recordedAt.toISOString()).toBe('2026-01-15T10:00:00.123Z');
      expect(second!.recordedAt.getTime()).toBeGreaterThanOrEqual(before - 1_000);
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

  // Text that COPY's text format would misread unescaped.
  const awkward = 'tab\there, newline\nthere, back\\slash, \\N, "quotes", 中文 and é';

  function streams(prefix: string, count: number) {
    return Array.from({ length: count }, (_, s) => ({
      streamId: `${prefix}-${s}`,
      events: [
        { ...anEvent('Registered', { s, note: awkward }), metadata: { actor: 'test', note: awkward } },
        anEvent('Departed', { s, to: 'SA' }),
      ],
    }));
  }

  it.each([
    ['one statement', 10],
    ['COPY', 1_500],
  ])('writes every event exactly as given (%s)', async (_path, count) => {
    const prefix = `bulk-${count}`;
    const recordedAt = new Date('2026-02-03T04:05:06.789Z');
    const batch = streams(prefix, count).map((s) => ({ ...s, events: s.events.map((e) => ({ ...e, recordedAt })) }));
    await store.appendToNewStreams(batch);
    const read = await store.readStream(`${prefix}-7`);
    expect(read.map((e) => [e.type, e.streamVersion, e.data, e.recordedAt.toISOString()])).toEqual([
      ['Registered', 1, { s: 7, note: awkward }, recordedAt.toISOString()],
      ['Departed', 2, { s: 7, to: 'SA' }, recordedAt.toISOString()],
    ]);
    expect(read[0]!.metadata).toEqual({ actor: 'test', note: awkward });
    // In the order given: one stream after the other, each in version order.
    const { rows } = await db.pool.query<{ event_id: string }>(
      'SELECT event_id FROM events WHERE stream_id LIKE $1 ORDER BY global_position',
      [`${prefix}-%`],
    );
    expect(rows.map((r) => r.event_id)).toEqual(batch.flatMap((s) => s.events.map((e) => e.eventId)));
  });

  it.each([
    ['one statement', 10],
    ['COPY', 1_500],
  ])("takes the database's clock for events that bring no recorded-at (%s)", async (_path, count) => {
    const prefix = `clock-${count}`;
    const before = Date.now();
    await store.appendToNewStreams(streams(prefix, count));
    const [first] = await store.readStream(`${prefix}-0`);
    expect(first!.recordedAt.getTime()).toBeGreaterThanOrEqual(before - 1_000);
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

describe('a stream appended to by a transaction that began before the events it read', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeEach(async () => {
    db = await createTestDatabase('stream_order');
    await migrate(db.pool, 'event-store', eventStoreMigrations);
    store = new EventStore(db.pool);
  });
  afterEach(() => db.drop());

  /** B begins, then A appends version 1 and commits, then B reads the stream and appends version 2. */
  async function interleave(bWritesFirst: boolean): Promise<number[]> {
    const b = await db.pool.connect();
    try {
      await b.query('BEGIN');
      await b.query('SELECT 1');
      if (bWritesFirst) await b.query('CREATE TEMPORARY TABLE scratch (n int); INSERT INTO scratch VALUES (1)');
      await store.append('s', 0, [anEvent('A')]);
      const read = await store.readStream('s', 1, undefined, b);
      await store.append('s', read.length, [anEvent('B')], { client: b });
      await b.query('COMMIT');
    } finally {
      b.release();
    }
    const all = await eventually(
      () => store.readAll(beginningOfTime),
      (r) => r.events.length === 2,
    );
    return all.events.map((e) => e.streamVersion);
  }

  it('reads its versions in order when the transaction read the stream before its first write', async () => {
    expect(await interleave(false)).toEqual([1, 2]);
  });

  it('would read them out of order had the transaction written first: why append asks to read before writing', async () => {
    expect(await interleave(true)).toEqual([2, 1]);
  });
});

describe('checkpoints of readers of the global order', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeEach(async () => {
    db = await createTestDatabase('checkpoints');
    await migrate(db.pool, 'event-store', eventStoreMigrations);
    store = new EventStore(db.pool);
  });
  afterEach(() => db.drop());

  it('start at the beginning, move forward only, and tell what is left to read', async () => {
    expect(await store.checkpointOf('reader')).toEqual(beginningOfTime);
    for (let s = 0; s < 3; s++) await store.append(`s-${s}`, 0, [anEvent()]);
    const backlog = await store.backlogOf('reader');
    expect(backlog.events).toBe(3);
    expect(backlog.oldestRecordedAt).toBeInstanceOf(Date);
    // Readable once no older transaction is open anywhere on the server (other test files run beside this one).
    await eventually(
      () => store.readAll(beginningOfTime),
      (r) => r.events.length === 3,
    );
    const page = await store.readAll(beginningOfTime, 2);
    await store.saveCheckpoint('reader', page.checkpoint);
    expect(await store.checkpointOf('reader')).toEqual(page.checkpoint);
    expect((await store.backlogOf('reader')).events).toBe(1);
    await store.saveCheckpoint('reader', beginningOfTime);
    expect(await store.checkpointOf('reader')).toEqual(page.checkpoint);
    const rest = await store.readAll(page.checkpoint);
    await store.saveCheckpoint('reader', rest.checkpoint);
    expect(await store.backlogOf('reader')).toEqual({ events: 0, oldestRecordedAt: undefined });
  });

  it('counts in the backlog an event committed behind a transaction still open, which no reader may read yet', async () => {
    const open = await db.pool.connect();
    try {
      await open.query('BEGIN');
      await store.append('held', 0, [anEvent('Held')], { client: open });
      await store.append('committed', 0, [anEvent('Committed')]);
      // Readable only once the older transaction ends...
      expect((await store.readAll(beginningOfTime)).events).toEqual([]);
      // ...but committed, so not yet published: "nothing left" would be a lie.
      expect((await store.backlogOf('reader')).events).toBe(1);
      await open.query('COMMIT');
    } finally {
      open.release();
    }
    expect((await store.backlogOf('reader')).events).toBe(2);
  });
});

describe('retiring the outbox (migration 0002)', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeEach(async () => {
    db = await createTestDatabase('outbox_retired');
    await migrate(db.pool, 'event-store', eventStoreMigrations.slice(0, 1));
    store = new EventStore(db.pool);
  });
  afterEach(() => db.drop());

  /** Events as the outbox era wrote them: each with its outbox row, the first `sent` of them sent. */
  async function outboxEra(count: number, sent: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const e = anEvent();
      await store.append(`s-${i}`, 0, [e]);
      await db.pool.query(
        `INSERT INTO outbox (event_id, topic, message_key, headers, value, sent_at) VALUES ($1, 't', 'k', '{}', '\\x00', ${i < sent ? 'now()' : 'NULL'})`,
        [e.eventId],
      );
      ids.push(e.eventId);
    }
    return ids;
  }

  async function publisherReads(): Promise<string[]> {
    await migrate(db.pool, 'event-store', eventStoreMigrations);
    const from = await store.checkpointOf(PUBLISHER_READER);
    const page = await eventually(
      () => store.readAll(from),
      () => true,
    );
    return page.events.map((e) => e.eventId);
  }

  it('makes the publisher go on from the oldest event the outbox had not sent', async () => {
    const ids = await outboxEra(5, 3);
    await eventually(
      () => store.readAll(beginningOfTime),
      (r) => r.events.length === 5,
    );
    expect(await publisherReads()).toEqual(ids.slice(3));
    const { rows } = await db.pool.query<{ t: string | null }>("SELECT to_regclass('outbox')::text AS t");
    expect(rows[0]!.t).toBeNull();
  });

  it('makes the publisher go on after the last event when the outbox had sent everything', async () => {
    await outboxEra(4, 4);
    await eventually(
      () => store.readAll(beginningOfTime),
      (r) => r.events.length === 4,
    );
    expect(await publisherReads()).toEqual([]);
  });

  it('starts the publisher at the beginning of an empty store', async () => {
    await migrate(db.pool, 'event-store', eventStoreMigrations);
    expect(await store.checkpointOf(PUBLISHER_READER)).toEqual(beginningOfTime);
  });
});

describe('concurrent commands sharing statements', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeEach(async () => {
    db = await createTestDatabase('coalescing');
    await migrate(db.pool, 'event-store', eventStoreMigrations);
    store = new EventStore(db.pool);
  });
  afterEach(() => db.drop());

  /** Each transaction leaves its own xmin on the rows it wrote: how many statements wrote these streams. */
  const transactionsOf = async (prefix: string) =>
    (await db.pool.query<{ n: number }>('SELECT count(DISTINCT xmin::text)::int AS n FROM events WHERE stream_id LIKE $1', [`${prefix}%`]))
      .rows[0]!.n;

  it('appends each stream at its own expected version in one statement, refusing only the stale one', async () => {
    await store.append('m-0', 0, [anEvent('First')]);
    const retried = anEvent('Again');
    await store.append('m-1', 0, [retried]);
    const results = await store.appendToStreams([
      { streamId: 'm-0', expectedVersion: 1, events: [anEvent('Second'), anEvent('Third')] },
      { streamId: 'm-1', expectedVersion: 0, events: [retried] },
      { streamId: 'm-2', expectedVersion: 0, events: [anEvent('New')] },
      { streamId: 'm-3', expectedVersion: 4, events: [anEvent('Stale')] },
      { streamId: 'm-4', expectedVersion: 'any', events: [anEvent('Whatever')] },
    ]);
    expect(results[0]).toMatchObject({ streamVersion: 3, alreadyAppended: false });
    expect((results[0] as AppendResult).globalPositions).toHaveLength(2);
    // The retry of an append that succeeded is recognised as such, not as a conflict.
    expect(results[1]).toMatchObject({ streamVersion: 1, alreadyAppended: true });
    expect(results[2]).toMatchObject({ streamVersion: 1, alreadyAppended: false });
    expect(results[3]).toBeInstanceOf(ConcurrencyError);
    expect((results[3] as ConcurrencyError).actualVersion).toBe(0);
    expect(results[4]).toMatchObject({ streamVersion: 1 });
    expect((await store.readStreamForFold('m-0')).map((e) => e.type)).toEqual(['First', 'Second', 'Third']);
    expect(await store.readStreamForFold('m-3')).toEqual([]);
    expect(await transactionsOf('m-2')).toBe(1);
  });

  it('gives every append its own answer when a writer outside the batch races one of its streams', async () => {
    // The racing writer holds (r-1, version 1) uncommitted while the batch inserts the same key.
    const racer = await db.pool.connect();
    await racer.query('BEGIN');
    await store.append('r-1', 0, [anEvent('Racer')], { client: racer });
    const batch = store.appendToStreams([
      { streamId: 'r-0', expectedVersion: 0, events: [anEvent()] },
      { streamId: 'r-1', expectedVersion: 0, events: [anEvent('Loser')] },
      { streamId: 'r-2', expectedVersion: 0, events: [anEvent()] },
    ]);
    await new Promise((r) => setTimeout(r, 200));
    await racer.query('COMMIT');
    racer.release();
    const results = await batch;
    expect(results[0]).toMatchObject({ streamVersion: 1 });
    expect(results[1]).toBeInstanceOf(ConcurrencyError);
    expect(results[2]).toMatchObject({ streamVersion: 1 });
    expect((await store.readStreamForFold('r-1')).map((e) => e.type)).toEqual(['Racer']);
  });

  it('reads many streams for their folds in one query', async () => {
    await store.append('f-a', 0, [anEvent('A1'), anEvent('A2')]);
    await store.append('f-b', 0, [anEvent('B1')]);
    const streams = await store.readStreamsForFold(['f-b', 'f-none', 'f-a']);
    expect([...streams].map(([id, events]) => [id, events.map((e) => e.type)])).toEqual([
      ['f-b', ['B1']],
      ['f-none', []],
      ['f-a', ['A1', 'A2']],
    ]);
  });

  it('gathers concurrent commands into few statements, each with its own outcome', async () => {
    const coalescing = new CoalescingStreams(store);
    for (let s = 0; s < 40; s++) await store.append(`c-${s}`, 0, [anEvent('Registered')]);
    // 40 commands at once, as concurrent requests would send them: read, decide, append.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, async (_, s) => {
        const events = await coalescing.readStreamForFold(`c-${s}`);
        // Every tenth command decides on a version that is no longer current.
        const expected = s % 10 === 9 ? 0 : events.length;
        return coalescing.append(`c-${s}`, expected, [anEvent('Returned')]);
      }),
    );
    const refused = outcomes.flatMap((o, s) => (o.status === 'rejected' ? [s] : []));
    expect(refused).toEqual([9, 19, 29, 39]);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(ConcurrencyError);
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM events WHERE stream_id LIKE 'c-%' AND event_type = 'Returned'`,
    );
    expect(rows[0]!.n).toBe(36);
    // Far fewer statements than commands: the appends after the first travelled together.
    expect(await transactionsOf('c-')).toBeLessThan(40 + 10);
    const { rows: returned } = await db.pool.query<{ n: number }>(
      `SELECT count(DISTINCT xmin::text)::int AS n FROM events WHERE stream_id LIKE 'c-%' AND event_type = 'Returned'`,
    );
    expect(returned[0]!.n).toBeLessThanOrEqual(10);
  });

  it('keeps two concurrent commands on one stream apart: the second sees the first', async () => {
    const coalescing = new CoalescingStreams(store);
    await store.append('same', 0, [anEvent('Registered')]);
    const [first, second] = await Promise.allSettled([
      coalescing.append('same', 1, [anEvent('Departed')]),
      coalescing.append('same', 1, [anEvent('DepartedToo')]),
    ]);
    expect(first).toMatchObject({ status: 'fulfilled', value: { streamVersion: 2 } });
    expect(second.status).toBe('rejected');
    expect((second as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
  });
});
