import { migrate } from '@homeward/pg-kit/migrations';
import { createTestDatabase, testKafka, testTopicNamespace, type TestDatabase } from '@homeward/testing/infrastructure';
import { create, toBinary, toEnvelope, uuidv7 } from '@homeward/contracts';
import { RegistrationEventSchema } from '@homeward/contracts/registration/v1';
import { STORED_RESIDUE_HEADER, storedResidueHeader, type StoredRowFormat, type StoredRowJson } from '@homeward/contracts/stored-row';
import { eventStoreMigrations, type StoredEvent } from '@homeward/event-store';
import { ensureTopics } from '@homeward/messaging';
import type { RelayedMessage } from '@homeward/messaging/event-relay';
import { catchUpFromTopic, storedEventHeader, type WithheldRestorers } from '@homeward/messaging/store-catch-up';

// Real PostgreSQL, real Kafka: the catch-up of a restored event store from its service's topic takes back
// what the store lacks only when every missing event can be taken back exactly; otherwise it writes nothing.

const mapper =
  (topic: string) =>
  (event: StoredEvent): RelayedMessage => ({
    topic,
    key: event.streamId,
    headers: { ce_id: event.eventId, ...storedEventHeader(event) },
    value: Buffer.from(JSON.stringify({ type: event.type, data: event.data })),
  });

function event(streamId: string, streamVersion: number, text: string): StoredEvent {
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, streamVersion, 123));
  return {
    globalPosition: 0,
    transactionId: '0',
    streamId,
    streamVersion,
    eventId: uuidv7(),
    type: 'Greeted',
    data: { text, nested: { n: streamVersion } },
    metadata: { actor: 'tester' },
    occurredAt: at,
    recordedAt: at,
  };
}

/** A stored event as its row in the events table reads back. */
const asRow = (e: StoredEvent) => ({
  stream_id: e.streamId,
  stream_version: String(e.streamVersion),
  event_id: e.eventId,
  event_type: e.type,
  data: e.data,
  metadata: e.metadata,
  occurred_at: e.occurredAt,
  recorded_at: e.recordedAt,
});

