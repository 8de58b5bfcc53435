import { eventually, testIssuer } from '@homeward/testing/infrastructure';
import { Scopes } from '@homeward/auth';
import { aWorker, departure, homecoming, startHarness, type RegistrationHarness } from '@homeward/registration/test/harness';
import { namespaceOf, rowsContaining } from '@homeward/mission-view/test/harness';
import { startAgencyViewHarness, type AgencyViewHarness } from './agency-view.harness';

// The agency view fed by the registration service through the real Kafka topic: whole cycles recorded
// through the registration API, read back through the view's API.

describe('agency view', () => {
  let registry: RegistrationHarness;
  let view: AgencyViewHarness;
  const tokens = { agency: '', agencyWithoutPersonalData: '', missionSA: '', statistics: '' };
  // A real region (the registry refuses codes that name no subdivision) that only this file's workers come
  // from: each harness has topics and databases of its own, so searches see this file's workers alone.
  const area = 'PH-15';

  beforeAll(async () => {
    registry = await startHarness('agency_view_registry');
    const issuer = await testIssuer();
    view = await startAgencyViewHarness(namespaceOf(registry.runtime.topic), issuer);
    tokens.agency = await issuer.token({ organisationId: 'ph-dmw-registry', kind: 'agency' });
    tokens.agencyWithoutPersonalData = await issuer.token({
      organisationId: 'ph-dole-research',
      kind: 'agency',
      scopes: [Scopes.workersRead],
    });
    tokens.missionSA = await issuer.token({ organisationId: 'ph-embassy-riyadh', kind: 'mission', country: 'SA' });
    tokens.statistics = await issuer.token({ organisationId: 'psa-statistics', kind: 'statistics' });
  });
  afterAll(async () => {
    await view?.stop();
    await registry?.stop();
  });

  async function post(path: string, body: unknown, token = registry.tokens.agency) {
    const response = await registry.call('POST', path, body, token);
    if (response.status !== 200 && response.status !== 201)
      throw new Error(`POST ${path} → ${response.status}: ${JSON.stringify(response.body)}`);
    return response;
  }

  async function registered(overrides: Record<string, unknown> = {}): Promise<string> {
    return (await post('/workers', { ...aWorker(), originArea: area, ...overrides })).body!.workerId as string;
  }

  /** Waits until the registry has published everything and the view has applied everything on the topic. */
  const caughtUp = async () => {
    await registry.published();
    await eventually(
      () => view.runtime.host.status(),
      (s) => s.serving?.lag === 0,
    );
  };

  const profileOf = (id: string, until: (body: any) => boolean = () => true) =>
    eventually(
      () => view.call('GET', `/workers/${id}`, tokens.agency),
      (r) => r.status === 200 && until(r.body),
    );

  it('shows a whole cycle in the profile, stage by stage, and on the timeline in the order it happened', async () => {
    const id = await registered();
    await post(`/workers/${id}/orientations`, { completedOn: '2023-01-20', topics: ['rights'], provider: 'OWWA Region III' });
    await post(`/workers/${id}/departures`, departure);
    await post(`/workers/${id}/arrivals`, { arrivedOn: '2023-02-02', country: 'SA' }, registry.tokens.missionSA);
    await post(
      `/workers/${id}/employment-changes`,
      { changedOn: '2023-08-01', change: 'new_employer', employerName: 'Gulf Care' },
      registry.tokens.missionSA,
    );
    await post(
      `/workers/${id}/skills`,
      { recordedOn: '2023-09-01', skills: [{ kind: 'language', title: 'Arabic, spoken (A2)' }] },
      registry.tokens.missionSA,
    );
    await post(
      `/workers/${id}/incidents`,
      { occurredOn: '2023-11-03', kind: 'abuse', fundAssistanceRequested: true, caseNotes: 'Passport withheld by employer.' },
      registry.tokens.missionSA,
    );
    await post(`/workers/${id}/returns`, homecoming, registry.tokens.missionSA);
    await post(`/workers/${id}/reintegration/needs`, { assessedOn: '2024-07-05', economic: 'high', social: 'some', psychosocial: 'high' });
    const referred = await post(`/workers/${id}/reintegration/referrals`, { referredOn: '2024-07-06', service: 'counselling' });
    const referralId = referred.body!.cycles[0].reintegration.referrals[0].referralId as string;
    await post(`/workers/${id}/reintegration/referrals/${referralId}/outcome`, { recordedOn: '2024-09-30', outcome: 'completed' });

    const profile = await profileOf(id, (b) => b.cycleDetails[0]?.stages.length === 9 && b.identity !== undefined);
    expect(profile.body).toMatchObject({
      workerId: id,
      sex: 'F',
      birthYear: 1990,
      originArea: area,
      educationIsced: 3,
      languages: ['tl', 'en'],
      status: 'returned',
      cycles: 1,
      destinations: ['SA'],
      occupations: ['9111'],
      lastReturnedOn: '2024-06-30',
      personalDataErased: false,
      cycleDetails: [
        {
          number: 1,
          destinationCountry: 'SA',
          departedOn: '2023-02-01',
          employerName: 'Gulf Care',
          occupationIsco: '9111',
          contractEnd: '2025-02-04',
          arrivedOn: '2023-02-02',
          returnedOn: '2024-06-30',
          fromCountry: 'SA',
          returnAssistance: 'assisted',
          returnReason: 'abuse_or_exploitation',
          withoutRecordedDeparture: false,
          needsAssessedOn: '2024-07-05',
          firstReferralOn: '2024-07-06',
        },
      ],
    });
    expect(profile.body.cycleDetails[0].stages.map((s: any) => [s.stage, s.on])).toEqual([
      ['departure', '2023-02-01'],
      ['arrival', '2023-02-02'],
      ['employment_change', '2023-08-01'],
      ['skills_acquired', '2023-09-01'],
      ['welfare_incident', '2023-11-03'],
      ['return', '2024-06-30'],
      ['needs_assessment', '2024-07-05'],
      ['referral', '2024-07-06'],
      ['referral_outcome', '2024-09-30'],
    ]);
    // Who the worker is, from the registry's directory; never the case notes of an incident.
    expect(profile.body.identity).toMatchObject({ givenName: 'Maria', familyName: 'Santos', dateOfBirth: expect.any(String) });
    expect(profile.text).not.toContain('Passport withheld');

    const timeline = await view.call('GET', `/workers/${id}/timeline`, tokens.agency);
    expect(timeline.status).toBe(200);
    // By the day each thing happened: the cycle of 2023-2024 was recorded after a registration made today.
    expect(timeline.body.items.map((e: any) => e.type)).toEqual([
      'PreDepartureOrientationCompleted',
      'DepartureRecorded',
      'ArrivalRecorded',
      'EmploymentChanged',
      'SkillsAcquired',
      'WelfareIncidentRecorded',
      'ReturnRecorded',
      'ReintegrationNeedsAssessed',
      'ReintegrationReferralMade',
      'ReintegrationOutcomeRecorded',
      'WorkerRegistered',
    ]);
    expect(timeline.body.items[0]).toMatchObject({
      source: 'registration',
      occurredOn: '2023-01-20',
      details: { provider: 'OWWA Region III' },
    });
  });

  it('finds workers by registry id, origin area, destination, occupation group, sex and status, a page at a time', async () => {
    const women = [await registered(), await registered()];
    const man = await registered({ sex: 'M' });
    await post(`/workers/${women[0]}/departures`, { ...departure, destinationCountry: 'AE', occupationIsco: '5322' });
    await post(`/workers/${man}/departures`, { ...departure, occupationIsco: '7126' });
    await caughtUp();

    const search = async (query: string) => {
      const r = await view.call('GET', `/workers?originArea=${area}&${query}`, tokens.agency);
      expect(r.status).toBe(200);
      return r.body;
    };
    const ids = (body: any) => body.items.map((w: any) => w.workerId).sort();
    expect(ids(await search('destinationCountry=AE'))).toEqual([women[0]]);
    expect(ids(await search('occupationIsco=53'))).toEqual([women[0]]);
    expect(ids(await search('occupationIsco=7'))).toEqual([man]);
    expect(ids(await search('sex=M'))).toEqual([man]);
    expect(ids(await search('status=at_home'))).toEqual([women[1]]);
    expect(ids(await search(`workerId=${man}`))).toEqual([man]);
    expect((await search('destinationCountry=AE')).items[0]).toMatchObject({
      status: 'abroad',
      currentDestination: 'AE',
      occupations: ['5322'],
    });

    const first = await search('limit=2');
    expect(first.items).toHaveLength(2);
    const second = await search(`limit=2&cursor=${first.next}`);
    expect([...ids(first), ...ids(second)].length).toBeGreaterThanOrEqual(3);
    expect(ids(first).filter((id: string) => ids(second).includes(id))).toEqual([]);

    const badCursor = await view.call('GET', '/workers?cursor=nonsense', tokens.agency);
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.errors[0]).toMatchObject({ in: 'query', field: 'cursor' });
  });

  it('lists in the returnee pipeline those who returned in the period and were neither referred nor placed nor left again', async () => {
    const waiting = await registered();
    const referred = await registered();
    const leftAgain = await registered();
    const earlier = await registered();
    const undocumented = await registered({ sex: 'M' });
    for (const id of [waiting, referred, leftAgain]) {
      await post(`/workers/${id}/departures`, departure);
      await post(
        `/workers/${id}/returns`,
        { ...homecoming, returnedOn: '2025-03-10', reason: 'terminated_early' },
        registry.tokens.missionSA,
      );
    }
    await post(`/workers/${earlier}/departures`, departure);
    await post(`/workers/${earlier}/returns`, { ...homecoming, returnedOn: '2024-12-31' }, registry.tokens.missionSA);
    await post(`/workers/${undocumented}/returns`, {
      returnedOn: '2025-03-20',
      fromCountry: 'MY',
      assistance: 'assisted',
      reason: 'deportation',
    });
    await post(`/workers/${referred}/reintegration/referrals`, { referredOn: '2025-03-15', service: 'employment' });
    await post(`/workers/${leftAgain}/departures`, {
      ...departure,
      departedOn: '2025-04-01',
      contractStart: '2025-04-02',
      contractEnd: '2027-04-01',
    });
    await caughtUp();

    const pipeline = await view.call('GET', `/returnees?returnedFrom=2025-01-01&returnedTo=2025-03-31&originArea=${area}`, tokens.agency);
    expect(pipeline.status).toBe(200);
    expect(pipeline.body.items).toEqual([
      {
        workerId: waiting,
        sex: 'F',
        birthYear: 1990,
        originArea: area,
        cycleNumber: 1,
        returnedOn: '2025-03-10',
        fromCountry: 'SA',
        returnAssistance: 'assisted',
        returnReason: 'terminated_early',
        occupationIsco: '9111',
        withoutRecordedDeparture: false,
        daysSinceReturn: 21,
        stage: 'waiting',
      },
      {
        workerId: undocumented,
        sex: 'M',
        birthYear: 1990,
        originArea: area,
        cycleNumber: 1,
        returnedOn: '2025-03-20',
        fromCountry: 'MY',
        returnAssistance: 'assisted',
        returnReason: 'deportation',
        withoutRecordedDeparture: true,
        daysSinceReturn: 11,
        stage: 'waiting',
      },
    ]);
    const filtered = await view.call(
      'GET',
      `/returnees?returnedFrom=2025-01-01&returnedTo=2025-03-31&originArea=${area}&sex=M&reason=deportation&fromCountry=MY`,
      tokens.agency,
    );
    expect(filtered.body.items.map((r: any) => r.workerId)).toEqual([undocumented]);
    const backwards = await view.call('GET', '/returnees?returnedFrom=2025-03-31&returnedTo=2025-01-01', tokens.agency);
    expect(backwards.status).toBe(400);
    expect((await view.call('GET', '/returnees?returnedFrom=2025-01-01', tokens.agency)).status).toBe(400);
  });

  it("drops a worker's employer and recruitment agency names on erasure and keeps what statistics need", async () => {
    const id = await registered();
    const employer = `Household ${id.slice(0, 8)}`;
    await post(`/workers/${id}/departures`, { ...departure, employerName: employer });
    await profileOf(id, (b) => b.cycleDetails[0]?.employerName === employer);
    const schema = (await view.runtime.host.status()).serving!.schema;
    // From the directory, sealed on every topic (docs/adr/0006): held in one table, shown in the cycle and its stage.
    expect(await rowsContaining(view.db.pool, schema, employer)).toEqual({ employers: 1 });
    const timeline = await view.call('GET', `/workers/${id}/timeline`, tokens.agency);
    expect(timeline.body.items.find((e: any) => e.type === 'DepartureRecorded').details).toMatchObject({ employerName: employer });

    await post(`/workers/${id}/erasure`, { basis: 'subject_request' });
    // Two topics bring the erasure: the directory's tombstone may land before the event that dates it.
    const erased = await profileOf(id, (b) => b.personalDataErased === true && typeof b.erasedOn === 'string');
    expect(erased.body).toMatchObject({ sex: 'F', birthYear: 1990, originArea: area, destinations: ['SA'], occupations: ['9111'] });
    expect(erased.body.erasedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(erased.body.cycleDetails[0]).not.toHaveProperty('employerName');
    expect(erased.body.cycleDetails[0]).not.toHaveProperty('recruitmentAgency');
    expect(await rowsContaining(view.db.pool, schema, employer)).toEqual({});
  });

  describe('finding people by name and document', () => {
    // People of an origin area of their own, so that other tests' Maria Santoses stay out of these searches.
    const people = 'PH-13';
    const person = (givenName: string, familyName: string, documents: Record<string, string> = {}, sex = 'M') =>
      registered({
        originArea: people,
        sex,
        personalData: { ...aWorker().personalData, givenName, familyName, ...documents },
      });
    const search = (query: string, token = tokens.agency) => view.call('GET', `/workers?originArea=${people}&${query}`, token);
    const ids = (r: { body: any }) => r.body.items.map((w: any) => w.workerId);
    const named: Record<string, string> = {};

    beforeAll(async () => {
      named.hossain = await person('Muhammad', 'Hossain', { passportNumber: 'BG0123456', nationalId: 'BD-1990-555' });
      named.rahman = await person('Mohammad', 'Rahman');
      named.lakshmi = await person('Lakshmi', 'Shrestha', {}, 'F');
      named.santos = await person('Maria', 'Santos', {}, 'F');
      await caughtUp();
    });

    it('finds a name in another romanisation, best match first, and shows who each hit is', async () => {
      const hits = await search(`name=${encodeURIComponent('Mohamed Hussain')}`);
      expect(hits.status).toBe(200);
      expect(ids(hits)[0]).toBe(named.hossain);
      expect(ids(hits)).not.toContain(named.santos);
      expect(hits.body.items[0]).toMatchObject({
        workerId: named.hossain,
        identity: { givenName: 'Muhammad', familyName: 'Hossain', passportNumber: 'BG0123456', nationalId: 'BD-1990-555' },
      });
      const scores: number[] = hits.body.items.map((w: any) => w.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      expect(ids(await search('name=Laxmi%20Srestha'))).toEqual([named.lakshmi]);
      expect(ids(await search('name=santos%20MARÍA'))).toEqual([named.santos]);
    });

    it('finds by passport or national id however they are typed, and narrows by date of birth', async () => {
      expect(ids(await search('passportNumber=bg%20012-3456'))).toEqual([named.hossain]);
      expect(ids(await search('nationalId=bd1990555'))).toEqual([named.hossain]);
      const born = (await view.call('GET', `/workers/${named.rahman}`, tokens.agency)).body.identity.dateOfBirth as string;
      expect(ids(await search(`name=Muhammad&dateOfBirth=${born}`))).toEqual([named.rahman]);
      expect(ids(await search('passportNumber=XX0000000'))).toEqual([]);
    });

    it('pages through name hits without repeating one', async () => {
      const first = await search('name=Mohammad&limit=1');
      expect(first.body.items).toHaveLength(1);
      const second = await search(`name=Mohammad&limit=1&cursor=${first.body.next}`);
      expect(second.body.items).toHaveLength(1);
      expect(ids(second)).not.toEqual(ids(first));
      expect([...ids(first), ...ids(second)].sort()).toEqual([named.hossain, named.rahman].sort());
    });

    it('refuses searches by name or document to callers without personal-data:read, and shows them no identity', async () => {
      const refused = await search('name=Hossain', tokens.agencyWithoutPersonalData);
      expect(refused.status).toBe(403);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.body.errors[0]).toMatchObject({ in: 'query', field: 'name' });
      expect((await search('passportNumber=BG0123456', tokens.agencyWithoutPersonalData)).status).toBe(403);
      const listed = await search('sex=M', tokens.agencyWithoutPersonalData);
      expect(listed.status).toBe(200);
      expect(listed.body.items.length).toBeGreaterThanOrEqual(2);
      expect(listed.text).not.toMatch(/Hossain|Rahman|identity/);
      const profile = await view.call('GET', `/workers/${named.hossain}`, tokens.agencyWithoutPersonalData);
      expect(profile.body.identity).toBeUndefined();
    });

    it('refuses a name with fewer than two letters, naming the field', async () => {
      const refused = await search(`name=${encodeURIComponent('- .')}`);
      expect(refused.status).toBe(400);
      expect(refused.body.errors[0]).toMatchObject({ in: 'query', field: 'name' });
    });

    it('forgets who a worker is on erasure: no name to find, none in any table', async () => {
      const id = await person('Siti', 'Nurhaliza', { passportNumber: 'ID7654321' }, 'F');
      await caughtUp();
      expect(ids(await search('name=Siti%20Nurhaliza'))).toEqual([id]);
      const schema = (await view.runtime.host.status()).serving!.schema;
      expect(await rowsContaining(view.db.pool, schema, 'Nurhaliza')).toEqual({ identities: 1 });

      await post(`/workers/${id}/erasure`, { basis: 'subject_request' });
      await profileOf(id, (b) => b.personalDataErased === true);
      await caughtUp();
      expect(ids(await search('name=Siti%20Nurhaliza'))).toEqual([]);
      expect(ids(await search('passportNumber=ID7654321'))).toEqual([]);
      expect(await rowsContaining(view.db.pool, schema, 'Nurhaliza')).toEqual({});
      expect((await view.call('GET', `/workers/${id}`, tokens.agency)).body.identity).toBeUndefined();
    });
  });

  it('answers agencies only, and 404 for a worker it does not know', async () => {
    const refused = await view.call('GET', '/workers', tokens.missionSA);
    expect(refused.status).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect((await view.call('GET', '/returnees?returnedFrom=2025-01-01&returnedTo=2025-01-02', tokens.statistics)).status).toBe(403);
    expect((await view.call('GET', '/workers', null)).status).toBe(401);
    expect((await view.call('GET', '/workers/018f0000-0000-7000-8000-000000000000', tokens.agency)).status).toBe(404);
    expect((await view.call('GET', '/workers/018f0000-0000-7000-8000-000000000000/timeline', tokens.agency)).status).toBe(404);
    expect((await view.call('GET', '/workers/not-a-uuid', tokens.agency)).status).toBe(400);
  });
});
