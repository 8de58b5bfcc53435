import { create } from '@homeward/contracts';
import { EnvelopeSchema } from '@homeward/contracts/common/v1';
import { RegistrationEventSchema, ReturnReason, ReturnAssistance, Sex } from '@homeward/contracts/registration/v1';
import { timestampFromDate } from '@homeward/contracts';
import { planChunk, type Candidate, type Relevance } from '@homeward/projections';
import { registrationFact } from '@homeward/projections/registration';
import { consumerGroupFor, lockKey, schemaNameFor } from '../src/builds';
import { renderMetrics } from '../src/projection-metrics';

const candidate = (streamId: string, streamVersion: number, relevance: Relevance = 'keep'): Candidate<string> => ({
  event: `${streamId}@${streamVersion}`,
  meta: { eventId: `${streamId}-${streamVersion}`, streamId, streamVersion, recordedAt: new Date(0) },
  relevance,
});

describe('planning a chunk', () => {
  it('applies new events in order and moves each stream to its last version', () => {
    const plan = planChunk([candidate('a', 1), candidate('b', 1), candidate('a', 2)], new Map());
    expect(plan.accepted.map((c) => c.event)).toEqual(['a@1', 'b@1', 'a@2']);
    expect([...plan.positions]).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });

  it('skips events at or below the version the model holds (redelivery, relay resend)', () => {
    const plan = planChunk([candidate('a', 3), candidate('a', 4), candidate('a', 4), candidate('a', 5)], new Map([['a', 3]]));
    expect(plan.accepted.map((c) => c.event)).toEqual(['a@4', 'a@5']);
    expect(plan.positions.get('a')).toBe(5);
  });

  it('stores nothing of dropped events, not even their stream', () => {
    const plan = planChunk([candidate('a', 1, 'drop'), candidate('b', 1, 'drop')], new Map());
    expect(plan.accepted).toEqual([]);
    expect(plan.positions.size).toBe(0);
  });

  it('applies if-known events only to streams the model holds, including those it starts holding in the same chunk', () => {
    const plan = planChunk(
      [candidate('stranger', 9, 'if-known'), candidate('known', 7, 'if-known'), candidate('new', 1), candidate('new', 2, 'if-known')],
      new Map([['known', 6]]),
    );
    expect(plan.accepted.map((c) => c.event)).toEqual(['known@7', 'new@1', 'new@2']);
    expect(plan.positions.has('stranger')).toBe(false);
  });

  it('lets a stream skip versions the model dropped (a mission drops the cycles of other countries)', () => {
    const plan = planChunk([candidate('a', 2), candidate('a', 3, 'drop'), candidate('a', 9)], new Map());
    expect(plan.accepted.map((c) => c.event)).toEqual(['a@2', 'a@9']);
  });
});

describe('build names', () => {
  it('puts the version and the build in the schema name, and the namespace and a token in the group', () => {
    expect(schemaNameFor('mission-view-sa', 3, 7)).toBe('mission_view_sa_v3_b7');
    expect(consumerGroupFor('t.x.', 'agency-view', 2, 1, 'ab12')).toBe('t.x.homeward.projection.agency-view.v2.b1.ab12');
  });

  it('derives a stable 32-bit lock key from the name', () => {
    expect(lockKey('agency-view')).toBe(lockKey('agency-view'));
    expect(lockKey('agency-view')).not.toBe(lockKey('mission-view-sa'));
    expect(Number.isInteger(lockKey('x')) && Math.abs(lockKey('x')) < 2 ** 31).toBe(true);
  });
});

describe('registration facts', () => {
  const envelope = create(EnvelopeSchema, {
    eventId: '018f0000-0000-7000-8000-000000000001',
    eventType: 'homeward.registration.v1.ReturnRecorded',
    streamId: 'worker-w1',
    streamVersion: 4n,
    occurredAt: timestampFromDate(new Date('2024-06-30T00:00:00Z')),
    recordedAt: timestampFromDate(new Date('2024-07-01T08:00:00Z')),
    jurisdiction: { originCountry: 'PH', destinationCountry: 'SA' },
  });

  it('turns proto enums into the API codes and keeps the envelope', () => {
    const fact = registrationFact(
      create(RegistrationEventSchema, {
        envelope,
        event: {
          case: 'returnRecorded',
          value: {
            workerId: 'w1',
            cycleNumber: 1,
            returnedOn: '2024-06-30',
            fromCountry: 'SA',
            assistance: ReturnAssistance.ASSISTED,
            reason: ReturnReason.ABUSE_OR_EXPLOITATION,
          },
        },
      }),
    );
    expect(fact).toMatchObject({
      type: 'ReturnRecorded',
      envelope: { streamId: 'worker-w1', streamVersion: 4, destinationCountry: 'SA', recordedAt: new Date('2024-07-01T08:00:00Z') },
      data: { workerId: 'w1', assistance: 'assisted', reason: 'abuse_or_exploitation', withoutRecordedDeparture: false },
    });
  });

  it('carries no sealed personal data into the fact', () => {
    const fact = registrationFact(
      create(RegistrationEventSchema, {
        envelope,
        event: {
          case: 'workerRegistered',
          value: {
            workerId: 'w1',
            sex: Sex.FEMALE,
            birthYear: 1990,
            originArea: 'PH-03',
            languages: ['tl'],
            personalData: { keyId: 'k', nonce: new Uint8Array(12), ciphertext: new Uint8Array(40) },
          },
        },
      }),
    );
    expect(fact).toEqual({
      type: 'WorkerRegistered',
      envelope: expect.anything(),
      data: { workerId: 'w1', sex: 'F', birthYear: 1990, originArea: 'PH-03', languages: ['tl'] },
    });
  });

  it('reads an event type newer than the code as unrecognised, not as poison', () => {
    const fact = registrationFact(create(RegistrationEventSchema, { envelope }));
    expect(fact).toMatchObject({ type: 'Unrecognised', data: { workerId: 'w1' } });
  });
});

describe('metrics', () => {
  it('renders lag per partition, the newest event age and the serving version in Prometheus text', async () => {
    const text = await renderMetrics([
      {
        projection: 'agency-view',
        codeVersion: 2,
        serving: {
          build: 3,
          version: 2,
          state: 'serving',
          schema: 'agency_view_v2_b3',
          consumerGroup: 'g',
          reason: 'first build',
          startedAt: '2025-01-01T00:00:00.000Z',
          lag: 5,
          partitions: [
            { topic: 'reg', partition: 0, endOffset: '10', nextOffset: '5', lag: 5 },
            { topic: 'reg', partition: 1, endOffset: '3', nextOffset: '3', lag: 0 },
          ],
          newestEventAgeSeconds: 1.5,
          eventsProcessed: 8,
          eventsApplied: 8,
          consumingHere: true,
        },
      },
    ]);
    expect(text).toContain('# TYPE homeward_projection_lag_messages gauge');
    expect(text).toContain(
      'homeward_projection_lag_messages{projection="agency-view",build="3",version="2",state="serving",topic="reg",partition="0"} 5',
    );
    expect(text).toContain(
      'homeward_projection_newest_event_age_seconds{projection="agency-view",build="3",version="2",state="serving"} 1.5',
    );
    expect(text).toContain('homeward_projection_serving_version{projection="agency-view"} 2');
    expect(text).toContain('homeward_projection_rebuilding{projection="agency-view"} 0');
  });
});
