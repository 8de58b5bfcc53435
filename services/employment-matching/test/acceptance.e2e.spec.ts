import { randomUUID } from 'node:crypto';
import { ReturnReason } from '@homeward/contracts/registration/v1';
import { eventually, readTopic } from '@homeward/testing/infrastructure';
import { decodeEmploymentEvent } from '../src/messaging/employment-event.proto-mapper';
import { EMPLOYER_A, startEmploymentHarness, type EmploymentHarness } from './employment.harness';
import { FixedWeightsExplainer } from './fixed-weights.explainer';
import { daysFromToday, departed, postVacancy, publishRegistration, refer, registerSeeker, registered, returned } from './employment.story';

describe('employment matching, end to end on the real PostgreSQL and Kafka', () => {
  let h: EmploymentHarness;
  beforeAll(async () => {
    h = await startEmploymentHarness('employment-acceptance', { logLevel: process.env.EMPW_LOG ?? 'warn' });
  }, 60_000);
  afterAll(() => h?.stop());

  it('posts a vacancy, refers a seeker with the engine’s explained score, interviews, hires, fills, places and ends the placement', async () => {
    const today = daysFromToday(0);
    const vacancyId = await postVacancy(h);
    const vacancy = await h.call('GET', `/vacancies/${vacancyId}`, undefined, h.tokens.employerA);
    expect(vacancy.status).toBe(200);
    expect(vacancy.body).toMatchObject({
      employerId: EMPLOYER_A,
      postedBy: 'employment_office',
      status: 'open',
      openings: 1,
      hires: 0,
      postedOn: today,
    });

    const workerId = await registerSeeker(h);
    const preferences = await h.call('PUT', `/job-seekers/${workerId}/preferences`, {
      occupations: ['9112', '5152'],
      areas: ['PH-CEB'],
      willingToRelocate: true,
    });
    expect(preferences.status).toBe(200);
    expect(preferences.body).toMatchObject({ status: 'active', basis: 'request', preferences: { occupations: ['9112', '5152'] } });

    const referral = await h.call('POST', '/referrals', { vacancyId, workerId });
    expect(referral.status).toBe(201);
    const expected = FixedWeightsExplainer.score(vacancyId, workerId);
    expect(referral.body).toMatchObject({
      vacancyId,
      workerId,
      employerId: EMPLOYER_A,
      status: 'referred',
      scoreMilli: expected.scoreMilli,
      weightsVersion: expected.weightsVersion,
      factors: expected.factors,
    });
    const referralId = referral.body!.referralId as string;

    // The employer records the interview and the hire on the referral to its own vacancy.
    expect(
      (await h.call('POST', `/referrals/${referralId}/interview`, { interviewedOn: today, outcome: 'passed' }, h.tokens.employerA)).status,
    ).toBe(200);
    const hire = await h.call(
      'POST',
      `/referrals/${referralId}/hire`,
      { hiredOn: today, startsOn: today, contractType: 'permanent' },
      h.tokens.employerA,
    );
    expect(hire.status).toBe(200);
    expect(hire.body).toMatchObject({
      status: 'hired',
      hire: { occupationIsco: '9112', monthlyWage: { currency: 'PHP', amountMinor: 1_800_000 } },
    });

    // The only opening is taken: the vacancy is filled, the seeker leaves the register as placed, in the hire's transaction.
    expect((await h.call('GET', `/vacancies/${vacancyId}`)).body).toMatchObject({ status: 'filled', hires: 1, filledOn: today });
    expect((await h.call('GET', `/job-seekers/${workerId}`)).body).toMatchObject({ status: 'left', leaveReason: 'placed' });

    const ended = await h.call(
      'POST',
      `/referrals/${referralId}/placement-end`,
      { endedOn: today, reason: 'contract_completed' },
      h.tokens.employerA,
    );
    expect(ended.status).toBe(200);

    // The employer's read model: its referrals with their state, interview, hire and placement.
    const list = await h.call('GET', `/vacancies/${vacancyId}/referrals`, undefined, h.tokens.employerA);
    expect(list.status).toBe(200);
    expect(list.body!.items).toEqual([
      expect.objectContaining({
        referralId,
        status: 'placement_ended',
        scoreMilli: expected.scoreMilli,
        interviews: [{ interviewedOn: today, outcome: 'passed' }],
        hire: expect.objectContaining({ hiredOn: today, contractType: 'permanent' }),
        placementEndedOn: today,
        placementEndReason: 'contract_completed',
      }),
    ]);

    // Everything is published on the employment topic, the referral with its explanation.
    await h.published();
    const cases = [
      'vacancyPosted',
      'jobSeekerRegistered',
      'jobSeekerPreferencesSet',
      'referralMade',
      'interviewRecorded',
      'hireRecorded',
      'vacancyFilled',
      'jobSeekerLeft',
      'placementEnded',
    ];
    const mine = new Set([`vacancy-${vacancyId}`, `seeker-${workerId}`, `referral-${referralId}`]);
    const messages = (
      await readTopic(
        h.runtime.topic,
        (m) => ({ key: m.key, event: decodeEmploymentEvent(m.value!) }),
        (read) => cases.every((c) => read.some((r) => mine.has(r.key!) && r.event.event.case === c)),
        60_000,
      )
    ).filter((m) => mine.has(m.key!));
    const made = messages.find((m) => m.event.event.case === 'referralMade')!;
    expect(made.key).toBe(`referral-${referralId}`);
    const value = made.event.event.value as { scoreMilli: bigint; factors: { contributionMilli: bigint }[] };
    expect(Number(value.scoreMilli)).toBe(expected.scoreMilli);
    expect(value.factors.reduce((sum, f) => sum + Number(f.contributionMilli), 0)).toBe(expected.scoreMilli);
    expect(messages.map((m) => m.event.event.case).sort()).toEqual([...cases].sort());
  }, 180_000);

  it('closes the referrals still waiting when the vacancy is filled or withdrawn, leaving hires be', async () => {
    const today = daysFromToday(0);
    const hire = { hiredOn: today, startsOn: today, contractType: 'permanent' };
    const filledVacancy = await postVacancy(h, { openings: 1 });
    const [taken, waiting] = [
      await refer(h, filledVacancy, await registerSeeker(h)),
      await refer(h, filledVacancy, await registerSeeker(h)),
    ];
    expect((await h.call('POST', `/referrals/${taken}/hire`, hire)).status).toBe(200);
    expect((await h.call('GET', `/referrals/${waiting}`)).body).toMatchObject({
      status: 'closed',
      closeReason: 'vacancy_filled',
      closedOn: today,
    });

    const withdrawnVacancy = await postVacancy(h, { openings: 3 });
    const [hired, pending] = [
      await refer(h, withdrawnVacancy, await registerSeeker(h)),
      await refer(h, withdrawnVacancy, await registerSeeker(h)),
    ];
    expect((await h.call('POST', `/referrals/${hired}/hire`, hire)).status).toBe(200);
    expect(
      (await h.call('POST', `/vacancies/${withdrawnVacancy}/withdraw`, { reason: 'the hotel closed' }, h.tokens.employerA)).status,
    ).toBe(200);
    expect((await h.call('GET', `/referrals/${pending}`)).body).toMatchObject({ status: 'closed', closeReason: 'vacancy_withdrawn' });
    expect((await h.call('GET', `/referrals/${hired}`)).body).toMatchObject({ status: 'hired' });
    const list = await h.call('GET', `/vacancies/${withdrawnVacancy}/referrals`, undefined, h.tokens.employerA);
    expect(list.body!.items.map((r: { referralId: string; status: string }) => [r.referralId, r.status]).sort()).toEqual(
      [
        [hired, 'hired'],
        [pending, 'closed'],
      ].sort(),
    );
  }, 30_000);

  it('pages the vacancies, an employer seeing only its own', async () => {
    const mine = await postVacancy(h, { employerId: undefined, title: 'Cook' }, h.tokens.employerA);
    const theirs = await postVacancy(h, { employerId: undefined, title: 'Mason', occupationIsco: '7112' }, h.tokens.employerB);
    const asA = await h.call('GET', '/vacancies?limit=100', undefined, h.tokens.employerA);
    expect(asA.status).toBe(200);
    const idsA = asA.body!.items.map((v: { vacancyId: string }) => v.vacancyId);
    expect(idsA).toContain(mine);
    expect(idsA).not.toContain(theirs);
    expect(asA.body!.items.every((v: { employerId: string }) => v.employerId === EMPLOYER_A)).toBe(true);
    // The office pages through everything, one at a time, and meets both.
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await h.call('GET', `/vacancies?limit=1${after ? `&after=${after}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body!.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.body!.items.map((v: { vacancyId: string }) => v.vacancyId));
      after = page.body!.next;
    } while (after);
    expect(seen).toEqual(expect.arrayContaining([mine, theirs]));
    expect(new Set(seen).size).toBe(seen.length);
  }, 30_000);

  it('makes a job seeker of a return on registration’s topic, once, and lets them go on re-migration', async () => {
    const workerId = randomUUID();
    const [, , returnEventId] = await publishRegistration(h.config.TOPIC_NAMESPACE, workerId, [
      { on: '2023-01-10', event: registered(workerId) },
      { on: '2023-02-01', event: departed(workerId, 1, '2023-02-01') },
      { on: '2025-05-01', event: returned(workerId, 1, '2025-05-01') },
    ]);
    const seeker = await eventually(
      () => h.call('GET', `/job-seekers/${workerId}`),
      (r) => r.status === 200,
    );
    expect(seeker.body).toMatchObject({ workerId, status: 'active', basis: 'return', cycleNumber: 1, returnedOn: '2025-05-01' });
    // The same return delivered again (the topic is at-least-once), and another return while seeking work: nothing more.
    await publishRegistration(h.config.TOPIC_NAMESPACE, workerId, [
      { on: '2025-05-01', event: returned(workerId, 1, '2025-05-01'), eventId: returnEventId!, version: 3 },
      { on: '2025-05-02', event: returned(workerId, 1, '2025-05-02'), version: 4 },
    ]);
    await eventually(
      async () => (await h.db.pool.query(`SELECT count(*)::int AS n FROM handled_messages`)).rows[0].n as number,
      (n) => n >= 4,
    );
    const { rows } = await h.db.pool.query(`SELECT data FROM events WHERE stream_id = $1`, [`seeker-${workerId}`]);
    expect(rows).toHaveLength(1);
    expect(rows[0].data.sourceEventId).toBe(returnEventId);

    // A departure of a later cycle after the registration: re-migrated.
    await publishRegistration(h.config.TOPIC_NAMESPACE, workerId, [
      { on: daysFromToday(0), event: departed(workerId, 2, daysFromToday(0)) },
    ]);
    const left = await eventually(
      () => h.call('GET', `/job-seekers/${workerId}`),
      (r) => r.body?.status === 'left',
    );
    expect(left.body).toMatchObject({ leaveReason: 'remigrated' });
  }, 60_000);

  it('records a return for death as the seeker’s leaving, and makes no seeker of it', async () => {
    const active = await registerSeeker(h);
    await publishRegistration(h.config.TOPIC_NAMESPACE, active, [
      { on: '2025-06-01', event: returned(active, 1, '2025-06-01', ReturnReason.DEATH) },
    ]);
    const left = await eventually(
      () => h.call('GET', `/job-seekers/${active}`),
      (r) => r.body?.status === 'left',
    );
    expect(left.body).toMatchObject({ leaveReason: 'deceased' });
  }, 60_000);

  it('answers a retried referral with its Idempotency-Key once, without a second referral', async () => {
    const vacancyId = await postVacancy(h, { openings: 3 });
    const workerId = await registerSeeker(h);
    const key = { 'idempotency-key': `refer-${workerId}` };
    const first = await h.call('POST', '/referrals', { vacancyId, workerId }, h.tokens.office, key);
    const again = await h.call('POST', '/referrals', { vacancyId, workerId }, h.tokens.office, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body!.referralId).toBe(first.body!.referralId);
    const { rows } = await h.db.pool.query(`SELECT count(*)::int AS n FROM referrals WHERE vacancy_id = $1`, [vacancyId]);
    expect(rows[0].n).toBe(1);
  }, 30_000);
});
