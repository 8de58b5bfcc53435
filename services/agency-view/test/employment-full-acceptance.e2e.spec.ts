import { eventually, testIssuer } from '@homeward/testing/infrastructure';
import { aWorker, departure, startHarness, type RegistrationHarness } from '@homeward/registration/test/harness';
import { startSkillsHarness, type SkillsHarness } from '@homeward/skills-certification/test/harness';
import { startEmploymentHarness, type EmploymentHarness } from '@homeward/employment-matching/test/harness';
import { startStatisticsHarness, type StatisticsHarness } from '@homeward/statistics/test/harness';
import { namespaceOf } from '@homeward/mission-view/test/harness';
import { startAgencyViewHarness, type AgencyViewHarness } from './agency-view.harness';

// Issue 12's acceptance as one story, every service real, on the real PostgreSQL and Kafka: two returnees come
// home (registration); one is certified for a housekeeping standard (skills-certification); the certificate
// puts her first for a vacancy that requires the standard's units, and the explanation says "certified"
// (employment-matching's engine, fed by the three topics); the office refers her, the employer records the
// interview and the hire; the placement shows in the agency view and in statistics' "placed within six months
// by sex", replayed from the topics.

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const standardId = 'acceptance-housekeeping';
const UNITS = ['HHK-01', 'HHK-02', 'HHK-03'];

