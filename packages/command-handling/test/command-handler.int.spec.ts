import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { CommandHandler, IdempotencyKeyReused, PreconditionFailed, type CommandMetadata } from '@homeward/command-handling';
import { commandMetadata, translateCommandError } from '@homeward/command-handling/http';
import {
  DEFAULT_IDEMPOTENCY_RETENTION_DAYS,
  IdempotencyKeys,
  forgetIdempotencyKeys,
  forgetIdempotencyKeysPeriodically,
  idempotencyMigrations,
} from '@homeward/command-handling/idempotency';
import { EventStreams } from '@homeward/command-handling/streams';
import type { RequestConditions } from '@homeward/service-kit/conditions';
import { ConcurrencyError, EventStore, eventStoreMigrations } from '@homeward/event-store';
import { MasterKeyWrapper, PersonalDataVault, personalDataMigrations } from '@homeward/personal-data';
import { migrate } from '@homeward/pg-kit/migrations';
import { uuidv7 } from '@homeward/contracts';
import { createTestDatabase, eventually, type TestDatabase } from '@homeward/testing/infrastructure';
import { TallyNotOpen, occurredAt, tallyDecider, type TallyCommand, type TallyEvent, type TallyState } from './tally.decider';

const NOW = new Date('2026-03-04T05:06:07.000Z');

function metadataAt(now: Date = NOW, organisationId = 'org-a'): CommandMetadata {
  return {
    now,
    actor: { organisationId, kind: 'agency', userId: 'clerk-1' },
    originCountry: 'PH',
    correlationId: uuidv7(now.getTime()),
  };
}

const wrapper = new MasterKeyWrapper(randomBytes(32).toString('base64'));
const streamOptions = (vault: PersonalDataVault) => ({
  category: 'tally',
  evolve: tallyDecider.evolve,
  initialState: tallyDecider.initialState,
  occurredAt,
  destinationCountry: (event: TallyEvent) => (event.type === 'Counted' ? (event.data.country ?? '') : ''),
  personalData: { vault, fields: { TallyOpened: ['keeper'] } },
});

