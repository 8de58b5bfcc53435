import { createHash, randomUUID } from 'node:crypto';
import { EventStore, eventStoreMigrations, type NewEvent } from '@homeward/event-store';
import { migrate } from '@homeward/pg-kit/migrations';
import {
  createTestDatabase,
  eventually,
  infrastructure,
  testIssuer,
  testTopicNamespace,
  type TestDatabase,
} from '@homeward/testing/infrastructure';
import { startStatistics, type StatisticsRuntime } from '../src/statistics.app';
import { loadStatisticsConfig, type StatisticsConfig } from '../src/statistics.config';

// Report jobs through the API, on the real PostgreSQL (the service's own database, and an event store
// written in the shape the registration service writes it) and the real Kafka broker.

let runtime: StatisticsRuntime;
let jobsDb: TestDatabase;
let storeDb: TestDatabase;
let config: StatisticsConfig;
let tokens: Record<'statistics' | 'otherStatistics' | 'agency' | 'agencyWithoutAggregates' | 'mission', string>;

type Response = { status: number; headers: Record<string, unknown>; body: string; json: Record<string, any> | undefined };

async function call(method: 'GET' | 'POST', url: string, token: string | null, payload?: unknown): Promise<Response> {
  const response = await runtime.app.inject({
    method,
    url,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  const json = /json/.test(String(response.headers['content-type'])) ? (JSON.parse(response.body) as Record<string, any>) : undefined;
  return { status: response.statusCode, headers: response.headers, body: response.body, json };
}

const sealed = { personalData: { keyId: 'k1', nonce: 'bm9uY2U=', ciphertext: 'c2VhbGVk' } };
const event = (type: string, day: string, data: Record<string, unknown>): NewEvent => ({
  eventId: randomUUID(),
  type,
  data,
  metadata: { actor: { organisationId: 'ph-dmw-registry', kind: 'agency', userId: 'u' }, originCountry: 'PH' },
  occurredAt: new Date(`${day}T00:00:00Z`),
});

/** Two workers, stored as the registration service stores them (personal data under `sealed`). */
async function seedEventStore(store: EventStore): Promise<void> {
  const maria = randomUUID();
  await store.append(`worker-${maria}`, 0, [
    event('WorkerRegistered', '2025-01-10', {
      workerId: maria,
      registeredOn: '2025-01-10',
      sex: 'F',
      birthYear: 1990,
      originArea: 'PH-03',
      languages: ['tl'],
      sealed,
    }),
    event('DepartureRecorded', '2025-03-01', {
      workerId: maria,
      cycleNumber: 1,
      destinationCountry: 'SA',
      departedOn: '2025-03-01',
      employerName: 'Al Noor',
      occupationIsco: '9111',
      contractStart: '2025-03-02',
      contractEnd: '2027-03-01',
      channel: 'regular',
    }),
    event('SkillsAcquired', '2025-05-01', {
      workerId: maria,
      cycleNumber: 1,
      recordedOn: '2025-05-01',
      skills: [{ kind: 'language', title: 'Arabic' }],
    }),
    event('ReturnRecorded', '2025-09-09', {
      workerId: maria,
      cycleNumber: 1,
      returnedOn: '2025-09-09',
      fromCountry: 'SA',
      assistance: 'assisted',
      reason: 'illness_or_injury',
      withoutRecordedDeparture: false,
    }),
  ]);
  const joel = randomUUID();
  await store.append(`worker-${joel}`, 0, [
    event('WorkerRegistered', '2025-02-02', {
      workerId: joel,
      registeredOn: '2025-02-02',
      sex: 'M',
      birthYear: 1988,
      originArea: 'PH-07',
      languages: [],
      sealed,
    }),
    // Free text with quotes, a backslash, a tab and non-ASCII: COPY escapes it, the replay must undo that.
    event('DepartureRecorded', '2025-04-04', {
      workerId: joel,
      cycleNumber: 1,
      destinationCountry: 'AE',
      departedOn: '2025-04-04',
      employerName: 'Dubai "Gulf" Works\\Tab\there — Müller',
      occupationIsco: '7112',
      contractStart: '2025-04-05',
      contractEnd: '2027-04-04',
      channel: 'regular',
    }),
  ]);
}

async function start(): Promise<void> {
  runtime = await startStatistics(config);
}

async function finished(id: string, token = tokens.statistics): Promise<Record<string, any>> {
  const done = await eventually(
    () => call('GET', `/reports/${id}`, token),
    (r) => r.json?.status === 'succeeded' || r.json?.status === 'failed',
  );
  return done.json!;
}

beforeAll(async () => {
  jobsDb = await createTestDatabase('statistics_jobs');
  storeDb = await createTestDatabase('statistics_store');
  await migrate(storeDb.pool, 'event-store', eventStoreMigrations);
  await seedEventStore(new EventStore(storeDb.pool));
  const issuer = await testIssuer();
  tokens = {
    statistics: await issuer.token({ organisationId: 'psa', kind: 'statistics' }),
    otherStatistics: await issuer.token({ organisationId: 'university-research-unit', kind: 'statistics' }),
    agency: await issuer.token({ organisationId: 'ph-dmw', kind: 'agency', scopes: ['workers:read', 'aggregates:read'] }),
    agencyWithoutAggregates: await issuer.token({ organisationId: 'ph-dmw', kind: 'agency' }),
    mission: await issuer.token({
      organisationId: 'ph-embassy-riyadh',
      kind: 'mission',
      country: 'SA',
      scopes: ['workers:read', 'aggregates:read'],
    }),
  };
  config = loadStatisticsConfig({
    DATABASE_URL: jobsDb.url,
    REGISTRATION_EVENTS_DATABASE_URL: storeDb.url,
    KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','),
    TOPIC_NAMESPACE: testTopicNamespace(),
    AUTH_JWKS_URL: issuer.jwksUrl,
    AUTH_ISSUER: issuer.issuer,
    AUTH_AUDIENCE: issuer.audience,
    REPORT_JOB_STALE_AFTER_SECONDS: '30',
    LOG_LEVEL: 'silent',
  });
  await start();
});

afterAll(async () => {
  await runtime?.stop();
  await jobsDb?.drop();
  await storeDb?.drop();
});

describe('a report job', () => {
  const returns2025 = { asOf: '2025-12-31', period: '2025', report: 'returns', format: 'sdmx-csv', source: 'event-store' };

  it('is accepted (202, Location), shows its progress, and serves the file with its media type once done', async () => {
    const accepted = await call('POST', '/reports', tokens.statistics, returns2025);
    expect(accepted.status).toBe(202);
    const id = accepted.json!.id as string;
    expect(accepted.headers.location).toBe(`/reports/${id}`);
    expect(accepted.json).toMatchObject({ status: 'queued', request: { ...returns2025, frequency: 'month' }, progress: { eventsRead: 0 } });

    const job = await finished(id);
    // Five rows of the statistical event types (the skills record is not read).
    expect(job).toMatchObject({
      status: 'succeeded',
      progress: { eventsRead: 5, eventsTotal: 5, fraction: 1 },
      result: { href: `/reports/${id}/result`, contentType: 'application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8' },
    });

    const file = await call('GET', `/reports/${id}/result`, tokens.statistics);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8');
    expect(file.headers['content-disposition']).toBe(`attachment; filename="${job.result.fileName}"`);
    expect(file.headers.etag).toBe(`"${createHash('sha256').update(file.body).digest('hex')}"`);
    const lines = file.body.split('\r\n');
    expect(lines[0]).toBe(
      'STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,SEX,COUNTERPART_AREA,RETURN_TYPE,RETURN_REASON,EDUCATION,RECRUITMENT_CHANNEL,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,OBS_STATUS,CONF_STATUS',
    );
    expect(lines).toContain('dataflow,HOMEWARD:DF_MIGW_RETURN(1.0),I,PHL,F,SAU,ASSISTED,ILLNESS_INJURY,_T,_T,2025-09,1,NUM,A,F');
    expect(lines).toContain('dataflow,HOMEWARD:DF_MIGW_RETURN(1.0),I,PHL,_T,_T,_T,_T,_T,_T,2025,1,NUM,A,F');
  });

  it('gives the same bytes when asked again, to an agency holding aggregates:read too', async () => {
    const first = await finished((await call('POST', '/reports', tokens.statistics, { ...returns2025, format: 'html' })).json!.id);
    const second = await finished(
      (await call('POST', '/reports', tokens.agency, { ...returns2025, format: 'html' })).json!.id,
      tokens.agency,
    );
    expect(second.result.sha256).toBe(first.result.sha256);
    const html = await call('GET', second.result.href, tokens.agency);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.body).toMatch(/^<!DOCTYPE html>/);
    expect(html.body).toContain('<svg');
    expect(html.body).not.toContain('<script');
  });

  it('is refused to a mission (403 problem+json), and to an agency without aggregates:read', async () => {
    const mission = await call('POST', '/reports', tokens.mission, returns2025);
    expect(mission.status).toBe(403);
    expect(mission.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(mission.json).toMatchObject({ status: 403, code: 'access.kind-not-allowed', detail: expect.stringContaining('mission') });
    expect((await call('GET', '/reports', tokens.mission)).status).toBe(403);
    const agency = await call('POST', '/reports', tokens.agencyWithoutAggregates, returns2025);
    expect(agency.status).toBe(403);
    expect(agency.json!.detail).toContain('aggregates:read');
    expect(agency.json!.code).toBe('access.scope-required');
    expect((await call('POST', '/reports', null, returns2025)).status).toBe(401);
  });

  it('belongs to its organisation: another one does not see it (404) nor list it', async () => {
    const id = (await call('POST', '/reports', tokens.statistics, returns2025)).json!.id as string;
    await finished(id);
    const other = await call('GET', `/reports/${id}`, tokens.otherStatistics);
    expect(other.status).toBe(404);
    expect((await call('GET', `/reports/${id}/result`, tokens.otherStatistics)).status).toBe(404);
    expect((await call('GET', '/reports', tokens.otherStatistics)).json).toEqual({ items: [] });
    const mine = await call('GET', '/reports?limit=2', tokens.statistics);
    expect(mine.json!.items.map((j: { id: string }) => j.id)[0]).toBe(id);
  });

  it('names every field at fault and queues nothing when the request is not valid (400)', async () => {
    const before = (await jobsDb.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM report_jobs')).rows[0]!.n;
    const contract = await call('POST', '/reports', tokens.statistics, { asOf: '2025-13-01', period: '20x5', format: 'pdf' });
    expect(contract.status).toBe(400);
    expect(contract.json!.errors.map((e: { field: string }) => e.field).sort()).toEqual(['asOf', 'format', 'period']);
    const rules = await call('POST', '/reports', tokens.statistics, { asOf: '2024-12-31', period: '2025', knownAt: 'last tuesday' });
    expect(rules.status).toBe(400);
    expect(rules.json!.errors.map((e: { field: string }) => e.field).sort()).toEqual(['asOf', 'knownAt']);
    expect((await jobsDb.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM report_jobs')).rows[0]!.n).toBe(before);
  });

  it('never fails for everyone because of one record: a country that is none counts as unknown, an impossible date is left out, both said', async () => {
    // Two records stored before the registry checked codes and dates (issue 9): a destination "XY", and a
    // departure dated 0001-01-01.
    const stray = randomUUID();
    const undated = randomUUID();
    const store = new EventStore(storeDb.pool);
    const registered = (workerId: string) =>
      event('WorkerRegistered', '2025-01-01', {
        workerId,
        registeredOn: '2025-01-01',
        sex: 'F',
        birthYear: 1991,
        originArea: 'PH-01',
        languages: [],
      });
    const departure = (workerId: string, destinationCountry: string, departedOn: string) =>
      event('DepartureRecorded', '2025-02-02', {
        workerId,
        cycleNumber: 1,
        destinationCountry,
        departedOn,
        employerName: 'E',
        occupationIsco: '9111',
        contractStart: '2025-02-02',
        contractEnd: '2026-02-02',
        channel: 'regular',
      });
    await store.append(`worker-${stray}`, 0, [registered(stray), departure(stray, 'XY', '2025-02-02')]);
    await store.append(`worker-${undated}`, 0, [registered(undated), departure(undated, 'SA', '0001-01-01')]);

    const sdmx = await finished((await call('POST', '/reports', tokens.statistics, { ...returns2025, report: 'departures' })).json!.id);
    expect(sdmx.status).toBe('succeeded');
    const lines = (await call('GET', sdmx.result.href, tokens.statistics)).body.split('\r\n');
    expect(lines).toContain('dataflow,HOMEWARD:DF_MIGW_OUTFLOW(1.0),I,PHL,F,_U,_T,_T,2025-02,1,NUM,A,F');
    expect(lines.some((line) => line.includes('XY'))).toBe(false);

    const json = await finished(
      (await call('POST', '/reports', tokens.statistics, { ...returns2025, report: 'departures', format: 'json' })).json!.id,
    );
    const report = (await call('GET', json.result.href, tokens.statistics)).json!;
    expect(report.basis.unplaced).toEqual({ countryCodes: [{ code: 'XY', cycles: 1 }], occupationCodes: [], undatedFacts: 1 });
  });
});

describe('a restart of the service', () => {
  it('keeps finished and queued jobs, runs the queued ones, and marks failed a job its dead process left running', async () => {
    const done = await finished(
      (await call('POST', '/reports', tokens.statistics, { asOf: '2025-12-31', period: '2025', report: 'stock', source: 'event-store' }))
        .json!.id,
    );
    await runtime.stop();

    // While the service is down: a job it was running when it died, and one queued meanwhile.
    const abandoned = randomUUID();
    const queued = randomUUID();
    const request = { asOf: '2025-12-31', period: '2025', report: 'stock', format: 'csv', source: 'event-store', frequency: 'month' };
    await jobsDb.pool.query(
      `INSERT INTO report_jobs (id, organisation_id, requested_by, request, status, runner, started_at, heartbeat_at, created_at)
       VALUES ($1, 'psa', 'psa-client', $3, 'running', 'runner-dead', now() - interval '10 minutes', now() - interval '10 minutes', now() - interval '11 minutes'),
              ($2, 'psa', 'psa-client', $3, 'queued', NULL, NULL, NULL, now())`,
      [abandoned, queued, JSON.stringify(request)],
    );
    await start();

    expect(await finished(abandoned)).toMatchObject({ status: 'failed', error: expect.stringContaining('interrupted') });
    // A failed job's result is not served.
    const failed = await call('GET', `/reports/${abandoned}/result`, tokens.statistics);
    expect(failed.status).toBe(409);
    expect(failed.json).toMatchObject({ status: 409, detail: expect.stringContaining('failed') });
    const ran = await finished(queued);
    expect(ran.status).toBe('succeeded');
    const stock = await call('GET', ran.result.href, tokens.statistics);
    // Joel, in the United Arab Emirates since April (his departure's free text decoded), and the stray record in
    // "XY" (counted as unknown); the departure dated 0001-01-01 cannot be placed.
    expect(stock.body.split('\r\n')).toContain(
      'stock,_T,Total,_T,Total,_T,Total,_T,Total,_T,Total,_T,Total,2025-12-31,2025-12-31,2,Persons,',
    );
    expect(stock.body).toContain(
      'stock,M,Male,AE,United Arab Emirates,_T,Total,_T,Total,_T,Total,_T,Total,2025-12-31,2025-12-31,1,Persons,',
    );
    // What was done before the restart is still there.
    expect((await call('GET', done.result.href, tokens.statistics)).status).toBe(200);
  });
});
