import { eventually, testIssuer } from '@homeward/testing/infrastructure';
import { Scopes } from '@homeward/auth';
import { aWorker, departure, startHarness, type RegistrationHarness } from '@homeward/registration/test/harness';
import { namespaceOf, rowsContaining, startMissionViewHarness, type MissionViewHarness } from '@homeward/mission-view/test/harness';
import { PROJECTIONS_ADMIN_SCOPE } from '../src/http/access';
import { AGENCY_VIEW_VERSION } from '../src/projection/agency.projection';
import { startAgencyViewHarness, type AgencyViewHarness } from './agency-view.harness';

// The read models together, as issue 4 accepts them: the registration service, the agency view and the
// mission views of SA and AE, each with its own database, on the real Kafka topic.

describe('read models of the registry', () => {
  let registry: RegistrationHarness;
  let agency: AgencyViewHarness;
  let sa: MissionViewHarness;
  let ae: MissionViewHarness;
  const tokens = { agency: '', agencyAdmin: '', missionSA: '', missionAE: '' };
  // A real region (the registry refuses codes that name no subdivision) that no other test of this file uses:
  // each harness has topics and databases of its own, so the listings below see this file's workers alone.
  const area = 'PH-14';

  beforeAll(async () => {
    registry = await startHarness('read_models_registry');
    const issuer = await testIssuer();
    const ns = namespaceOf(registry.runtime.topic);
    [agency, sa, ae] = await Promise.all([
      startAgencyViewHarness(ns, issuer),
      startMissionViewHarness('SA', ns, issuer),
      startMissionViewHarness('AE', ns, issuer),
    ]);
    tokens.agency = await issuer.token({ organisationId: 'ph-dmw-registry', kind: 'agency' });
    tokens.agencyAdmin = await issuer.token({
      organisationId: 'ph-dmw-ops',
      kind: 'agency',
      scopes: [Scopes.workersRead, PROJECTIONS_ADMIN_SCOPE],
    });
    tokens.missionSA = await issuer.token({ organisationId: 'ph-embassy-riyadh', kind: 'mission', country: 'SA' });
    tokens.missionAE = await issuer.token({ organisationId: 'ph-embassy-abu-dhabi', kind: 'mission', country: 'AE' });
  });
  afterAll(async () => {
    await Promise.all([agency?.stop(), sa?.stop(), ae?.stop()]);
    await registry?.stop();
  });

  async function post(path: string, body: unknown, token = registry.tokens.agency) {
    const response = await registry.call('POST', path, body, token);
    if (response.status !== 200 && response.status !== 201)
      throw new Error(`POST ${path} → ${response.status}: ${JSON.stringify(response.body)}`);
    return response;
  }

  const registered = async () => (await post('/workers', { ...aWorker(), originArea: area })).body!.workerId as string;

  /** Waits until the registry has published everything and the view has applied everything on the topic. */
  const caughtUp = async (view: { runtime: { host: { status(): Promise<{ serving?: { lag: number } }> } } }) => {
    await registry.published();
    await eventually(
      () => view.runtime.host.status(),
      (s) => s.serving?.lag === 0,
    );
  };

  it("shows an event recorded through the registration API in the agency view and in SA's view, and not in AE's", async () => {
    const id = await registered();
    await post(`/workers/${id}/departures`, departure);

    const inAgency = await eventually(
      () => agency.call('GET', `/workers/${id}`, tokens.agency),
      (r) => r.status === 200 && r.body.status === 'abroad',
    );
    expect(inAgency.body).toMatchObject({
      workerId: id,
      currentDestination: 'SA',
      cycleDetails: [{ number: 1, departedOn: '2023-02-01' }],
    });
    const inSA = await eventually(
      () => sa.call('GET', `/workers/${id}`, tokens.missionSA),
      (r) => r.status === 200,
    );
    expect(inSA.body.stays).toMatchObject([{ cycleNumber: 1, stage: 'departed', departedOn: '2023-02-01', occupationIsco: '9111' }]);

    await caughtUp(ae);
    expect((await ae.call('GET', `/workers/${id}`, tokens.missionAE)).status).toBe(404);
    expect(await rowsContaining(ae.db.pool, (await ae.runtime.host.status()).serving!.schema, id)).toEqual({});
  });

  it("refuses a mission another mission's view, and the agency view", async () => {
    const id = await registered();
    await post(`/workers/${id}/departures`, departure);
    await eventually(
      () => sa.call('GET', `/workers/${id}`, tokens.missionSA),
      (r) => r.status === 200,
    );
    const other = await sa.call('GET', `/workers/${id}`, tokens.missionAE);
    expect(other.status).toBe(403);
    expect(other.headers['content-type']).toContain('application/problem+json');
    expect((await agency.call('GET', `/workers/${id}`, tokens.missionSA)).status).toBe(403);
    expect((await ae.call('GET', '/workers/present', tokens.missionSA)).status).toBe(403);
  });

  it('is rebuilt while the API serves: no query fails, and the rebuilt model holds the same data', async () => {
    for (let i = 0; i < 25; i++) {
      const id = await registered();
      await post(`/workers/${id}/departures`, { ...departure, destinationCountry: i % 2 ? 'SA' : 'AE' });
    }
    await caughtUp(agency);
    const search = `/workers?originArea=${area}&limit=1000`;
    const before = await agency.call('GET', search, tokens.agency);
    expect(before.body.items.length).toBeGreaterThanOrEqual(27);
    const { serving } = await agency.runtime.host.status();

    let stop = false;
    const answers: number[] = [];
    const loop = (async () => {
      while (!stop) answers.push((await agency.call('GET', search, tokens.agency)).status);
    })();
    try {
      const rebuild = await agency.call('POST', '/admin/projection/rebuild', tokens.agencyAdmin);
      expect(rebuild.status).toBe(202);
      expect(rebuild.body).toMatchObject({
        build: serving!.build + 1,
        state: 'building',
        schema: `agency_view_v${AGENCY_VIEW_VERSION}_b${serving!.build + 1}`,
      });
      await eventually(
        () => agency.runtime.host.status(),
        (s) => s.serving?.build === serving!.build + 1 && s.building === undefined,
      );
      await eventually(
        () => agency.db.pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'agency_view_%'`),
        (r) => r.rows.length === 1,
      );
    } finally {
      // Even when an expectation fails, the loops end.
      stop = true;
      await loop;
    }

    expect(answers.length).toBeGreaterThan(10);
    expect(answers.filter((s) => s !== 200)).toEqual([]);
    expect((await agency.call('GET', search, tokens.agency)).body).toEqual(before.body);
  });

  it("removes a worker's personal data from the agency view and from the mission view on erasure", async () => {
    const id = await registered();
    const employer = `Household of ${id.slice(0, 8)}`;
    await post(`/workers/${id}/departures`, { ...departure, employerName: employer });
    await caughtUp(agency);
    await caughtUp(sa);
    const agencySchema = (await agency.runtime.host.status()).serving!.schema;
    const saSchema = (await sa.runtime.host.status()).serving!.schema;
    expect(await rowsContaining(agency.db.pool, agencySchema, employer)).not.toEqual({});
    // The mission view never holds an employer's name (docs/adr/0006).
    expect(await rowsContaining(sa.db.pool, saSchema, employer)).toEqual({});

    await post(`/workers/${id}/erasure`, { basis: 'subject_request' });
    await eventually(
      () => agency.call('GET', `/workers/${id}`, tokens.agency),
      (r) => r.body?.personalDataErased === true,
    );
    await eventually(
      () => sa.call('GET', `/workers/${id}`, tokens.missionSA),
      (r) => r.body?.personalDataErased === true,
    );
    expect(await rowsContaining(agency.db.pool, agencySchema, employer)).toEqual({});
    expect(await rowsContaining(sa.db.pool, saSchema, employer)).toEqual({});
  });
});
