import { uuidv7 } from '@homeward/contracts';
import { EventStore } from '@homeward/event-store';
import { readTopic } from '@homeward/testing/infrastructure';
import { eventually } from '@homeward/testing/infrastructure';
import { decodeRegistrationEvent } from '../src/messaging/worker-event.proto-mapper';
import { aWorker, departure, homecoming, startHarness, type RegistrationHarness } from './registration.harness';

// Issue 9, defect 1: one accepted request stopped publishing for everyone. The API now refuses what the
// event contract cannot carry; and an event that still cannot be published quarantines its own stream,
// loudly, while every other worker's events reach Kafka (docs/adr/0005).

describe('events that cannot be published', () => {
  let harness: RegistrationHarness;
  let call: RegistrationHarness['call'];
  /** Streams whose events the mapper "deployed" in this test cannot publish. */
  const failing = new Set<string>();

  beforeAll(async () => {
    harness = await startHarness('unpublishable', {
      seams: {
        relayMapper: (real) => async (events, db) => {
          const bad = events.find((e) => failing.has(e.streamId));
          if (bad) throw new Error(`this version cannot publish ${bad.type} of ${bad.streamId}`);
          return real(events, db);
        },
      },
    });
    ({ call } = harness);
  });
  afterAll(() => harness?.stop());

  async function registered(): Promise<string> {
    const { status, body } = await call('POST', '/workers', aWorker());
    expect(status).toBe(201);
    return body!.workerId as string;
  }

  /** The registration topic's events, as [worker, event type], read until `until` holds. */
  const onTopic = (until: (read: [string, string][]) => boolean) =>
    readTopic(
      harness.runtime.topic,
      (m) => [m.key!, decodeRegistrationEvent(m.value!).envelope!.eventType.replace('homeward.registration.v1.', '')] as [string, string],
      until,
    );
  const typesOf = (read: [string, string][], workerId: string) => read.filter(([w]) => w === workerId).map(([, t]) => t);
  const published = (workerId: string, type: string) => (read: [string, string][]) => typesOf(read, workerId).includes(type);

  const readiness = async () => {
    const ready = await call('GET', '/health/ready', undefined, null);
    return { status: ready.status, checks: ready.body!.checks as { name: string; status: string; detail?: string; info?: any }[] };
  };
  const metrics = async () => (await harness.runtime.app.inject({ method: 'GET', url: '/metrics' })).body;

  describe('a departure whose amount the event contract cannot carry', () => {
    const raw = (field: 'recruitmentCost' | 'monthlyWage', amount: string) =>
      JSON.stringify({ ...departure, [field]: { currency: 'PHP', amountMinor: 0 } }).replace(
        `"${field}":{"currency":"PHP","amountMinor":0}`,
        `"${field}":{"currency":"PHP","amountMinor":${amount}}`,
      );

    it.each([
      ['recruitmentCost', '1e21'],
      ['recruitmentCost', '9223372036854775808'],
      ['monthlyWage', '1e21'],
      ['monthlyWage', '9223372036854775808'],
      ['recruitmentCost', '1000000000000001'],
    ] as const)('is refused with 400 naming %s.amountMinor (%s), and nothing is written', async (field, amount) => {
      const workerId = await registered();
      const before = await harness.counts();
      const response = await call('POST', `/workers/${workerId}/departures`, raw(field, amount));
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect((response.body!.errors as { field: string }[]).map((e) => e.field)).toContain(`${field}.amountMinor`);
      expect(await harness.counts()).toEqual(before);
    });

    it('is accepted up to the largest amount the contract documents, and reaches Kafka', async () => {
      const workerId = await registered();
      const largest = { currency: 'PHP', amountMinor: 1_000_000_000_000_000 };
      const response = await call('POST', `/workers/${workerId}/departures`, {
        ...departure,
        recruitmentCost: largest,
        monthlyWage: largest,
      });
      expect(response.status).toBe(201);
      const read = await readTopic(
        harness.runtime.topic,
        (m) => decodeRegistrationEvent(m.value!),
        (events) => events.some((e) => e.event.case === 'departureRecorded' && e.event.value.workerId === workerId),
      );
      const recorded = read.find((e) => e.event.case === 'departureRecorded' && e.event.value.workerId === workerId)!;
      expect(recorded.event.case === 'departureRecorded' && recorded.event.value.recruitmentCost?.amountMinor).toBe(1_000_000_000_000_000n);
      expect((await readiness()).checks).toContainEqual(expect.objectContaining({ name: 'relay', status: 'up' }));
    });
  });

  describe('a worker whose event the relay cannot publish', () => {
    it('is quarantined, loudly, while other workers flow; a release after the fix publishes its held events in order, once', async () => {
      const held = await registered();
      await harness.published();
      failing.add(`worker-${held}`);
      expect((await call('POST', `/workers/${held}/departures`, departure)).status).toBe(201);
      const other = await registered();
      expect((await call('POST', `/workers/${other}/departures`, departure)).status).toBe(201);
      // The backlog counts what is not yet past the checkpoint: the held departure is past it, in quarantine.
      await harness.published();
      const meanwhile = await onTopic((read) => published(other, 'DepartureRecorded')(read) && published(held, 'WorkerRegistered')(read));
      expect(typesOf(meanwhile, held)).toEqual(['WorkerRegistered']);

      // Loud: readiness shows the quarantine (and stays 200: the registry works), metrics count it.
      const ready = await readiness();
      expect(ready.status).toBe(200);
      expect(ready.checks).toContainEqual(expect.objectContaining({ name: 'relay', status: 'up' }));
      expect(ready.checks).toContainEqual({
        name: 'relay-quarantine',
        status: 'degraded',
        detail: expect.stringContaining('1 stream(s) quarantined'),
        info: {
          quarantinedStreams: 1,
          heldEvents: 1,
          streams: [
            expect.objectContaining({
              streamId: `worker-${held}`,
              eventType: 'DepartureRecorded',
              reason: expect.stringContaining('cannot publish'),
            }),
          ],
        },
      });
      expect(await metrics()).toMatch(/^homeward_relay_quarantined_streams\{reader="publisher"\} 1$/m);

      // Operators see it; nobody else does.
      const list = await call('GET', '/admin/relay/quarantine', undefined, harness.tokens.relayAdmin);
      expect(list.status).toBe(200);
      expect(list.body!.items).toEqual([expect.objectContaining({ streamId: `worker-${held}`, heldEvents: 1, attempts: 1 })]);
      const refused = await call('GET', '/admin/relay/quarantine', undefined, harness.tokens.agency);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'access.relay-admin-required' });
      const unknown = await call('GET', `/admin/relay/quarantine/worker-${other}`, undefined, harness.tokens.relayAdmin);
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({
        code: 'relay.stream-not-quarantined',
        errors: [expect.objectContaining({ field: 'streamId' })],
      });

      // Later events of the stream are held behind the first.
      expect((await call('POST', `/workers/${held}/returns`, homecoming)).status).toBe(201);
      await eventually(
        () => call('GET', `/admin/relay/quarantine/worker-${held}`, undefined, harness.tokens.relayAdmin),
        (r) => r.body?.heldEvents === 2,
      );

      // A release before the fix: still failing, nothing published.
      const early = await call('POST', `/admin/relay/quarantine/worker-${held}/release`, undefined, harness.tokens.relayAdmin);
      expect(early.status).toBe(409);
      expect(early.body).toMatchObject({ code: 'relay.still-unpublishable', stream: { streamId: `worker-${held}`, attempts: 2 } });

      // The fix is deployed; the operator releases the stream.
      failing.delete(`worker-${held}`);
      const release = await call('POST', `/admin/relay/quarantine/worker-${held}/release`, undefined, harness.tokens.relayAdmin);
      expect(release.status).toBe(200);
      expect(release.body).toMatchObject({ state: 'released', streamId: `worker-${held}`, publishedEvents: 2 });

      const all = await onTopic((read) => published(held, 'ReturnRecorded')(read) && published(other, 'DepartureRecorded')(read));
      expect(typesOf(all, held)).toEqual(['WorkerRegistered', 'DepartureRecorded', 'ReturnRecorded']);
      expect((await readiness()).checks).toContainEqual({ name: 'relay-quarantine', status: 'up', info: { quarantinedStreams: 0 } });
      expect(await metrics()).toMatch(/^homeward_relay_quarantined_streams\{reader="publisher"\} 0$/m);
      // Consumers catch up with the released events: the worker-status projection reads them from the topic.
      await eventually(
        () => call('GET', '/workers?status=returned&limit=500'),
        (r) => (r.body?.items as { workerId: string }[] | undefined)?.some((w) => w.workerId === held) ?? false,
      );
    });

    it('still erases a held worker from the directory at once, and publishes the erasure in order on release', async () => {
      const workerId = await registered();
      await harness.published();
      const streamId = `worker-${workerId}`;
      failing.add(streamId);
      expect((await call('POST', `/workers/${workerId}/departures`, departure)).status).toBe(201);
      expect((await call('POST', `/workers/${workerId}/erasure`, { basis: 'subject_request' })).status).toBe(200);
      await eventually(
        () => call('GET', `/admin/relay/quarantine/${streamId}`, undefined, harness.tokens.relayAdmin),
        (r) => r.body?.heldEvents === 2,
      );
      // The directory's tombstone does not wait for the release: the agency view forgets the person now.
      const directory = await readTopic(
        harness.runtime.directoryTopic,
        (m) => [m.key, m.value === null ? 'tombstone' : 'entry'] as const,
        (read) => read.some(([key, kind]) => key === workerId && kind === 'tombstone'),
      );
      expect(directory.filter(([key]) => key === workerId).map(([, kind]) => kind)).toEqual(['entry', 'tombstone']);

      failing.delete(streamId);
      const release = await call('POST', `/admin/relay/quarantine/${streamId}/release`, undefined, harness.tokens.relayAdmin);
      expect(release.body).toMatchObject({ state: 'released', publishedEvents: 2 });
      const all = await onTopic(published(workerId, 'PersonalDataErased'));
      expect(typesOf(all, workerId)).toEqual(['WorkerRegistered', 'DepartureRecorded', 'PersonalDataErased']);
    });

    it('quarantines the very event of the issue, stored before the API bounded amounts, and lets everyone else through', async () => {
      const workerId = await registered();
      await harness.published();
      // What the API wrote before this fix: a departure with an amount no int64 holds.
      const store = new EventStore(harness.db.pool);
      const streamId = `worker-${workerId}`;
      await store.append(streamId, await store.streamVersion(streamId), [
        {
          eventId: uuidv7(),
          type: 'DepartureRecorded',
          data: { workerId, cycleNumber: 1, ...departure, recruitmentCost: { currency: 'PHP', amountMinor: 1e21 } },
          metadata: {
            actor: { organisationId: 'ph-dmw-registry', kind: 'agency', userId: 'legacy' },
            originCountry: 'PH',
            destinationCountry: 'SA',
            correlationId: uuidv7(),
            causationId: uuidv7(),
          },
          occurredAt: new Date(`${departure.departedOn}T00:00:00Z`),
        },
      ]);
      harness.runtime.relay.wake();
      const everyoneElse = await registered();
      await harness.published();
      await onTopic(published(everyoneElse, 'WorkerRegistered'));

      const quarantined = await eventually(
        () => call('GET', `/admin/relay/quarantine/${streamId}`, undefined, harness.tokens.relayAdmin),
        (r) => r.status === 200,
      );
      expect(quarantined.body).toMatchObject({ eventType: 'DepartureRecorded', reason: expect.stringContaining('invalid int64') });
      expect((await readiness()).checks).toContainEqual(expect.objectContaining({ name: 'relay-quarantine', status: 'degraded' }));
      expect((await readiness()).status).toBe(200);
      // No fix can make v1 carry it: a release says so and publishes nothing.
      const release = await call('POST', `/admin/relay/quarantine/${streamId}/release`, undefined, harness.tokens.relayAdmin);
      expect(release.status).toBe(409);
      expect(release.body!.detail).toContain('invalid int64');
    });
  });
});
