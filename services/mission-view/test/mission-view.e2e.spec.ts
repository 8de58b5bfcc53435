import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { eventually, testIssuer } from '@homeward/testing/infrastructure';
import { Scopes } from '@homeward/auth';
import { aWorker, departure, homecoming, startHarness, type RegistrationHarness } from '@homeward/registration/test/harness';
import { PROJECTIONS_ADMIN_SCOPE } from '../src/http/access';
import { namespaceOf, rowsContaining, startMissionViewHarness, type MissionViewHarness } from './mission-view.harness';

// Two missions' views (SA and AE), each with its own database, fed by the registration service through the
// real Kafka topic: events recorded through the registration API, read back through each view's API.

describe('mission views of SA and AE', () => {
  let registry: RegistrationHarness;
  let sa: MissionViewHarness;
  let ae: MissionViewHarness;
  const tokens = { missionSA: '', missionAE: '', adminSA: '', agency: '', missionSANoScope: '' };

  beforeAll(async () => {
    registry = await startHarness('mission_views_registry');
    const issuer = await testIssuer();
    const ns = namespaceOf(registry.runtime.topic);
    [sa, ae] = await Promise.all([startMissionViewHarness('SA', ns, issuer), startMissionViewHarness('AE', ns, issuer)]);
    tokens.missionSA = await issuer.token({ organisationId: 'ph-embassy-riyadh', kind: 'mission', country: 'SA' });
    tokens.missionAE = await issuer.token({ organisationId: 'ph-embassy-abu-dhabi', kind: 'mission', country: 'AE' });
    tokens.adminSA = await issuer.token({
      organisationId: 'ph-embassy-riyadh',
      kind: 'mission',
      country: 'SA',
      scopes: [Scopes.workersRead, PROJECTIONS_ADMIN_SCOPE],
    });
    tokens.agency = await issuer.token({ organisationId: 'ph-dmw-registry', kind: 'agency' });
    tokens.missionSANoScope = await issuer.token({ organisationId: 'ph-embassy-riyadh', kind: 'mission', country: 'SA', scopes: [] });
  });
  afterAll(async () => {
    await sa?.stop();
    await ae?.stop();
    await registry?.stop();
  });

  async function post(path: string, body: unknown, token = registry.tokens.agency) {
    const response = await registry.call('POST', path, body, token);
    if (response.status !== 200 && response.status !== 201)
      throw new Error(`POST ${path} → ${response.status}: ${JSON.stringify(response.body)}`);
    return response;
  }

  async function registered(): Promise<string> {
    return (await post('/workers', aWorker())).body!.workerId as string;
  }

  const known = (view: MissionViewHarness, id: string, token: string, until: (body: any) => boolean) =>
    eventually(
      () => view.call('GET', `/workers/${id}`, token),
      (r) => r.status === 200 && until(r.body),
    );

  const servingSchema = async (view: MissionViewHarness) => (await view.runtime.host.status()).serving!.schema;

  it("shows a worker's stay in SA to the SA mission, and keeps nothing of it in AE's view", async () => {
    const id = await registered();
    const employer = `Al Noor Household ${id.slice(0, 8)}`;
    await post(`/workers/${id}/departures`, { ...departure, employerName: employer });
    await post(`/workers/${id}/arrivals`, { arrivedOn: '2023-02-02', country: 'SA' }, registry.tokens.missionSA);
    await post(
      `/workers/${id}/employment-changes`,
      { changedOn: '2023-08-01', change: 'contract_renewal', contractEnd: '2025-02-20' },
      registry.tokens.missionSA,
    );
    const incident = await post(
      `/workers/${id}/incidents`,
      { occurredOn: '2023-11-03', kind: 'abuse', fundAssistanceRequested: true, caseNotes: 'Passport withheld by employer.' },
      registry.tokens.missionSA,
    );
    const incidentId = incident.body!.cycles[0].incidents[0].incidentId as string;

    const seen = await known(sa, id, tokens.missionSA, (b) => b.stays[0]?.openIncidents === 1);
    expect(seen.body).toEqual({
      workerId: id,
      personalDataErased: false,
      stays: [
        {
          workerId: id,
          cycleNumber: 1,
          stage: 'arrived',
          departedOn: '2023-02-01',
          arrivedOn: '2023-02-02',
          occupationIsco: '9111',
          contractStart: '2023-02-05',
          contractEnd: '2025-02-20',
          channel: 'regular',
          withoutRecordedDeparture: false,
          personalDataErased: false,
          openIncidents: 1,
          employmentChanges: [{ changedOn: '2023-08-01', change: 'contract_renewal', contractEnd: '2025-02-20' }],
          incidents: [{ incidentId, occurredOn: '2023-11-03', kind: 'abuse', fundAssistanceRequested: true }],
        },
      ],
    });
    expect(seen.text).not.toContain('Passport withheld');
    // Nor the employer's name: sealed with the worker's key (docs/adr/0006), it is registration's to show.
    expect(await rowsContaining(sa.db.pool, await servingSchema(sa), employer)).toEqual({});

    const present = await sa.call('GET', '/workers/present?stage=arrived&occupationIsco=91', tokens.missionSA);
    expect(present.body.items.map((s: any) => s.workerId)).toContain(id);
    const ending = await sa.call('GET', '/contracts/ending?asOf=2025-02-01&withinDays=30', tokens.missionSA);
    expect(ending.body.items.map((s: any) => s.workerId)).toContain(id);
    const notYet = await sa.call('GET', '/contracts/ending?asOf=2024-01-01&withinDays=30', tokens.missionSA);
    expect(notYet.body.items.map((s: any) => s.workerId)).not.toContain(id);
    const open = await sa.call('GET', '/incidents/open?kind=abuse', tokens.missionSA);
    expect(open.body.items).toContainEqual({
      incidentId,
      workerId: id,
      cycleNumber: 1,
      occurredOn: '2023-11-03',
      kind: 'abuse',
      fundAssistanceRequested: true,
      stage: 'arrived',
    });

    // AE's view has processed the same events (its lag is 0) and holds nothing of this worker.
    await registry.published();
    await eventually(
      () => ae.runtime.host.status(),
      (s) => s.serving?.lag === 0,
    );
    expect((await ae.call('GET', `/workers/${id}`, tokens.missionAE)).status).toBe(404);
    expect(await rowsContaining(ae.db.pool, await servingSchema(ae), id)).toEqual({});
    expect(await rowsContaining(ae.db.pool, await servingSchema(ae), employer)).toEqual({});
  });

  it('moves a returned worker to recent returns; a re-migration to AE leaves SA its own cycle only', async () => {
    const id = await registered();
    await post(`/workers/${id}/departures`, departure);
    await post(`/workers/${id}/returns`, homecoming, registry.tokens.missionSA);
    await post(`/workers/${id}/departures`, {
      ...departure,
      destinationCountry: 'AE',
      departedOn: '2024-09-01',
      contractStart: '2024-09-02',
      contractEnd: '2026-09-01',
      employerName: 'Dubai Facilities LLC',
    });
    await post(`/workers/${id}/arrivals`, { arrivedOn: '2024-09-02', country: 'AE' }, registry.tokens.missionAE);

    const inAE = await known(ae, id, tokens.missionAE, (b) => b.stays[0]?.stage === 'arrived');
    expect(inAE.body.stays).toMatchObject([{ cycleNumber: 2, stage: 'arrived' }]);
    const inSA = await known(sa, id, tokens.missionSA, (b) => b.stays[0]?.stage === 'returned');
    expect(inSA.body.stays).toHaveLength(1);
    expect(inSA.body.stays[0]).toMatchObject({
      cycleNumber: 1,
      stage: 'returned',
      returnedOn: '2024-06-30',
      returnReason: 'abuse_or_exploitation',
    });
    expect(await rowsContaining(sa.db.pool, await servingSchema(sa), 'Dubai Facilities')).toEqual({});

    const recent = await sa.call('GET', '/returns/recent?asOf=2024-07-10&days=30&reason=abuse_or_exploitation', tokens.missionSA);
    expect(recent.body.items.map((s: any) => s.workerId)).toContain(id);
    const present = await sa.call('GET', '/workers/present?limit=1000', tokens.missionSA);
    expect(present.body.items.map((s: any) => s.workerId)).not.toContain(id);
  });

  it("refuses every principal but its own country's mission, with problem+json", async () => {
    const refused = await sa.call('GET', '/workers/present', tokens.missionAE);
    expect(refused.status).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ status: 403, detail: 'this is the mission view of SA; the caller is the mission in AE' });
    expect((await ae.call('GET', '/incidents/open', tokens.missionSA)).status).toBe(403);
    expect((await sa.call('GET', '/returns/recent', tokens.agency)).status).toBe(403);
    expect((await sa.call('GET', '/workers/present', tokens.missionSANoScope)).status).toBe(403);
    expect((await sa.call('GET', '/admin/projection', tokens.missionSA)).status).toBe(403);
    expect((await sa.call('POST', '/admin/projection/rebuild', tokens.missionAE)).status).toBe(403);
    expect((await sa.call('GET', '/workers/present', null)).status).toBe(401);
    const invalid = await sa.call('GET', '/contracts/ending?withinDays=-1', tokens.missionSA);
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0]).toMatchObject({ in: 'query', field: 'withinDays' });
  });

  it('is rebuilt on request while it answers queries: no query fails, and the data is the same', async () => {
    const before = await sa.call('GET', '/workers/present?limit=1000', tokens.missionSA);
    const { serving } = await sa.runtime.host.status();
    let stop = false;
    const statuses: number[] = [];
    const loop = (async () => {
      while (!stop) statuses.push((await sa.call('GET', '/workers/present?limit=1000', tokens.missionSA)).status);
    })();

    try {
      const rebuild = await sa.call('POST', '/admin/projection/rebuild', tokens.adminSA);
      expect(rebuild.status).toBe(202);
      expect(rebuild.body).toMatchObject({ build: serving!.build + 1, version: serving!.version, state: 'building' });
      await eventually(
        () => sa.runtime.host.status(),
        (s) => s.serving?.build === serving!.build + 1 && s.building === undefined,
      );
      await eventually(
        () => sa.db.pool.query('SELECT state FROM projection_builds WHERE build = $1', [serving!.build]),
        (r) => r.rows[0].state === 'retired',
      );
    } finally {
      // Even when an expectation fails, the loops end.
      stop = true;
      await loop;
    }

    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const after = await sa.call('GET', '/workers/present?limit=1000', tokens.missionSA);
    expect(after.body).toEqual(before.body);
    const status = await sa.call('GET', '/admin/projection', tokens.adminSA);
    expect(status.body).toMatchObject({ projection: 'mission-view-sa', serving: { build: serving!.build + 1, lag: 0 } });
  });

  it("marks a worker's stays erased on erasure, never having held their employers' names", async () => {
    const id = await registered();
    const employer = `Household of ${id.slice(0, 8)}`;
    await post(`/workers/${id}/departures`, { ...departure, employerName: employer });
    await post(
      `/workers/${id}/employment-changes`,
      { changedOn: '2023-08-01', change: 'new_employer', employerName: `${employer} II` },
      registry.tokens.missionSA,
    );
    const seen = await known(sa, id, tokens.missionSA, (b) => b.stays[0]?.employmentChanges?.length === 1);
    expect(seen.body.stays[0]).not.toHaveProperty('employerName');
    expect(seen.body.stays[0].employmentChanges[0]).toEqual({ changedOn: '2023-08-01', change: 'new_employer' });
    expect(await rowsContaining(sa.db.pool, await servingSchema(sa), employer)).toEqual({});

    await post(`/workers/${id}/erasure`, { basis: 'subject_request' });
    const erased = await known(sa, id, tokens.missionSA, (b) => b.personalDataErased === true);
    expect(await rowsContaining(sa.db.pool, await servingSchema(sa), employer)).toEqual({});
    // What statistics and the mission still need stays: the stay, its dates and occupation.
    expect(erased.body.stays[0]).toMatchObject({
      cycleNumber: 1,
      departedOn: '2023-02-01',
      occupationIsco: '9111',
      personalDataErased: true,
    });
  });

  it('reports its lag at /health/ready and /metrics', async () => {
    const ready = await sa.call('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toContainEqual(
      expect.objectContaining({
        name: 'projection:mission-view-sa',
        status: 'up',
        info: expect.objectContaining({ lag: expect.any(Number) }),
      }),
    );
    const metrics = await sa.call('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.text).toMatch(/^homeward_projection_lag_messages\{projection="mission-view-sa",.*partition="0"\} \d+$/m);
    expect(metrics.text).toMatch(/^homeward_projection_newest_event_age_seconds\{projection="mission-view-sa",.*\} [\d.]+$/m);
    // Every read-model metric the Grafana dashboard (infra/k8s/base/grafana) queries is one a read model exposes.
    const dashboard = readFileSync(join(__dirname, '..', '..', '..', 'infra', 'k8s', 'base', 'grafana', 'homeward-dashboard.json'), 'utf8');
    const queried = [...new Set(dashboard.match(/homeward_projection_[a-z0-9_]+/g))];
    expect(queried.length).toBeGreaterThanOrEqual(4);
    expect(queried.filter((name) => !new RegExp(`^# TYPE ${name} `, 'm').test(metrics.text))).toEqual([]);
  });
});
