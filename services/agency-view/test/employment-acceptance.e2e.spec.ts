import { Scopes } from '@homeward/auth';
import { eventually, testIssuer } from '@homeward/testing/infrastructure';
import { aWorker, departure, homecoming, startHarness, type RegistrationHarness } from '@homeward/registration/test/harness';
import { EMPLOYER_A, startEmploymentHarness, type EmploymentHarness } from '@homeward/employment-matching/test/harness';
import { namespaceOf } from '@homeward/mission-view/test/harness';
import { startAgencyViewHarness, type AgencyViewHarness } from './agency-view.harness';

// Issue 12's acceptance, the agency view's part, with the real services: a return recorded through the
// registration API makes a job seeker in employment-matching (from registration's topic); the office refers
// them to an employer's vacancy, the employer records the interview and the hire through employment-matching's
// API; its relay publishes on the real employment topic, and the placement shows in the agency view's
// profile, timeline and returnee pipeline ("placed").

describe('agency view and employment-matching: the placement shows in the agency view', () => {
  let registry: RegistrationHarness;
  let employment: EmploymentHarness;
  let view: AgencyViewHarness;
  let token = '';
  const area = 'PH-40';

  beforeAll(async () => {
    registry = await startHarness('agency_emp_acceptance_registry', { logLevel: 'error' });
    const ns = namespaceOf(registry.runtime.topic);
    employment = await startEmploymentHarness('agency_emp_acceptance_employment', { logLevel: 'error', env: { TOPIC_NAMESPACE: ns } });
    const issuer = await testIssuer();
    view = await startAgencyViewHarness(ns, issuer);
    token = await issuer.token({ organisationId: 'ph-peso', kind: 'agency', scopes: [Scopes.workersRead] });
  }, 120_000);
  afterAll(async () => {
    await view?.stop();
    await employment?.stop();
    await registry?.stop();
  });

  async function ok(response: Promise<{ status: number; body: Record<string, any> | undefined }>, what: string) {
    const r = await response;
    if (r.status !== 200 && r.status !== 201) throw new Error(`${what} → ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body!;
  }
  const get = async (path: string) => {
    const response = await view.call('GET', path, token);
    expect(response.status).toBe(200);
    return response.body;
  };

  it('a return makes a job seeker; referral, interview and hire; the view shows the placement and the returnee as placed', async () => {
    const workerId = (await ok(registry.call('POST', '/workers', { ...aWorker(), originArea: area }, registry.tokens.agency), 'register'))
      .workerId as string;
    await ok(registry.call('POST', `/workers/${workerId}/departures`, departure, registry.tokens.agency), 'departure');
    await ok(registry.call('POST', `/workers/${workerId}/returns`, homecoming, registry.tokens.missionSA), 'return');
    await registry.published();
    // The return reaches employment-matching on registration's topic: the returnee is a job seeker.
    const seeker = await eventually(
      () => employment.call('GET', `/job-seekers/${workerId}`),
      (r) => r.status === 200,
    );
    expect(seeker.body).toMatchObject({ status: 'active', basis: 'return', returnedOn: homecoming.returnedOn });

    const today = new Date().toISOString().slice(0, 10);
    const closingOn = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const vacancy = await ok(
      employment.call(
        'POST',
        '/vacancies',
        {
          title: 'Housekeeper, hotel',
          occupationIsco: '9111',
          location: area,
          languages: ['tl'],
          monthlyWage: { currency: 'PHP', amountMinor: 1_600_000 },
          openings: 1,
          closingOn,
        },
        employment.tokens.employerA,
      ),
      'vacancy',
    );
    const referral = await ok(employment.call('POST', '/referrals', { vacancyId: vacancy.vacancyId, workerId }), 'referral');
    const at = `/referrals/${referral.referralId}`;
    await ok(
      employment.call('POST', `${at}/interview`, { interviewedOn: today, outcome: 'passed' }, employment.tokens.employerA),
      'interview',
    );
    await ok(
      employment.call('POST', `${at}/hire`, { hiredOn: today, startsOn: today, contractType: 'permanent' }, employment.tokens.employerA),
      'hire',
    );
    await employment.published();
    await eventually(
      () => view.runtime.host.status(),
      (s) => s.serving?.lag === 0,
    );
    const profile = await eventually(
      () => get(`/workers/${workerId}`),
      (p) => p.employment?.placements?.length === 1 && p.employment.jobSeeker?.status === 'left',
    );
    expect(profile.employment.jobSeeker).toMatchObject({
      basis: 'return',
      cycleNumber: 1,
      returnedOn: homecoming.returnedOn,
      leftReason: 'placed',
    });
    expect(profile.employment.referrals).toEqual([
      expect.objectContaining({
        referralId: referral.referralId,
        vacancyTitle: 'Housekeeper, hotel',
        employerId: EMPLOYER_A,
        scoreMilli: referral.scoreMilli,
        status: 'hired',
        interviewOutcome: 'passed',
      }),
    ]);
    expect(profile.employment.placements).toEqual([
      expect.objectContaining({
        referralId: referral.referralId,
        occupationIsco: '9111',
        hiredOn: today,
        contractType: 'permanent',
        monthlyWage: { amountMinor: 1_600_000, currency: 'PHP' },
      }),
    ]);
    expect(profile.cycleDetails[0].placedOn).toBe(today);
    const placed = await get(`/returnees?returnedFrom=2024-06-01&returnedTo=2024-07-31&originArea=${area}&stage=placed`);
    expect(placed.items.map((r: any) => [r.workerId, r.stage, r.placedOn])).toEqual([[workerId, 'placed', today]]);
    const waiting = await get(`/returnees?returnedFrom=2024-06-01&returnedTo=2024-07-31&originArea=${area}`);
    expect(waiting.items.map((r: any) => r.workerId)).not.toContain(workerId);
    const timeline = await get(`/workers/${workerId}/timeline`);
    expect(timeline.items.filter((e: any) => e.source === 'employment').map((e: any) => e.type)).toEqual(
      expect.arrayContaining(['JobSeekerRegistered', 'ReferralMade', 'InterviewRecorded', 'HireRecorded', 'JobSeekerLeft']),
    );
  }, 120_000);
});
