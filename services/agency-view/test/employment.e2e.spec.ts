import { randomUUID } from 'node:crypto';
import { Scopes } from '@homeward/auth';
import {
  ContractType,
  InterviewOutcome,
  PlacementEndReason,
  PosterKind,
  SeekerBasis,
  SeekerLeaveReason,
} from '@homeward/contracts/employment/v1';
import { eventually, testIssuer } from '@homeward/testing/infrastructure';
import {
  publishEmploymentEvents,
  referralStream,
  seekerStream,
  vacancyStream,
  type EmploymentMessage,
} from '@homeward/testing/employment-events';
import { aWorker, departure, homecoming, startHarness, type RegistrationHarness } from '@homeward/registration/test/harness';
import { namespaceOf } from '@homeward/mission-view/test/harness';
import { startAgencyViewHarness, type AgencyViewHarness } from './agency-view.harness';

// Issue 12's "the placement shows in agency-view": a returnee recorded through the registration API, whose
// job search, referral, interview, hire and end of placement arrive on the real employment topic (messages
// of the generated contract, as the employment-matching service publishes them), shown in the profile, the
// timeline and the returnee pipeline's stages — and odd messages on the topic that stop nothing.

describe('agency view: job seekers, referrals and placements', () => {
  let registry: RegistrationHarness;
  let view: AgencyViewHarness;
  let ns: string;
  let token = '';
  let employerToken = '';
  const area = 'PH-02';
  const employer = 'ph-employer-tuguegarao-builders';

  beforeAll(async () => {
    registry = await startHarness('agency_employment_registry');
    const issuer = await testIssuer();
    ns = namespaceOf(registry.runtime.topic);
    view = await startAgencyViewHarness(ns, issuer);
    token = await issuer.token({ organisationId: 'ph-peso', kind: 'agency', scopes: [Scopes.workersRead] });
    employerToken = await issuer.token({ organisationId: employer, kind: 'employer', scopes: [Scopes.workersRead] });
  });
  afterAll(async () => {
    await view?.stop();
    await registry?.stop();
  });

  async function post(path: string, body: unknown, as = registry.tokens.agency) {
    const response = await registry.call('POST', path, body, as);
    if (response.status !== 200 && response.status !== 201)
      throw new Error(`POST ${path} → ${response.status}: ${JSON.stringify(response.body)}`);
    return response;
  }

  /** A worker of this file's area who left for SA and came home on 2024-06-30. */
  async function returnee(): Promise<string> {
    const id = (await post('/workers', { ...aWorker(), originArea: area })).body!.workerId as string;
    await post(`/workers/${id}/departures`, departure);
    await post(`/workers/${id}/returns`, homecoming, registry.tokens.missionSA);
    return id;
  }

  const publish = (...messages: EmploymentMessage[]) => publishEmploymentEvents(view.runtime.kafka, ns, messages);

  /** Waits until the registry has published everything and the view has applied every topic to its end. */
  const caughtUp = async () => {
    await registry.published();
    await eventually(
      () => view.runtime.host.status(),
      (s) => s.serving?.lag === 0,
    );
  };

  const get = async (path: string) => {
    const response = await view.call('GET', path, token);
    expect(response.status).toBe(200);
    return response.body;
  };
  const pipeline = (extra = '') => get(`/returnees?returnedFrom=2024-06-01&returnedTo=2024-07-31&originArea=${area}${extra}`);
  const ids = (page: { items: { workerId: string }[] }) => page.items.map((r) => r.workerId);

  it('shows the job search, the referral with its explained score, the interview and the hire; the pipeline gains "placed"', async () => {
    const worker = await returnee();
    const waiting = await returnee();
    const vacancyId = randomUUID();
    const referralId = randomUUID();
    const seeker = seekerStream(worker);
    const referral = referralStream(referralId, { organisationId: 'ph-peso', kind: 'agency' });
    // The employer records the interview, the hire and the end, on the same stream.
    const byEmployer = { actor: { organisationId: employer, kind: 'employer' as const } };
    const hire = { event: (on: string, event: Parameters<typeof referral.event>[1]) => referral.event(on, event, byEmployer) };
    await publish(
      vacancyStream(vacancyId, { organisationId: employer, kind: 'employer' }).event('2024-07-01', {
        case: 'vacancyPosted',
        value: {
          vacancyId,
          employerId: employer,
          postedBy: PosterKind.EMPLOYER,
          title: 'Building cleaner',
          occupationIsco: '9112',
          location: 'PH-02',
          languages: ['tl'],
          monthlyWage: { currency: 'PHP', amountMinor: 1_500_000n },
          openings: 3,
          closingOn: '2024-08-31',
          postedOn: '2024-07-01',
        },
      }),
      seeker.event('2024-07-01', {
        case: 'jobSeekerRegistered',
        value: {
          workerId: worker,
          registeredOn: '2024-07-01',
          basis: SeekerBasis.RETURN,
          sourceEventId: randomUUID(),
          cycleNumber: 1,
          returnedOn: '2024-06-30',
        },
      }),
      seeker.event('2024-07-02', {
        case: 'jobSeekerPreferencesSet',
        value: { workerId: worker, setOn: '2024-07-02', occupations: ['9111', '9112'], areas: ['PH-02'], willingToRelocate: false },
      }),
      referral.event('2024-07-05', {
        case: 'referralMade',
        value: {
          referralId,
          vacancyId,
          workerId: worker,
          employerId: employer,
          referredOn: '2024-07-05',
          weightsVersion: '2026-12-01',
          scoreMilli: 5500n,
          factors: [
            { name: 'occupation', weightMilli: 4000n, valueMilli: 750n, contributionMilli: 3000n, evidence: ['isco:3 digits 911'] },
            { name: 'location', weightMilli: 2500n, valueMilli: 1000n, contributionMilli: 2500n, evidence: ['origin area PH-02'] },
          ],
        },
      }),
    );
    await caughtUp();

    let profile = await get(`/workers/${worker}`);
    expect(profile.employment).toEqual({
      jobSeeker: {
        status: 'seeking',
        registeredOn: '2024-07-01',
        basis: 'return',
        cycleNumber: 1,
        returnedOn: '2024-06-30',
        occupations: ['9111', '9112'],
        areas: ['PH-02'],
        willingToRelocate: false,
        preferencesSetOn: '2024-07-02',
      },
      referrals: [
        {
          referralId,
          vacancyId,
          vacancyTitle: 'Building cleaner',
          occupationIsco: '9112',
          location: 'PH-02',
          employerId: employer,
          referredOn: '2024-07-05',
          scoreMilli: 5500,
          weightsVersion: '2026-12-01',
          factors: [
            { name: 'occupation', weightMilli: 4000, valueMilli: 750, contributionMilli: 3000, evidence: ['isco:3 digits 911'] },
            { name: 'location', weightMilli: 2500, valueMilli: 1000, contributionMilli: 2500, evidence: ['origin area PH-02'] },
          ],
          status: 'open',
        },
      ],
      placements: [],
    });
    // Referred to a vacancy, not yet placed: still waiting (a referral to a job is no reintegration referral).
    expect(ids(await pipeline())).toEqual([worker, waiting]);
    expect((await pipeline()).items.map((r: any) => r.stage)).toEqual(['waiting', 'waiting']);
    expect(ids(await pipeline('&stage=placed'))).toEqual([]);

    // An odd message and one with ids the view cannot store: dead-lettered; the hire after them is applied.
    const odd = seekerStream('not-a-worker-id');
    await publish(
      {
        event: seeker.event('2024-07-06', { case: undefined }).event,
        key: `seeker-${worker}`,
        value: Buffer.from('not an EmploymentEvent'),
      },
      odd.event('2024-07-06', {
        case: 'jobSeekerRegistered',
        value: { workerId: 'not-a-worker-id', registeredOn: '2024-07-06', basis: SeekerBasis.REQUEST },
      }),
      odd.event('2024-07-06', { case: undefined }),
      hire.event('2024-07-10', {
        case: 'interviewRecorded',
        value: { referralId, interviewedOn: '2024-07-10', outcome: InterviewOutcome.PASSED },
      }),
      hire.event('2024-07-12', {
        case: 'hireRecorded',
        value: {
          referralId,
          vacancyId,
          workerId: worker,
          hiredOn: '2024-07-12',
          startsOn: '2024-07-15',
          contractType: ContractType.PERMANENT,
          monthlyWage: { currency: 'PHP', amountMinor: 1_550_000n },
          occupationIsco: '9112',
        },
      }),
      seeker.event('2024-07-12', {
        case: 'jobSeekerLeft',
        value: { workerId: worker, leftOn: '2024-07-12', reason: SeekerLeaveReason.PLACED },
      }),
    );
    await caughtUp();
    const admin = view.runtime.kafka.admin();
    await admin.connect();
    const dlq = await admin.fetchTopicOffsets(`${ns}homeward.agency-view.dlq.v1`).finally(() => admin.disconnect());
    expect(dlq.reduce((n, p) => n + Number(p.high), 0)).toBe(2);

    profile = await get(`/workers/${worker}`);
    expect(profile.employment.jobSeeker).toMatchObject({ status: 'left', leftOn: '2024-07-12', leftReason: 'placed' });
    expect(profile.employment.referrals[0]).toMatchObject({ status: 'hired', interviewedOn: '2024-07-10', interviewOutcome: 'passed' });
    expect(profile.employment.placements).toEqual([
      {
        referralId,
        vacancyId,
        vacancyTitle: 'Building cleaner',
        employerId: employer,
        occupationIsco: '9112',
        location: 'PH-02',
        hiredOn: '2024-07-12',
        startsOn: '2024-07-15',
        contractType: 'permanent',
        monthlyWage: { amountMinor: 1_550_000, currency: 'PHP' },
      },
    ]);
    expect(profile.cycleDetails[0].placedOn).toBe('2024-07-12');
    const placed = await pipeline('&stage=placed');
    expect(placed.items).toEqual([
      expect.objectContaining({
        workerId: worker,
        stage: 'placed',
        placedOn: '2024-07-12',
        placedOccupationIsco: '9112',
        returnedOn: '2024-06-30',
      }),
    ]);
    expect(ids(await pipeline())).toEqual([waiting]);

    // The placement ends: back to waiting; the cycle keeps its first placement.
    await publish(
      hire.event('2024-09-30', {
        case: 'placementEnded',
        value: { referralId, workerId: worker, endedOn: '2024-09-30', reason: PlacementEndReason.RESIGNED },
      }),
    );
    await caughtUp();
    profile = await get(`/workers/${worker}`);
    expect(profile.employment.placements[0]).toMatchObject({ endedOn: '2024-09-30', endReason: 'resigned' });
    expect(profile.cycleDetails[0].placedOn).toBe('2024-07-12');
    expect(ids(await pipeline('&stage=placed'))).toEqual([]);
    expect(ids(await pipeline())).toEqual([worker, waiting]);

    // The timeline holds every step, after registration's; the interview found its worker by the referral.
    const timeline = await get(`/workers/${worker}/timeline`);
    expect(timeline.items.filter((e: any) => e.source === 'employment').map((e: any) => [e.type, e.occurredOn])).toEqual([
      ['JobSeekerRegistered', '2024-07-01'],
      ['JobSeekerPreferencesSet', '2024-07-02'],
      ['ReferralMade', '2024-07-05'],
      ['InterviewRecorded', '2024-07-10'],
      ['HireRecorded', '2024-07-12'],
      ['JobSeekerLeft', '2024-07-12'],
      ['PlacementEnded', '2024-09-30'],
    ]);
  });

  it('refuses a stage the pipeline does not have, with the field at fault', async () => {
    const refused = await view.call('GET', '/returnees?returnedFrom=2024-06-01&returnedTo=2024-07-31&stage=hired', token);
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ in: 'query', field: 'stage' })]);
  });

  it('is for agencies: an employer gets 403 for a profile with placements, as for any profile', async () => {
    const worker = await returnee();
    await caughtUp();
    const refused = await view.call('GET', `/workers/${worker}`, employerToken);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('access.kind-not-allowed');
  });
});
