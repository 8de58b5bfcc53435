import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSchemaValidator } from '@homeward/service-kit/openapi-validation';
import { loadAsyncApiDocument, loadOpenApiDocument } from '@homeward/service-kit';
import { ASYNCAPI_PATH, OPENAPI_PATH } from '../src/registration.app';
import { aWorker, departure, startHarness, type RegistrationHarness } from './registration.harness';

// The registration API at its edge: what every request gets when it is not what the document says, and
// answers that are what the document says (issue 9, defects 5, 8 and 9).

describe('the registration API at its edge', () => {
  let harness: RegistrationHarness;
  let workerId: string;

  type Answer = { status: number; headers: Record<string, unknown>; body: any; text: string };
  async function send(
    method: 'GET' | 'POST' | 'DELETE' | 'PUT',
    url: string,
    options: { token?: string | null; headers?: Record<string, string>; payload?: string } = {},
  ): Promise<Answer> {
    const token = options.token === undefined ? harness.tokens.agency : options.token;
    const response = await harness.runtime.app.inject({
      method,
      url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...options.headers },
      ...(options.payload === undefined ? {} : { payload: options.payload }),
    });
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      body = undefined;
    }
    return { status: response.statusCode, headers: response.headers, body, text: response.body };
  }
  const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  const expectProblem = (answer: Answer, status: number, code: string) => {
    expect({ status: answer.status, contentType: answer.headers['content-type'] }).toEqual({
      status,
      contentType: 'application/problem+json; charset=utf-8',
    });
    expect(answer.body).toMatchObject({ status, code });
  };

  beforeAll(async () => {
    harness = await startHarness('registration_http_contract', { logLevel: 'error' });
    workerId = (await send('POST', '/workers', json(aWorker()))).body.workerId as string;
    expect((await send('POST', `/workers/${workerId}/departures`, json(departure))).status).toBe(201);
  });
  afterAll(() => harness?.stop());

  describe('a bulk import', () => {
    it('sent as JSON is refused as an unsupported media type (415, was 500), writing nothing', async () => {
      const before = await harness.counts();
      const answer = await send('POST', '/imports?source=fuzz', json({ source_row_id: '1' }));
      expectProblem(answer, 415, 'request.unsupported-media-type');
      expect(answer.body.errors).toEqual([expect.objectContaining({ in: 'header', field: 'Content-Type' })]);
      expect(await harness.counts()).toEqual(before);
    });

    it('sent as text/plain is refused, not read as NDJSON (415)', async () => {
      const answer = await send('POST', '/imports?source=fuzz', {
        headers: { 'content-type': 'text/plain' },
        payload: '{"source_row_id":"1","given_name":"Maria"}',
      });
      expectProblem(answer, 415, 'request.unsupported-media-type');
    });

    it('without a body is refused naming the body (400, was 500)', async () => {
      const answer = await send('POST', '/imports?source=fuzz');
      expectProblem(answer, 400, 'validation.failed');
      expect(answer.body.errors).toEqual([expect.objectContaining({ in: 'body', detail: 'a request body is required' })]);
    });

    it('reports a row with a NUL in a name as failed, and imports nothing of it', async () => {
      const answer = await send('POST', '/imports?source=fuzz-nul', {
        headers: { 'content-type': 'application/x-ndjson' },
        payload: `${JSON.stringify({ source_row_id: '1', given_name: 'Ma\u0000ria', family_name: 'Santos', date_of_birth: '1990-01-01', sex: 'F', origin_area: 'PH-03' })}\n`,
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ imported: 0, failed: [{ row: 1, errors: [expect.objectContaining({ field: 'given_name' })] }] });
    });
  });

  it('refuses a NUL in a skill title naming the field (400, was 500), writing nothing', async () => {
    const before = await harness.counts();
    const answer = await send(
      'POST',
      `/workers/${workerId}/skills`,
      json({ recordedOn: '2023-09-01', skills: [{ kind: 'language', title: 'Arabic\u0000' }] }),
    );
    expectProblem(answer, 400, 'validation.failed');
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ in: 'body', field: 'skills.0.title', detail: 'must not contain control characters (found U+0000)' }),
    ]);
    expect(await harness.counts()).toEqual(before);
  });

  it('takes ids only in their canonical form: urn:uuid: and upper case are refused (400), not looked up', async () => {
    expectProblem(await send('GET', `/workers/urn:uuid:${workerId}`), 400, 'validation.failed');
    expectProblem(await send('GET', `/workers/${workerId.toUpperCase()}`), 400, 'validation.failed');
  });

  it('answers a worker with skills with a body its own document allows (the Worker schema could not be satisfied)', async () => {
    await send('POST', `/workers/${workerId}/arrivals`, {
      ...json({ arrivedOn: '2023-02-02', country: 'SA' }),
      token: harness.tokens.missionSA,
    });
    const skilled = await send('POST', `/workers/${workerId}/skills`, {
      ...json({ recordedOn: '2023-09-01', skills: [{ kind: 'language', title: 'Arabic, spoken (A2)' }] }),
      token: harness.tokens.missionSA,
    });
    expect(skilled.status).toBe(201);
    const document = loadOpenApiDocument(OPENAPI_PATH);
    const ajv = createSchemaValidator();
    ajv.addSchema({ components: document.components }, 'openapi');
    const validate = ajv.compile({ $ref: 'openapi#/components/schemas/Worker' });
    const fetched = await send('GET', `/workers/${workerId}`);
    expect(fetched.body.cycles[0].skills).toHaveLength(1);
    expect(validate(fetched.body) ? [] : validate.errors).toEqual([]);
    expect(validate(skilled.body) ? [] : validate.errors).toEqual([]);
  });

  it('serves its OpenAPI document without YAML leftovers (no key without a value)', async () => {
    const nulls: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (node === null) nulls.push(path);
      else if (typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, `${path}/${k}`);
    };
    walk((await send('GET', '/openapi.json', { token: null })).body, '');
    expect(nulls).toEqual([]);
  });

  it('exposes at /metrics every relay metric the Grafana dashboard (infra/k8s/base/grafana) queries', async () => {
    const metrics = await send('GET', '/metrics', { token: null });
    expect(metrics.status).toBe(200);
    const dashboard = readFileSync(join(__dirname, '..', '..', '..', 'infra', 'k8s', 'base', 'grafana', 'homeward-dashboard.json'), 'utf8');
    const queried = [...new Set(dashboard.match(/homeward_relay_[a-z0-9_]+/g))];
    expect(queried.length).toBeGreaterThanOrEqual(5);
    expect(queried.filter((name) => !new RegExp(`^# TYPE ${name} `, 'm').test(metrics.text))).toEqual([]);
  });

  it('serves the AsyncAPI document of its topics beside it, without a token (generated from proto/, test/infra parses it)', async () => {
    const answer = await send('GET', '/asyncapi.json', { token: null });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(loadAsyncApiDocument(ASYNCAPI_PATH));
    expect(answer.body.asyncapi).toBe('3.0.0');
    expect(Object.values(answer.body.channels).map((c: any) => c.address)).toContain('homeward.registration.events.v1');
  });

  describe('what the framework refuses', () => {
    it('a malformed percent-escape: 400 problem+json (was plain JSON)', async () =>
      expectProblem(await send('GET', '/workers/%ZZ'), 400, 'request.malformed-url'));

    it('a path segment past 100 characters: 414 problem+json (was plain JSON)', async () =>
      expectProblem(await send('GET', `/workers/${'x'.repeat(101)}`), 414, 'request.uri-too-long'));

    it('an unknown route: 404 problem+json, before authentication', async () =>
      expectProblem(await send('GET', '/nowhere', { token: null }), 404, 'request.unknown-route'));

    it('a method the path does not have: 405 with Allow', async () => {
      const answer = await send('DELETE', `/workers/${workerId}`, { token: null });
      expectProblem(answer, 405, 'request.method-not-allowed');
      expect(answer.headers.allow).toBe('GET');
    });

    it('a body past the limit: 413 problem+json', async () =>
      expectProblem(await send('POST', '/workers', json({ blob: 'x'.repeat(1_100_000) })), 413, 'request.body-too-large'));

    it('malformed JSON: 400 problem+json naming the body', async () => {
      const answer = await send('POST', '/workers', { headers: { 'content-type': 'application/json' }, payload: '{"sex":' });
      expectProblem(answer, 400, 'request.malformed-body');
      expect(answer.body.errors).toEqual([expect.objectContaining({ in: 'body' })]);
    });
  });

  describe('small things', () => {
    it('401 carries the RFC 6750 challenge: the realm without a token, invalid_token with a refused one', async () => {
      const without = await send('GET', `/workers/${workerId}`, { token: null });
      expectProblem(without, 401, 'auth.missing-token');
      expect(without.headers['www-authenticate']).toBe('Bearer realm="homeward"');
      const refused = await send('GET', `/workers/${workerId}`, { token: harness.tokens.foreign });
      expectProblem(refused, 401, 'auth.invalid-token');
      expect(refused.headers['www-authenticate']).toMatch(/^Bearer realm="homeward", error="invalid_token", error_description="[^"]+"$/);
    });

    it('reads limit=0x10 as what it is, not 16 (400)', async () => {
      const answer = await send('GET', '/workers?limit=0x10');
      expectProblem(answer, 400, 'validation.failed');
      expect(answer.body.errors).toEqual([expect.objectContaining({ in: 'query', field: 'limit' })]);
      expect((await send('GET', '/workers?limit=16')).status).toBe(200);
    });

    it('takes If-Match: * as "any current version" of an existing worker (201, was 400), and a list of ETags', async () => {
      const current = await send('GET', `/workers/${workerId}`);
      const star = await send('POST', `/workers/${workerId}/employment-changes`, {
        ...json({ changedOn: '2023-10-01', change: 'new_employer', employerName: 'Gulf Care' }),
        headers: { 'content-type': 'application/json', 'if-match': '*' },
      });
      expect(star.status).toBe(201);
      const version = star.body.version as number;
      const listed = await send('POST', `/workers/${workerId}/employment-changes`, {
        ...json({ changedOn: '2023-10-02', change: 'new_employer', employerName: 'Gulf Care' }),
        headers: { 'content-type': 'application/json', 'if-match': `"${current.body.version}", "${version}"` },
      });
      expect(listed.status).toBe(201);
      const stale = await send('POST', `/workers/${workerId}/employment-changes`, {
        ...json({ changedOn: '2023-10-03', change: 'new_employer', employerName: 'Gulf Care' }),
        headers: { 'content-type': 'application/json', 'if-match': `"${version}"` },
      });
      expectProblem(stale, 412, 'precondition.failed');
      const unknown = await send('POST', '/workers/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/employment-changes', {
        ...json({ changedOn: '2023-10-03', change: 'new_employer', employerName: 'Gulf Care' }),
        headers: { 'content-type': 'application/json', 'if-match': '*' },
      });
      expectProblem(unknown, 404, 'worker.not-found');
    });

    it('shows statistics principals the pseudonymous record without employer names', async () => {
      const agency = await send('GET', `/workers/${workerId}`);
      expect(agency.body.cycles[0].employerName).toBe(departure.employerName);
      const statistics = await send('GET', `/workers/${workerId}`, { token: harness.tokens.statistics });
      expect(statistics.status).toBe(200);
      expect(JSON.stringify(statistics.body)).not.toContain(departure.employerName);
      expect(statistics.body.cycles[0]).not.toHaveProperty('employerName');
      expect(statistics.body).not.toHaveProperty('personalData');
    });
  });
});
