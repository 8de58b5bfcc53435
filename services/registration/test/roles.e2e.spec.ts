import { eventsTopic } from '@homeward/contracts';
import { EventStore, PUBLISHER_READER } from '@homeward/event-store';
import { createTestDatabase, eventually, readTopic, testIssuer, type TestDatabase } from '@homeward/testing/infrastructure';
import { loadRegistrationConfig } from '../src/registration.config';
import { startRegistration, type RegistrationRuntime } from '../src/registration.app';
import { aWorker, departure, registrationTestSettings } from './registration.harness';

// The API in one process, the relay and the worker-status projection in another (ROLES), on one database
// and topic: what the API commits waits in the event store until the relay's process publishes it, and
// the projection's process fills the table the API lists from.

describe('registration split by roles', () => {
  let db: TestDatabase;
  let api: RegistrationRuntime;
  let background: RegistrationRuntime | undefined;
  let token: string;
  let settings: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase('registration_roles');
    const issuer = await testIssuer();
    token = await issuer.token({ organisationId: 'ph-dmw-registry', kind: 'agency' });
    settings = registrationTestSettings(db.url, issuer);
    api = await startRegistration(loadRegistrationConfig({ ...settings, ROLES: 'api' }));
  });

  afterAll(async () => {
    await background?.stop();
    await api?.stop();
    await db?.drop();
  });

  const call = async (runtime: RegistrationRuntime, method: 'GET' | 'POST', url: string, payload?: object) => {
    const response = await runtime.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });
    return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, any> };
  };

  it('publishes and projects what the API recorded once a process with the relay and projection roles runs', async () => {
    const registered = await call(api, 'POST', '/workers', aWorker());
    expect(registered.status).toBe(201);
    const workerId = registered.body.workerId as string;
    expect((await call(api, 'POST', `/workers/${workerId}/departures`, departure)).status).toBe(201);

    // Nothing publishes yet: the API process has no relay.
    await new Promise((r) => setTimeout(r, 500));
    expect((await new EventStore(db.pool).backlogOf(PUBLISHER_READER)).events).toBe(2);
    expect((await call(api, 'GET', '/workers?status=abroad')).body.items).toEqual([]);

    background = await startRegistration(loadRegistrationConfig({ ...settings, ROLES: 'relay,projection' }));
    const published = await readTopic(
      eventsTopic('registration', settings.TOPIC_NAMESPACE),
      (m) => m.headers.ce_type,
      (read) => read.length >= 2,
    );
    expect(published).toEqual(['homeward.registration.v1.WorkerRegistered', 'homeward.registration.v1.DepartureRecorded']);
    const listed = await eventually(
      () => call(api, 'GET', '/workers?status=abroad'),
      (r) => (r.body.items as unknown[]).length === 1,
    );
    expect(listed.body.items).toMatchObject([{ workerId, status: 'abroad', destinationCountry: 'SA' }]);
  });

  it('serves no API from a process without the api role, only its health', async () => {
    const runtime = background!;
    expect((await call(runtime, 'GET', '/workers?status=abroad')).status).toBe(404);
    const ready = await call(runtime, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect((ready.body.checks as { name: string }[]).map((c) => c.name)).toEqual(['postgres', 'kafka', 'relay', 'relay-quarantine']);
  });

  it('refuses an unknown role at start, naming the setting', () => {
    expect(() => loadRegistrationConfig({ ...settings, ROLES: 'api,mailer' })).toThrow(/ROLES/);
  });
});
