import { randomUUID } from 'node:crypto';
import { EMPLOYER_A, startEmploymentHarness, type EmploymentHarness } from './employment.harness';
import { daysFromToday, postVacancy, refer, registerSeeker, vacancyBody } from './employment.story';

// The bad input of the issue: each answered 4xx as a problem with its code and the field at fault, and
// nothing written — no event, no idempotency record, no read-table row, no stream touched.

describe('refusals, on the real PostgreSQL and Kafka', () => {
  let h: EmploymentHarness;
  beforeAll(async () => {
    h = await startEmploymentHarness('employment-refusals');
    await h.knowStandard('rmcs-housekeeping', ['HHK-01', 'HHK-02', 'HHK-03']);
  }, 60_000);
  afterAll(() => h?.stop());

  const streamOf = async (streamId: string) =>
    (await h.db.pool.query(`SELECT stream_version, event_type FROM events WHERE stream_id = $1 ORDER BY stream_version`, [streamId])).rows;

  /** Sends the request (with an Idempotency-Key, so that a half-written key would show) and checks that nothing changed. */
  async function refused(
    request: { method: 'GET' | 'POST' | 'PUT'; url: string; body?: unknown; token?: string },
    status: number,
    code: string,
    field: string | undefined,
    streams: readonly string[] = [],
  ) {
    const before = { counts: await h.counts(), streams: await Promise.all(streams.map(streamOf)) };
    const answer = await h.call(request.method, request.url, request.body, request.token ?? h.tokens.office, {
      'idempotency-key': randomUUID(),
    });
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(answer.body!.code).toBe(code);
    if (field !== undefined) expect(answer.body!.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect({ counts: await h.counts(), streams: await Promise.all(streams.map(streamOf)) }).toEqual(before);
    return answer;
  }

  it('refuses an unknown ISCO-08 code (400 validation.unknown-occupation), writing nothing', async () => {
    await refused(
      { method: 'POST', url: '/vacancies', body: vacancyBody({ occupationIsco: '0000' }) },
      400,
      'validation.unknown-occupation',
      'occupationIsco',
    );
  });

  it('refuses an unknown subdivision, language and currency, each with its field', async () => {
    const answer = await refused(
      {
        method: 'POST',
        url: '/vacancies',
        body: vacancyBody({ location: 'PH-ZZZ', languages: ['en', 'qq'], monthlyWage: { currency: 'XYZ', amountMinor: 100 } }),
      },
      400,
      'validation.unknown-subdivision',
      'location',
    );
    expect(answer.body!.errors.map((e: { code: string }) => e.code)).toEqual([
      'validation.unknown-subdivision',
      'validation.unknown-language',
      'validation.unknown-currency',
    ]);
  });

  it('refuses a closing date in the past (422 employment.closing-date-in-past)', async () => {
    await refused(
      { method: 'POST', url: '/vacancies', body: vacancyBody({ closingOn: daysFromToday(-1) }) },
      422,
      'employment.closing-date-in-past',
      'closingOn',
    );
  });

  it('refuses a negative wage (422 employment.wage-negative)', async () => {
    await refused(
      { method: 'POST', url: '/vacancies', body: vacancyBody({ monthlyWage: { currency: 'PHP', amountMinor: -500 } }) },
      422,
      'employment.wage-negative',
      'monthlyWage.amountMinor',
    );
  });

  it('refuses no openings, and a requirement of no published standard', async () => {
    await refused({ method: 'POST', url: '/vacancies', body: vacancyBody({ openings: 0 }) }, 422, 'employment.no-openings', 'openings');
    await refused(
      { method: 'POST', url: '/vacancies', body: vacancyBody({ requiredStandards: ['rmcs-welding'] }) },
      422,
      'employment.unknown-standard',
      'requiredStandards.0',
    );
  });

  it('refuses a referral to a closed vacancy (422 employment.vacancy-closed)', async () => {
    const vacancyId = await postVacancy(h);
    expect((await h.call('POST', `/vacancies/${vacancyId}/close`, {})).status).toBe(200);
    const workerId = await registerSeeker(h);
    await refused({ method: 'POST', url: '/referrals', body: { vacancyId, workerId } }, 422, 'employment.vacancy-closed', 'vacancyId', [
      `vacancy-${vacancyId}`,
      `seeker-${workerId}`,
    ]);
  });

  it('refuses a second live referral of the same seeker to the same vacancy (409)', async () => {
    const vacancyId = await postVacancy(h);
    const workerId = await registerSeeker(h);
    await refer(h, vacancyId, workerId);
    await refused(
      { method: 'POST', url: '/referrals', body: { vacancyId, workerId } },
      409,
      'employment.referral-already-live',
      'workerId',
    );
  });

  it('refuses a referral the matching engine cannot score', async () => {
    const vacancyId = await postVacancy(h);
    const workerId = await registerSeeker(h);
    h.explainer.unknown.add(workerId);
    await refused({ method: 'POST', url: '/referrals', body: { vacancyId, workerId } }, 422, 'employment.match-unavailable', 'workerId');
  });

  it('has no hire without a referral: there is no /hires, and a hire on no referral is 404', async () => {
    const hire = { hiredOn: daysFromToday(0), startsOn: daysFromToday(0), contractType: 'permanent' };
    const noRoute = await refused(
      { method: 'POST', url: '/hires', body: { ...hire, vacancyId: randomUUID(), workerId: randomUUID() } },
      404,
      'request.unknown-route',
      undefined,
    );
    expect(noRoute.status).toBe(404);
    const referralId = randomUUID();
    await refused({ method: 'POST', url: `/referrals/${referralId}/hire`, body: hire }, 404, 'referral.not-found', 'referralId', [
      `referral-${referralId}`,
    ]);
  });

  it('refuses a hire on a closed referral, and on one the filling of the vacancy closed', async () => {
    const vacancyId = await postVacancy(h);
    const closed = await refer(h, vacancyId, await registerSeeker(h));
    expect((await h.call('POST', `/referrals/${closed}/close`, { reason: 'not_selected' })).status).toBe(200);
    const hire = { hiredOn: daysFromToday(0), startsOn: daysFromToday(0), contractType: 'permanent' };
    await refused({ method: 'POST', url: `/referrals/${closed}/hire`, body: hire }, 422, 'employment.referral-closed', undefined, [
      `referral-${closed}`,
    ]);
    const first = await refer(h, vacancyId, await registerSeeker(h));
    const second = await refer(h, vacancyId, await registerSeeker(h));
    expect((await h.call('POST', `/referrals/${first}/hire`, hire)).status).toBe(200);
    // The fill closed the other waiting referral with the vacancy: no hire is left to record on it.
    expect((await h.call('GET', `/referrals/${second}`)).body).toMatchObject({ status: 'closed', closeReason: 'vacancy_filled' });
    await refused({ method: 'POST', url: `/referrals/${second}/hire`, body: hire }, 422, 'employment.referral-closed', undefined, [
      `referral-${second}`,
      `vacancy-${vacancyId}`,
    ]);
  });

  it('answers an employer acting on another employer’s vacancy as if it did not exist (404), writing nothing', async () => {
    const vacancyId = await postVacancy(h, { employerId: EMPLOYER_A });
    const referralId = await refer(h, vacancyId, await registerSeeker(h));
    await refused(
      { method: 'POST', url: `/vacancies/${vacancyId}/close`, body: {}, token: h.tokens.employerB },
      404,
      'vacancy.not-found',
      'vacancyId',
      [`vacancy-${vacancyId}`],
    );
    await refused(
      { method: 'POST', url: `/vacancies/${vacancyId}/withdraw`, body: { reason: 'not mine' }, token: h.tokens.employerB },
      404,
      'vacancy.not-found',
      'vacancyId',
      [`vacancy-${vacancyId}`],
    );
    await refused(
      {
        method: 'POST',
        url: `/referrals/${referralId}/interview`,
        body: { interviewedOn: daysFromToday(0), outcome: 'passed' },
        token: h.tokens.employerB,
      },
      404,
      'referral.not-found',
      'referralId',
      [`referral-${referralId}`],
    );
    await refused(
      { method: 'GET', url: `/vacancies/${vacancyId}/referrals`, token: h.tokens.employerB },
      404,
      'vacancy.not-found',
      'vacancyId',
    );
  });

  it('refuses an employer posting for another organisation (403), and the office posting for none', async () => {
    await refused(
      { method: 'POST', url: '/vacancies', body: vacancyBody({ employerId: 'someone-else' }), token: h.tokens.employerA },
      403,
      'access.not-own-organisation',
      undefined,
    );
    await refused(
      { method: 'POST', url: '/vacancies', body: vacancyBody({ employerId: undefined }) },
      403,
      'access.not-own-organisation',
      undefined,
    );
  });

  it('refuses a change on a stale ETag (412), and applies it on the current one', async () => {
    const vacancyId = await postVacancy(h);
    const current = await h.call('GET', `/vacancies/${vacancyId}`);
    const before = await h.counts();
    const stale = await h.call('POST', `/vacancies/${vacancyId}/close`, {}, h.tokens.office, { 'if-match': '"7"' });
    expect(stale.status).toBe(412);
    expect(stale.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(await h.counts()).toEqual(before);
    const closed = await h.call('POST', `/vacancies/${vacancyId}/close`, {}, h.tokens.office, {
      'if-match': current.headers.etag as string,
    });
    expect(closed.status).toBe(200);
    expect(closed.headers.etag).toBe('"2"');
  });

  it('refuses the end of a placement before it started, and one with no hire', async () => {
    const vacancyId = await postVacancy(h);
    const referralId = await refer(h, vacancyId, await registerSeeker(h));
    await refused(
      { method: 'POST', url: `/referrals/${referralId}/placement-end`, body: { endedOn: daysFromToday(0), reason: 'resigned' } },
      422,
      'employment.placement-not-started',
      undefined,
      [`referral-${referralId}`],
    );
    const today = daysFromToday(0);
    expect(
      (await h.call('POST', `/referrals/${referralId}/hire`, { hiredOn: today, startsOn: daysFromToday(1), contractType: 'fixed_term' }))
        .status,
    ).toBe(200);
    await refused(
      { method: 'POST', url: `/referrals/${referralId}/placement-end`, body: { endedOn: today, reason: 'resigned' } },
      422,
      'employment.placement-end-before-start',
      'endedOn',
      [`referral-${referralId}`],
    );
  });
});