describe('catch-up of a restored event store from its topic', () => {
  const kafka = testKafka();
  const producer = kafka.producer();
  let db: TestDatabase;
  let topic: string;

  beforeAll(() => producer.connect());
  afterAll(() => producer.disconnect());

  beforeEach(async () => {
    db = await createTestDatabase('store_catch_up');
    await migrate(db.pool, 'event-store', eventStoreMigrations);
    topic = `${testTopicNamespace()}greetings.events.v1`;
    await ensureTopics(kafka, [{ topic, partitions: 2 }]);
  });
  afterEach(() => db.drop());

  async function stored(...events: StoredEvent[]) {
    for (const e of events) {
      await db.pool.query(
        `INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata, occurred_at, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [e.streamId, e.streamVersion, e.eventId, e.type, e.data, e.metadata, e.occurredAt, e.recordedAt],
      );
    }
  }
  async function published(...messages: RelayedMessage[]) {
    await producer.send({
      topic,
      messages: messages.map((m) => ({ key: m.key, value: Buffer.from(m.value!), headers: { ...m.headers } })),
    });
  }
  const rows = async () =>
    (
      await db.pool.query(
        `SELECT stream_id, stream_version, event_id::text, event_type, data, metadata, occurred_at, recorded_at
           FROM events ORDER BY stream_id, stream_version`,
      )
    ).rows;
  const catchUp = (apply = true) => catchUpFromTopic({ kafka, pool: db.pool, topic, toMessage: mapper(topic), apply });

  it('takes back the missing events with their ids, versions, data and times; a resend counts once; a dry run writes nothing', async () => {
    const [a1, a2, a3, b1] = [event('a', 1, 'one'), event('a', 2, 'two'), event('a', 3, 'three'), event('b', 1, 'uno')];
    await stored(a1);
    const toMessage = mapper(topic);
    await published(toMessage(a1), toMessage(a2), toMessage(b1), toMessage(a3), toMessage(a2));

    expect(await catchUp(false)).toMatchObject({ eventsOnTopic: 4, missing: 3, imported: 0, complete: true });
    expect(await rows()).toHaveLength(1);

    expect(await catchUp()).toMatchObject({ messagesRead: 5, eventsOnTopic: 4, missing: 3, imported: 3, complete: true });
    expect(await rows()).toEqual([a1, a2, a3, b1].map(asRow));
    // Nothing more to take back.
    expect(await catchUp()).toMatchObject({ missing: 0, imported: 0, complete: true });
  });

  it('writes nothing when a missing event has no stored-event header', async () => {
    const [a1, a2] = [event('a', 1, 'one'), event('a', 2, 'two')];
    const headerless = mapper(topic)(event('c', 1, 'old'));
    await published(mapper(topic)(a1), mapper(topic)(a2), {
      ...headerless,
      headers: { ce_id: (headerless.headers.ce_id as string) ?? '' },
    });
    const report = await catchUp();
    expect(report).toMatchObject({ missing: 3, imported: 0, complete: false, withoutHeader: [headerless.headers.ce_id] });
    expect(await rows()).toEqual([]);
  });

  it('writes nothing when a header does not map back to its own message', async () => {
    const a1 = event('a', 1, 'one');
    const tampered = { ...mapper(topic)(a1), value: Buffer.from(JSON.stringify({ type: 'Greeted', data: { text: 'changed' } })) };
    await published(tampered);
    expect(await catchUp()).toMatchObject({ imported: 0, complete: false, unverified: [a1.eventId] });
    expect(await rows()).toEqual([]);
  });

  it('writes nothing when a missing event would leave a gap in its stream or take a position another event holds', async () => {
    const [a2, b1, b1other] = [event('a', 2, 'two'), event('b', 1, 'uno'), event('b', 1, 'otro')];
    await stored(b1);
    // a's first event is neither stored nor published: a2 would follow nothing. b's first position is taken.
    await published(mapper(topic)(a2), mapper(topic)(b1other));
    const report = await catchUp();
    expect(report).toMatchObject({ missing: 2, imported: 0, complete: false });
    expect([...report.conflicts].sort()).toEqual([a2.eventId, b1other.eventId].sort());
    expect(await rows()).toHaveLength(1);
  });

  describe('from messages that carry no copy of the stored row (the row read off the protobuf message)', () => {
    // A service's message as the relays make them: a real event schema, CloudEvents id, and the residue header.
    const format: StoredRowFormat = { schema: RegistrationEventSchema, seals: 'under-sealed', withheld: ['secret'] };
    const protoMapper =
      (topic: string) =>
      (e: StoredEvent): RelayedMessage => {
        const m = e.metadata as { actor: { organisationId: string; kind: 'agency'; userId: string }; correlationId: string };
        const { secret: _secret, ...data } = e.data as { secret?: string };
        const message = create(RegistrationEventSchema, {
          envelope: toEnvelope(`homeward.registration.v1.${e.type}`, {
            ...e,
            actor: m.actor,
            originCountry: 'PH',
            destinationCountry: 'SA',
            correlationId: m.correlationId,
            causationId: m.correlationId,
          }),
          event: { case: 'arrivalRecorded', value: data as { workerId: string } },
        });
        return {
          topic,
          key: e.streamId,
          headers: { ce_id: e.eventId, ...storedResidueHeader(format, e, message) },
          value: toBinary(RegistrationEventSchema, message),
        };
      };
    function arrival(streamId: string, streamVersion: number, extra: Record<string, unknown> = {}): StoredEvent {
      const at = new Date(Date.UTC(2026, 1, 1, 0, 0, streamVersion, 456));
      return {
        ...event(streamId, streamVersion, ''),
        type: 'ArrivalRecorded',
        data: { workerId: streamId, cycleNumber: streamVersion, arrivedOn: '2026-02-01', country: 'SA', ...extra },
        metadata: {
          actor: { organisationId: 'ph-dmw', kind: 'agency', userId: 'u' },
          originCountry: 'PH',
          destinationCountry: 'SA',
          correlationId: uuidv7(),
          causationId: '',
        },
        occurredAt: at,
        recordedAt: new Date(at.getTime() + 1000),
      };
    }
    const catchUpProto = () => catchUpFromTopic({ kafka, pool: db.pool, topic, toMessage: protoMapper(topic), format, apply: true });

    it('takes them back exactly, beside messages published with the former whole-row header', async () => {
      // a2's data has a field the proto does not carry (the residue says it), and causationId differs from the envelope's.
      const [a1, a2, a3, b1] = [arrival('w-a', 1), arrival('w-a', 2, { registeredBy: 'desk 4' }), arrival('w-a', 3), arrival('w-b', 1)];
      await stored(a1);
      const toMessage = protoMapper(topic);
      const former = { ...toMessage(a3), headers: { ce_id: a3.eventId, ...storedEventHeader(a3) } };
      const messages: RelayedMessage[] = [toMessage(a1), toMessage(a2), former, toMessage(b1)];
      for (const m of [messages[0]!, messages[1]!, messages[3]!]) expect(Object.keys(m.headers)).not.toContain('homeward_stored_event');
      expect(messages[0]!.headers[STORED_RESIDUE_HEADER]).not.toContain(a1.metadata.correlationId as string);
      await published(...messages);

      expect(await catchUpProto()).toMatchObject({ eventsOnTopic: 4, missing: 3, imported: 3, complete: true });
      expect(await rows()).toEqual([a1, a2, a3, b1].map(asRow));
    });

    it('writes nothing when a missing event had a field that is never published, or its message does not read', async () => {
      const [a1, b1] = [arrival('w-a', 1, { secret: 'brute-forceable' }), arrival('w-b', 1)];
      const withheld = protoMapper(topic)(a1);
      expect(JSON.stringify(withheld.headers)).not.toContain('brute-forceable');
      const garbled = { ...protoMapper(topic)(b1), value: Buffer.from('not a protobuf message at all') };
      await published(withheld, garbled);
      expect(await catchUpProto()).toMatchObject({
        missing: 2,
        imported: 0,
        complete: false,
        withheld: [a1.eventId],
        unverified: [b1.eventId],
      });
      expect(await rows()).toEqual([]);
    });

    it('takes back a withheld field its restorer derives again from the row; one without a restorer, or that it cannot say, still blocks', async () => {
      const [a1, b1, c1] = [
        arrival('w-a', 1, { secret: 'derived from w-a' }),
        arrival('w-b', 1, { secret: 'derived from w-b' }),
        arrival('w-c', 1, { secret: 'known to nobody' }),
      ];
      const toMessage = protoMapper(topic);
      await published(toMessage(a1), toMessage(b1));
      const derive = (row: StoredRowJson) => `derived from ${(row.data as { workerId: string }).workerId}`;
      const catchUpWith = (restore: WithheldRestorers) =>
        catchUpFromTopic({ kafka, pool: db.pool, topic, toMessage, format, restore, apply: true });

      // A restorer of some other field does not restore this one.
      expect(await catchUpWith({ other: derive })).toMatchObject({ imported: 0, complete: false, restored: [] });
      expect(await rows()).toEqual([]);

      expect(await catchUpWith({ secret: derive })).toMatchObject({ missing: 2, imported: 2, complete: true });
      expect(await rows()).toEqual([a1, b1].map(asRow));

      // A restorer that cannot say the value (undefined, or it throws on the row) leaves the field withheld.
      await published(toMessage(c1));
      const report = await catchUpWith({
        secret: (row) => {
          if ((row.data as { workerId: string }).workerId === 'w-c') throw new Error('no such worker');
          return derive(row);
        },
      });
      expect(report).toMatchObject({ missing: 1, imported: 0, complete: false, withheld: [c1.eventId], restored: [] });
      expect(await catchUpWith({ secret: () => undefined })).toMatchObject({ imported: 0, withheld: [c1.eventId] });
      expect(await rows()).toEqual([a1, b1].map(asRow));
    });
  });
});
