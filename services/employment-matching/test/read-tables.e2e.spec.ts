import { withTransaction } from '@homeward/pg-kit';
import { ReadTables } from '../src/persistence/read-tables';
import { rebuildReadTables } from '../src/persistence/read-tables.rebuild';
import { startEmploymentHarness, type EmploymentHarness } from './employment.harness';
import { daysFromToday, postVacancy, refer, registerSeeker } from './employment.story';

// The read tables written in each command's transaction hold exactly what the events say: rebuilt from the
// event store alone, they come out row for row the same.

describe('the write side’s read tables', () => {
  let h: EmploymentHarness;
  beforeAll(async () => {
    h = await startEmploymentHarness('employment-read-tables');
  }, 60_000);
  afterAll(() => h?.stop());

  const snapshot = async () => ({
    vacancies: (await h.db.pool.query('SELECT * FROM vacancies ORDER BY vacancy_id')).rows,
    referrals: (await h.db.pool.query('SELECT * FROM referrals ORDER BY referral_id')).rows,
  });

  it('are rebuilt from the events row for row as the commands left them', async () => {
    const today = daysFromToday(0);
    const hire = { hiredOn: today, startsOn: today, contractType: 'casual' };
    const open = await postVacancy(h, { openings: 2 });
    const filled = await postVacancy(h, { openings: 1 });
    const withdrawn = await postVacancy(h, { openings: 2 });
    const r1 = await refer(h, open, await registerSeeker(h));
    await refer(h, open, await registerSeeker(h));
    expect((await h.call('POST', `/referrals/${r1}/interview`, { interviewedOn: today, outcome: 'passed' })).status).toBe(200);
    expect((await h.call('POST', `/referrals/${r1}/hire`, hire)).status).toBe(200);
    expect((await h.call('POST', `/referrals/${r1}/placement-end`, { endedOn: today, reason: 'other' })).status).toBe(200);
    const r3 = await refer(h, filled, await registerSeeker(h));
    await refer(h, filled, await registerSeeker(h));
    expect((await h.call('POST', `/referrals/${r3}/hire`, hire)).status).toBe(200);
    await refer(h, withdrawn, await registerSeeker(h));
    expect((await h.call('POST', `/vacancies/${withdrawn}/withdraw`, { reason: 'cancelled' })).status).toBe(200);
    expect((await h.call('POST', `/vacancies/${open}/close`, {})).status).toBe(200);

    const before = await snapshot();
    expect(before.vacancies).toHaveLength(3);
    expect(before.referrals).toHaveLength(5);
    const counted = await withTransaction(h.db.pool, (client) => rebuildReadTables(client, new ReadTables(h.db.pool)));
    expect(counted).toEqual({ vacancies: 3, referrals: 5 });
    expect(await snapshot()).toEqual(before);
  }, 30_000);
});