describe('issue 12 end to end: return, certificate, ranking, referral, hire, agency view and statistics', () => {
  let registry: RegistrationHarness;
  let skills: SkillsHarness;
  let employment: EmploymentHarness;
  let view: AgencyViewHarness;
  let statistics: StatisticsHarness;

  beforeAll(async () => {
    const issuer = await testIssuer();
    registry = await startHarness('emp_full_registry', { issuer, logLevel: 'error' });
    const ns = namespaceOf(registry.runtime.topic);
    skills = await startSkillsHarness('emp_full_skills', { issuer, env: { TOPIC_NAMESPACE: ns } });
    employment = await startEmploymentHarness('emp_full_employment', {
      issuer,
      logLevel: 'error',
      env: { TOPIC_NAMESPACE: ns },
      matchingEngine: true,
    });
    view = await startAgencyViewHarness(ns, issuer);
    statistics = await startStatisticsHarness(ns, issuer);
  }, 180_000);
  afterAll(async () => {
    await statistics?.stop();
    await view?.stop();
    await employment?.stop();
    await skills?.stop();
    await registry?.stop();
  });

  type Caller = {
    call(method: 'GET' | 'POST', url: string, body?: unknown, token?: string): Promise<{ status: number; body: any }>;
  };
  async function ok(h: Caller, method: 'GET' | 'POST', url: string, body?: unknown, token?: string) {
    const response = await h.call(method, url, body, token);
    if (response.status >= 300) throw new Error(`${method} ${url} → ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  }

  /** A statistics report replayed from the topics, as JSON: the tables by id, observations by key. */
  async function report(request: Record<string, unknown>): Promise<Map<string, Map<string, any>>> {
    const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
      const response = await statistics.runtime.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${skills.tokens.statistics}` },
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      return JSON.parse(response.body) as Record<string, any>;
    };
    const job = await call('POST', '/reports', { format: 'json', source: 'kafka', ...request });
    const done = await eventually(
      () => call('GET', `/reports/${job.id}`),
      (j) => j.status === 'succeeded' || j.status === 'failed',
    );
    expect(done.status).toBe('succeeded');
    const file = await call('GET', done.result.href);
    return new Map((file.tables as any[]).map((t) => [t.id, new Map((t.observations as any[]).map((o) => [o.key.join('|'), o.value]))]));
  }

  it('tells the whole story', async () => {
    // Two returnees of the same occupation and area, home two months ago: Ana (F) and Ben (M).
    const returnedOn = day(-60);
    const comeHome = async (sex: 'F' | 'M') => {
      const workerId = (await ok(registry, 'POST', '/workers', { ...aWorker(), sex }, registry.tokens.agency)).workerId as string;
      await ok(registry, 'POST', `/workers/${workerId}/departures`, departure, registry.tokens.agency);
      await ok(
        registry,
        'POST',
        `/workers/${workerId}/returns`,
        { returnedOn, fromCountry: 'SA', assistance: 'unassisted', reason: 'contract_completed' },
        registry.tokens.agency,
      );
      return workerId;
    };
    const ana = await comeHome('F');
    const ben = await comeHome('M');
    await registry.published();

    // Each return made a job seeker.
    for (const workerId of [ana, ben]) {
      const seeker = await eventually(
        () => employment.call('GET', `/job-seekers/${workerId}`),
        (r) => r.status === 200,
        60_000,
      );
      expect(seeker.body).toMatchObject({ status: 'active', basis: 'return', returnedOn });
    }

    // Ana is certified: the standard, an accredited assessor, counselling, an assessment, the qualification.
    await ok(
      skills,
      'POST',
      '/standards',
      {
        standardId,
        title: 'Housekeeping NC II',
        occupationIsco: '9111',
        level: 2,
        units: UNITS.map((code, i) => ({ code, title: `Housekeeping unit ${i + 1}`, escoSkills: [], evidenceRequired: ['work_sample'] })),
        effectiveFrom: '2024-01-01',
      },
      skills.tokens.standards,
    );
    const centre = await ok(
      skills,
      'POST',
      '/centres',
      { name: 'TESDA Regional Training Center III', subdivision: 'PH-03' },
      skills.tokens.centres,
    );
    await ok(
      skills,
      'POST',
      `/centres/${centre.centreId}/accreditations`,
      { assessorId: 'tesda-assessor-0042', assessorName: 'Liza Manalo', standardId, validFrom: '2024-01-01', validUntil: day(365) },
      skills.tokens.centres,
    );
    await eventually(
      () => skills.call('GET', `/candidates/${ana}`),
      (r) => r.status === 200,
    );
    await ok(
      skills,
      'POST',
      `/candidates/${ana}/counselling`,
      { counselledOn: day(-50), standardIds: [standardId] },
      skills.tokens.assessor,
    );
    await ok(
      skills,
      'POST',
      `/candidates/${ana}/assessments`,
      {
        standardId,
        centreId: centre.centreId,
        assessorId: 'tesda-assessor-0042',
        assessedOn: day(-45),
        method: 'observation',
        results: UNITS.map((unitCode) => ({ unitCode, outcome: 'competent' })),
      },
      skills.tokens.assessor,
    );
    const certificate = (
      await ok(
        skills,
        'POST',
        `/candidates/${ana}/certificates`,
        { kind: 'full_qualification', standardId, unitCodes: UNITS, issuedOn: day(-40) },
        skills.tokens.certifier,
      )
    ).certificates[0].certificateNumber as string;
    await skills.published();

    // A vacancy that requires the standard (accepted once employment-matching has read the standard).
    const vacancy = (
      await eventually(
        () =>
          employment.call(
            'POST',
            '/vacancies',
            {
              title: 'Room attendant',
              occupationIsco: '9111',
              requiredStandards: [standardId],
              location: 'PH-03',
              languages: ['tl'],
              monthlyWage: { currency: 'PHP', amountMinor: 1_800_000 },
              openings: 1,
              closingOn: day(30),
            },
            employment.tokens.employerA,
          ),
        (r) => r.status === 201,
        60_000,
      )
    ).body!;

    // The certificate puts Ana first; the explanation says "certified" and cites her certificate.
    const ranking = await eventually(
      () => employment.call('GET', `/vacancies/${vacancy.vacancyId}/matches?limit=10`),
      (r) => r.status === 200 && r.body!.results.length === 2 && r.body!.results[0].workerId === ana,
      60_000,
    );
    const [first, second] = ranking.body!.results;
    expect(second.workerId).toBe(ben);
    expect(first.scoreMilli).toBeGreaterThan(second.scoreMilli);
    const units = first.factors.find((f: { name: string }) => f.name === 'units');
    expect(units.evidence).toEqual(UNITS.map((code) => `certified ${standardId}/${code} (certificate ${certificate})`));
    expect(second.factors.find((f: { name: string }) => f.name === 'units').valueMilli).toBe(0);
    expect(ranking.body!.fairness).toMatchObject({ topK: { total: 2, women: 1, men: 1 }, pool: { total: 2, women: 1, men: 1 } });

    // Referral (scored by the engine, as shown), interview, hire.
    const referral = await ok(employment, 'POST', '/referrals', { vacancyId: vacancy.vacancyId, workerId: ana }, employment.tokens.office);
    expect(referral.scoreMilli).toBe(first.scoreMilli);
    const at = `/referrals/${referral.referralId}`;
    const today = day(0);
    await ok(employment, 'POST', `${at}/interview`, { interviewedOn: today, outcome: 'passed' }, employment.tokens.employerA);
    await ok(employment, 'POST', `${at}/hire`, { hiredOn: today, startsOn: today, contractType: 'permanent' }, employment.tokens.employerA);
    await employment.published();

    // The agency view shows the placement and Ana as placed.
    await eventually(
      () => view.runtime.host.status(),
      (s) => s.serving?.lag === 0,
    );
    const profile = await eventually(
      async () => (await view.call('GET', `/workers/${ana}`, registry.tokens.agency)).body,
      (p) => p?.employment?.placements?.length === 1,
      60_000,
    );
    expect(profile.employment.placements).toEqual([
      expect.objectContaining({ referralId: referral.referralId, occupationIsco: '9111', hiredOn: today }),
    ]);
    expect(profile.skills.certificates).toEqual([expect.objectContaining({ certificateNumber: certificate, status: 'active' })]);

    // Statistics, replayed from the topics: the return this year, placed within six months, by sex.
    const year = returnedOn.slice(0, 4);
    const tables = await report({ report: 'placements', asOf: today, period: year, frequency: 'year' });
    const headline = tables.get('placed-within-6-months-by-sex')!;
    // SEX | PLACEMENT_STATUS | EDUCATION | RECRUITMENT_CHANNEL | TIME_PERIOD
    expect(headline.get(`F|PLACED|_T|_T|${year}`)).toBe(1);
    expect(headline.get(`M|PLACED|_T|_T|${year}`)).toBe(0);
    expect(headline.get(`_T|_T|_T|_T|${year}`)).toBe(2);
  }, 300_000);
});
