import { startEmploymentHarness, type EmploymentHarness } from './employment.harness';
import { daysFromToday, postVacancy, refer, registerSeeker } from './employment.story';

// Commands that race: what one transaction decides on must still hold when it commits.

describe('racing commands, on the real PostgreSQL', () => {
  let h: EmploymentHarness;
  beforeAll(async () => {
    h = await startEmploymentHarness('employment-concurrency');
  }, 60_000);
  afterAll(() => h?.stop());

  it('lets only one of many officers referring the same seeker to the same vacancy at once succeed', async () => {
    const vacancyId = await postVacancy(h, { openings: 3 });
    const workerId = await registerSeeker(h);
    const answers = await Promise.all(Array.from({ length: 6 }, () => h.call('POST', '/referrals', { vacancyId, workerId })));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    for (const refused of answers.filter((a) => a.status !== 201)) {
      expect(refused.status).toBe(409);
      expect(refused.body!.code).toBe('employment.referral-already-live');
    }
    const { rows } = await h.db.pool.query(
      `SELECT count(*)::int AS n FROM events WHERE event_type = 'ReferralMade' AND data->>'vacancyId' = $1`,
      [vacancyId],
    );
    expect(rows[0].n).toBe(1);
  }, 30_000);

  it('never hires more seekers than a vacancy has openings, however many hires race', async () => {
    const vacancyId = await postVacancy(h, { openings: 2 });
    const referrals = [];
    for (let i = 0; i < 6; i++) referrals.push(await refer(h, vacancyId, await registerSeeker(h)));
    const today = daysFromToday(0);
    const answers = await Promise.all(
      referrals.map((id) => h.call('POST', `/referrals/${id}/hire`, { hiredOn: today, startsOn: today, contractType: 'permanent' })),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(2);
    // Refused because the last opening went while it waited (decided on the filled vacancy), or because the fill
    // had already closed its referral when it began.
    for (const refused of answers.filter((a) => a.status !== 200)) {
      expect(refused.status).toBe(422);
      expect(['employment.vacancy-no-openings-left', 'employment.referral-closed']).toContain(refused.body!.code);
    }
    const vacancy = await h.call('GET', `/vacancies/${vacancyId}`);
    expect(vacancy.body).toMatchObject({ status: 'filled', hires: 2 });
    const { rows } = await h.db.pool.query(
      `SELECT event_type, count(*)::int AS n FROM events WHERE stream_id = $1 OR (event_type = 'HireRecorded' AND data->>'vacancyId' = $2) GROUP BY event_type ORDER BY event_type`,
      [`vacancy-${vacancyId}`, vacancyId],
    );
    expect(rows).toEqual([
      { event_type: 'HireRecorded', n: 2 },
      { event_type: 'VacancyFilled', n: 1 },
      { event_type: 'VacancyPosted', n: 1 },
    ]);
  }, 30_000);
});