/** The pool, telling each statement sent through it (a real pool: only the count is added). */
function countingPool(pool: Pool, statements: string[]): Pool {
  return new Proxy(pool, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property === 'query')
        return (...args: [string | { text: string }, ...unknown[]]) => {
          statements.push(typeof args[0] === 'string' ? args[0] : args[0].text);
          return (target.query as (...a: unknown[]) => unknown)(...args);
        };
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('the generic command handler, on a real PostgreSQL', () => {
  let db: TestDatabase;
  let store: EventStore;
  let streams: EventStreams<TallyEvent, TallyState>;
  let handler: CommandHandler<TallyCommand, TallyEvent, TallyState>;
  let committed = 0;

  beforeAll(async () => {
    db = await createTestDatabase('command_handling');
    await migrate(db.pool, 'event-store', eventStoreMigrations);
    await migrate(db.pool, 'personal-data', personalDataMigrations);
    await migrate(db.pool, 'tally', idempotencyMigrations);
    store = new EventStore(db.pool);
    const vault = new PersonalDataVault(db.pool, wrapper);
    streams = new EventStreams(store, streamOptions(vault));
    handler = new CommandHandler({
      decider: tallyDecider,
      streams,
      pool: db.pool,
      idempotency: new IdempotencyKeys(),
      entity: 'tally',
      committed: () => void committed++,
    });
  });
  afterAll(() => db.drop());

  const open = (id: string, conditions: RequestConditions = {}, metadata = metadataAt()) =>
    handler.handle({ id, command: { type: 'OpenTally', data: { label: 'apples' } }, metadata, conditions });
  const count = (id: string, by: number, conditions: RequestConditions = {}, metadata = metadataAt()) =>
    handler.handle({ id, command: { type: 'Count', data: { by } }, metadata, conditions });
  const newId = () => uuidv7();

  describe('a command on a tally', () => {
    it('decides on the folded state and appends at the expected version, telling that it committed', async () => {
      const id = newId();
      const before = committed;
      await open(id);
      const result = await count(id, 3);
      expect(result).toMatchObject({ id, version: 2, state: { status: 'open', total: 3 } });
      expect(result.events).toEqual([{ type: 'Counted', data: { by: 3, countedAt: NOW.toISOString() } }]);
      expect(committed).toBe(before + 2);
      expect(await streams.load(id)).toMatchObject({ version: 2, state: { total: 3 } });
    });

    it('refuses as decide refuses, and writes nothing', async () => {
      const id = newId();
      await expect(count(id, 1)).rejects.toBeInstanceOf(TallyNotOpen);
      expect(await store.readStream(`tally-${id}`)).toEqual([]);
    });

    it('records nothing when decide answers no events, at the same version', async () => {
      const id = newId();
      await open(id);
      expect(await count(id, 0)).toMatchObject({ version: 1, events: [] });
    });
  });

  describe('metadata and envelope', () => {
    it('passes the clock in the metadata to decide, and stores the envelope fields the relay needs', async () => {
      const id = newId();
      const metadata = { ...metadataAt(new Date('2026-05-06T07:08:09.000Z')), causationId: uuidv7() };
      await handler.handle({ id, command: { type: 'OpenTally', data: { label: 'pears' } }, metadata, conditions: {} });
      await handler.handle({ id, command: { type: 'Count', data: { by: 2, country: 'SA' } }, metadata: metadataAt(), conditions: {} });
      const [opened, counted] = await store.readStream(`tally-${id}`);
      // metadata.now reaches the events: in their data (decide's doing) and as the time they were recorded.
      expect(opened!.data).toEqual({ label: 'pears', openedAt: '2026-05-06T07:08:09.000Z' });
      expect(opened!.recordedAt.toISOString()).toBe('2026-05-06T07:08:09.000Z');
      expect(opened!.occurredAt.toISOString()).toBe('2026-05-06T00:00:00.000Z');
      // Event ids are UUIDv7 of the command's clock.
      expect(parseInt(opened!.eventId.replace(/-/g, '').slice(0, 12), 16)).toBe(metadata.now.getTime());
      expect(opened!.metadata).toEqual({
        actor: { organisationId: 'org-a', kind: 'agency', userId: 'clerk-1' },
        originCountry: 'PH',
        destinationCountry: '',
        correlationId: metadata.correlationId,
        causationId: metadata.causationId,
      });
      // Without a causation, the correlation caused it; the destination country is the streams' hook's.
      expect(counted!.metadata).toMatchObject({ destinationCountry: 'SA', causationId: counted!.metadata.correlationId });
    });

    it('builds the metadata of an HTTP request: the caller as actor, a UUID correlation id taken, anything else replaced', () => {
      const principal = { subject: 'u-7', organisationId: 'org-b', kind: 'mission', scopes: new Set<string>() } as never;
      const correlationId = uuidv7();
      expect(commandMetadata(principal, { 'x-correlation-id': correlationId }, NOW, 'PH')).toEqual({
        actor: { organisationId: 'org-b', kind: 'mission', userId: 'u-7' },
        originCountry: 'PH',
        correlationId,
        now: NOW,
      });
      expect(commandMetadata(principal, { 'x-correlation-id': 'not-a-uuid' }, NOW, 'PH').correlationId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('seals the personal fields before writing them, and opens them on load when asked', async () => {
      const id = newId();
      await handler.handle({
        id,
        command: { type: 'OpenTally', data: { label: 'figs', keeper: { name: 'Maria Santos' } } },
        metadata: metadataAt(),
        conditions: {},
        personalData: true,
      });
      const [stored] = await store.readStream(`tally-${id}`);
      expect(JSON.stringify(stored!.data)).not.toContain('Maria');
      expect(stored!.data).toMatchObject({ label: 'figs', sealed: { keeper: { keyId: expect.any(String) } } });
      expect((await streams.load(id)).state).toMatchObject({ keeper: { name: 'Maria Santos' } });
      expect((await streams.load(id, undefined, undefined, { personalData: false })).state).not.toHaveProperty('keeper');
    });

    it('reads the key with the stream: a load with a cold key cache opens the sealed data in one statement, and sealing after it needs none', async () => {
      const id = newId();
      await handler.handle({
        id,
        command: { type: 'OpenTally', data: { label: 'figs', keeper: { name: 'Ana Reyes' } } },
        metadata: metadataAt(),
        conditions: {},
        personalData: true,
      });
      const statements: string[] = [];
      const pool = countingPool(db.pool, statements);
      const coldVault = new PersonalDataVault(pool, wrapper);
      const cold = new EventStreams(new EventStore(pool), streamOptions(coldVault));
      expect((await cold.load(id)).state).toMatchObject({ keeper: { name: 'Ana Reyes' } });
      expect(statements).toHaveLength(1);
      await coldVault.seal(id, { name: 'Ana Reyes' });
      expect(statements).toHaveLength(1);
    });

    it('drops a cached key when the stream read finds the subject erased, and opens nothing of theirs', async () => {
      const id = newId();
      await handler.handle({
        id,
        command: { type: 'OpenTally', data: { label: 'figs', keeper: { name: 'Lea Cruz' } } },
        metadata: metadataAt(),
        conditions: {},
        personalData: true,
      });
      const replicaVault = new PersonalDataVault(db.pool, wrapper);
      const replica = new EventStreams(store, streamOptions(replicaVault));
      expect((await replica.load(id)).state).toMatchObject({ keeper: { name: 'Lea Cruz' } });
      // Erased through another vault (another replica): this one's cache still holds the key until its next read.
      await new PersonalDataVault(db.pool, wrapper).erase(id);
      expect((await replica.load(id)).state).not.toHaveProperty('keeper');
      await expect(replicaVault.seal(id, 'x')).rejects.toThrow(/erased/);
    });
  });

  describe('optimistic concurrency', () => {
    it('fails the second of two concurrent commands decided on the same version with ConcurrencyError (409)', async () => {
      const id = newId();
      await open(id);
      // Each command is built after its stream was read; neither is built until both have read, so both decide on
      // version 1 whatever the machine's load (a timing-only race here once let the first finish before the second read).
      let arrived = 0;
      let release!: () => void;
      const bothRead = new Promise<void>((resolve) => (release = resolve));
      const decidedOnTheSameVersion = (by: number) =>
        handler.handle({
          id,
          command: async () => {
            arrived += 1;
            if (arrived === 2) release();
            await bothRead;
            return { type: 'Count', data: { by } };
          },
          metadata: metadataAt(),
          conditions: {},
        });
      const outcomes = await Promise.allSettled([decidedOnTheSameVersion(1), decidedOnTheSameVersion(2)]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
      const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')!;
      expect(refused.reason).toBeInstanceOf(ConcurrencyError);
      expect(translateCommandError(refused.reason, 'tally')?.details).toMatchObject({ status: 409, code: 'conflict.concurrent-change' });
      expect(await streams.load(id)).toMatchObject({ version: 2 });
    });

    it('fails a command inside a transaction when another writer appended after its read', async () => {
      const id = newId();
      await open(id);
      const racing = handler.handle({
        id,
        // Built inside the transaction, after the read: another writer gets in meanwhile.
        command: async () => {
          await count(id, 5);
          return { type: 'Count', data: { by: 1 } };
        },
        metadata: metadataAt(),
        conditions: {},
      });
      await expect(racing).rejects.toBeInstanceOf(ConcurrencyError);
      expect(await streams.load(id)).toMatchObject({ version: 2, state: { total: 5 } });
    });
  });

  describe('If-Match', () => {
    it('lets a command through at a version the caller names (one of a list)', async () => {
      const id = newId();
      await open(id);
      expect(await count(id, 1, { ifMatch: [7, 1] })).toMatchObject({ version: 2 });
    });

    it('refuses a stale version with 412 naming the current one, and writes nothing', async () => {
      const id = newId();
      await open(id);
      await count(id, 1);
      const stale = count(id, 1, { ifMatch: [1] });
      await expect(stale).rejects.toBeInstanceOf(PreconditionFailed);
      const problem = translateCommandError(await stale.catch((e: unknown) => e), 'tally');
      expect(problem?.details).toMatchObject({
        status: 412,
        code: 'precondition.failed',
        errors: [expect.objectContaining({ in: 'header', field: 'If-Match', detail: 'expected "2"' })],
      });
      expect(await streams.load(id)).toMatchObject({ version: 2 });
    });

    it('takes * as any version of a tally that exists', async () => {
      const id = newId();
      await open(id);
      expect(await count(id, 1, { mustExist: true })).toMatchObject({ version: 2 });
    });

    it('refuses * for a stream that does not exist with 412, and writes nothing', async () => {
      const id = newId();
      await expect(open(id, { mustExist: true })).rejects.toMatchObject({ name: 'PreconditionFailed', expected: '*' });
      expect(await store.readStream(`tally-${id}`)).toEqual([]);
    });

    it('lets decide refuse first a command on a tally that does not exist, whatever If-Match says', async () => {
      await expect(count(newId(), 1, { mustExist: true })).rejects.toBeInstanceOf(TallyNotOpen);
    });
  });

  describe('Idempotency-Key', () => {
    const keyed = (key: string, fingerprint = 'same-request') => ({ idempotency: { key, fingerprint } });

    it('answers a retry with the first answer, applying the command once', async () => {
      const id = newId();
      await open(id);
      const key = `k-${newId()}`;
      const first = await count(id, 4, keyed(key));
      await count(id, 1);
      const retry = await count(id, 4, keyed(key));
      expect(retry).toMatchObject({ id, version: first.version, state: { total: 4 }, events: [] });
      expect(retry).not.toHaveProperty('access');
      expect(await streams.load(id)).toMatchObject({ version: 3, state: { total: 5 } });
    });

    it('applies concurrent retries once: the second waits for the first and answers as it', async () => {
      const id = newId();
      await open(id);
      const key = `k-${newId()}`;
      const [a, b] = await Promise.all([count(id, 2, keyed(key)), count(id, 2, keyed(key))]);
      expect(a.version).toBe(2);
      expect(b.version).toBe(2);
      expect(await streams.load(id)).toMatchObject({ version: 2, state: { total: 2 } });
    });

    it('answers a retry of a creating command with the entity the first one created, under the first id', async () => {
      const key = `k-${newId()}`;
      const first = await open(newId(), keyed(key));
      const retry = await open(newId(), keyed(key));
      expect(retry).toMatchObject({ id: first.id, version: 1 });
    });

    it('keeps keys apart per organisation', async () => {
      const id = newId();
      await open(id);
      const key = `k-${newId()}`;
      await count(id, 1, keyed(key), metadataAt(NOW, 'org-a'));
      await count(id, 1, keyed(key), metadataAt(NOW, 'org-b'));
      expect(await streams.load(id)).toMatchObject({ state: { total: 2 } });
    });

    it('refuses the same key for a different request with 422, writing nothing', async () => {
      const id = newId();
      await open(id);
      const key = `k-${newId()}`;
      await count(id, 1, keyed(key, 'request-one'));
      const reused = count(id, 9, keyed(key, 'request-two'));
      await expect(reused).rejects.toBeInstanceOf(IdempotencyKeyReused);
      expect(translateCommandError(await reused.catch((e: unknown) => e))?.details).toMatchObject({
        status: 422,
        code: 'idempotency.key-reused',
        errors: [expect.objectContaining({ in: 'header', field: 'Idempotency-Key' })],
      });
      expect(await streams.load(id)).toMatchObject({ version: 2, state: { total: 1 } });
    });

    it('forgets keys past their retention (30 days unless configured), after which a retry is a new request', async () => {
      expect(DEFAULT_IDEMPOTENCY_RETENTION_DAYS).toBe(30);
      const id = newId();
      await open(id);
      const old = `k-old-${newId()}`;
      const recent = `k-recent-${newId()}`;
      await count(id, 1, keyed(old));
      await count(id, 1, keyed(recent));
      await db.pool.query(`UPDATE idempotency_keys SET created_at = now() - interval '31 days' WHERE idempotency_key = $1`, [old]);
      expect(await forgetIdempotencyKeys(db.pool, new Date(Date.now() - 30 * 86_400_000))).toBeGreaterThanOrEqual(1);
      const keys = await db.pool.query<{ idempotency_key: string }>(
        'SELECT idempotency_key FROM idempotency_keys WHERE idempotency_key = ANY($1)',
        [[old, recent]],
      );
      expect(keys.rows.map((r) => r.idempotency_key)).toEqual([recent]);
      await count(id, 1, keyed(old));
      await count(id, 1, keyed(recent));
      expect(await streams.load(id)).toMatchObject({ state: { total: 3 } });
    });

    it('forgets periodically with the retention and the clock it is given', async () => {
      const id = newId();
      await open(id);
      const key = `k-${newId()}`;
      await count(id, 1, keyed(key));
      const log = { info: jest.fn(), warn: jest.fn() };
      // A clock 8 days ahead, a retention of 7: the key just recorded is past it.
      const stop = forgetIdempotencyKeysPeriodically(db.pool, {
        retentionDays: 7,
        clock: () => new Date(Date.now() + 8 * 86_400_000),
        log,
      });
      try {
        await eventually(
          () => db.pool.query('SELECT 1 FROM idempotency_keys WHERE idempotency_key = $1', [key]),
          (r) => r.rowCount === 0,
        );
      } finally {
        stop();
      }
      expect(log.warn).not.toHaveBeenCalled();
    });
  });

  describe('writes that commit with the events', () => {
    it('runs them in the transaction, and rolls the events back with them', async () => {
      const id = newId();
      await open(id);
      const failing = handler.handle({
        id,
        command: { type: 'Count', data: { by: 1 } },
        metadata: metadataAt(),
        conditions: {},
        alongside: async (client) => {
          await client.query('SELECT 1/0');
        },
      });
      await expect(failing).rejects.toThrow(/division by zero/);
      expect(await streams.load(id)).toMatchObject({ version: 1 });
    });

    it('answers with what authorise answered, judged on the state before deciding', async () => {
      const id = newId();
      await open(id);
      const seen: TallyState[] = [];
      const result = await handler.handle({
        id,
        command: { type: 'Count', data: { by: 1 } },
        metadata: metadataAt(),
        conditions: {},
        authorise: (state) => {
          seen.push(state);
          return { shown: 'everything' };
        },
      });
      expect(seen).toEqual([expect.objectContaining({ total: 0 })]);
      expect(result.access).toEqual({ shown: 'everything' });
    });
  });
});
