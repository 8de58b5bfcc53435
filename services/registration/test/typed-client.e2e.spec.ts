import { registrationClient } from '@homeward/api-client/registration';
import { departure, homecoming, startHarness, aWorker, type RegistrationHarness } from './registration.harness';

// The typed client (generated from the OpenAPI document) against the service listening on a real socket.

describe('the typed registration client', () => {
  let h: RegistrationHarness;
  let baseUrl: string;

  beforeAll(async () => {
    h = await startHarness('typed_client');
    await h.runtime.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = await h.runtime.app.getUrl();
  });
  afterAll(() => h?.stop());

  it('registers a worker and records a departure and a return, typed end to end', async () => {
    const api = registrationClient({ baseUrl, token: h.tokens.agency });
    const created = await api.POST('/workers', {
      body: { personalData: aWorker().personalData, sex: 'F', originArea: 'PH-03', languages: ['tl'] },
      params: { header: { 'Idempotency-Key': 'client-1' } },
    });
    expect(created.response.status).toBe(201);
    const workerId = created.data!.workerId;
    expect(created.response.headers.get('etag')).toBe('"1"');

    const departed = await api.POST('/workers/{workerId}/departures', {
      params: { path: { workerId }, header: { 'If-Match': '"1"' } },
      body: { ...departure, channel: 'regular' },
    });
    expect(departed.data?.status).toBe('abroad');

    const returned = await api.POST('/workers/{workerId}/returns', {
      params: { path: { workerId } },
      body: { ...homecoming, assistance: 'assisted', reason: 'abuse_or_exploitation' },
    });
    expect(returned.data?.cycles[0]?.returnedOn).toBe('2024-06-30');

    const fetched = await api.GET('/workers/{workerId}', { params: { path: { workerId } } });
    expect(fetched.data).toMatchObject({ workerId, status: 'returned', version: 3, personalData: { familyName: 'Santos' } });
  });

  it('gets the problem document, typed, when the registry refuses', async () => {
    const api = registrationClient({ baseUrl, token: async () => h.tokens.agency });
    const refused = await api.POST('/workers/{workerId}/returns', {
      params: { path: { workerId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' } },
      body: { ...homecoming, assistance: 'assisted', reason: 'abuse_or_exploitation' },
    });
    expect(refused.response.status).toBe(404);
    expect(refused.response.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.error).toMatchObject({ status: 404, errors: [{ in: 'path', field: 'workerId' }] });
  });

  it('is refused without a valid token', async () => {
    const api = registrationClient({ baseUrl, token: h.tokens.foreign });
    const refused = await api.GET('/workers', {});
    expect(refused.response.status).toBe(401);
  });
});
