import { randomUUID } from 'node:crypto';
import {
  EMPLOYER_A,
  EMPLOYER_B,
  PRINCIPALS,
  startEmploymentHarness,
  type EmploymentHarness,
  type PrincipalName,
} from './employment.harness';
import { daysFromToday, postVacancy, refer, registerSeeker } from './employment.story';

// Every principal × every record × every operation, generated: who may act on whose vacancy and referral.
// An employer acts only on its own; another employer's record answers 404 exactly as one that does not exist;
// missions, statistics offices and agencies without the employment scopes are refused by kind or scope (403).

type Owner = 'A' | 'B';
type Kind = 'vacancy' | 'referral';
interface Operation {
  readonly name: string;
  readonly on: Kind;
  /** The employer may do it on its own record (the office always may). */
  readonly employerMay: boolean;
  readonly request: (ids: { vacancyId: string; referralId: string; freshSeeker: string }) => {
    method: 'GET' | 'POST';
    url: string;
    body?: unknown;
  };
}

const today = daysFromToday(0);
const OPERATIONS: readonly Operation[] = [
  {
    name: 'read the vacancy',
    on: 'vacancy',
    employerMay: true,
    request: ({ vacancyId }) => ({ method: 'GET', url: `/vacancies/${vacancyId}` }),
  },
  {
    name: 'close the vacancy',
    on: 'vacancy',
    employerMay: true,
    request: ({ vacancyId }) => ({ method: 'POST', url: `/vacancies/${vacancyId}/close`, body: {} }),
  },
  {
    name: 'withdraw the vacancy',
    on: 'vacancy',
    employerMay: true,
    request: ({ vacancyId }) => ({ method: 'POST', url: `/vacancies/${vacancyId}/withdraw`, body: { reason: 'posted in error' } }),
  },
  {
    name: 'list the vacancy’s referrals',
    on: 'vacancy',
    employerMay: true,
    request: ({ vacancyId }) => ({ method: 'GET', url: `/vacancies/${vacancyId}/referrals` }),
  },
  {
    name: 'refer a seeker to the vacancy',
    on: 'vacancy',
    employerMay: false,
    request: ({ vacancyId, freshSeeker }) => ({ method: 'POST', url: '/referrals', body: { vacancyId, workerId: freshSeeker } }),
  },
  {
    name: 'read the referral',
    on: 'referral',
    employerMay: true,
    request: ({ referralId }) => ({ method: 'GET', url: `/referrals/${referralId}` }),
  },
  {
    name: 'record an interview',
    on: 'referral',
    employerMay: true,
    request: ({ referralId }) => ({
      method: 'POST',
      url: `/referrals/${referralId}/interview`,
      body: { interviewedOn: today, outcome: 'pending' },
    }),
  },
  {
    name: 'close the referral',
    on: 'referral',
    employerMay: true,
    request: ({ referralId }) => ({ method: 'POST', url: `/referrals/${referralId}/close`, body: { reason: 'declined_by_seeker' } }),
  },
  {
    name: 'record a hire',
    on: 'referral',
    employerMay: true,
    request: ({ referralId }) => ({
      method: 'POST',
      url: `/referrals/${referralId}/hire`,
      body: { hiredOn: today, startsOn: today, contractType: 'casual' },
    }),
  },
];

type Expected = 'allowed' | 'forbidden' | 'not-found';

/** The rule, stated once: what the answer must be. */
function expected(principal: PrincipalName, owner: Owner, operation: Operation): Expected {
  switch (principal) {
    case 'office':
      return 'allowed';
    case 'agency':
    case 'mission':
    case 'statistics':
      return 'forbidden';
    case 'employerA':
    case 'employerB': {
      if (!operation.employerMay) return 'forbidden';
      const own = (principal === 'employerA') === (owner === 'A');
      return own ? 'allowed' : 'not-found';
    }
  }
}

const combinations = PRINCIPALS.flatMap((principal) =>
  (['A', 'B'] as const).flatMap((owner) =>
    OPERATIONS.map((operation) => ({ principal, owner, operation, expected: expected(principal, owner, operation) })),
  ),
);

describe('access to vacancies and referrals, for every principal, record and operation', () => {
  let h: EmploymentHarness;
  beforeAll(async () => {
    h = await startEmploymentHarness('employment-access');
  }, 60_000);
  afterAll(() => h?.stop());

  it('covers every combination', () => {
    expect(combinations).toHaveLength(PRINCIPALS.length * 2 * OPERATIONS.length);
    // Each outcome occurs, so that the matrix is no list of one answer.
    expect(new Set(combinations.map((c) => c.expected))).toEqual(new Set(['allowed', 'forbidden', 'not-found']));
  });

  it.each(
    combinations.map(
      (c) =>
        [
          `${c.principal} may ${c.expected === 'allowed' ? '' : 'not '}${c.operation.name} of ${c.owner}’s ${c.operation.on}: ${c.expected}`,
          c,
        ] as const,
    ),
  )(
    '%s',
    async (_title, { principal, owner, operation, expected: outcome }) => {
      const vacancyId = await postVacancy(h, { employerId: owner === 'A' ? EMPLOYER_A : EMPLOYER_B, openings: 2 });
      const referralId = await refer(h, vacancyId, await registerSeeker(h));
      const freshSeeker = await registerSeeker(h, randomUUID());
      const before = await h.counts();
      const { method, url, body } = operation.request({ vacancyId, referralId, freshSeeker });
      const answer = await h.call(method, url, body, h.tokens[principal]);
      if (outcome === 'allowed') {
        expect([200, 201]).toContain(answer.status);
        return;
      }
      expect(answer.status).toBe(outcome === 'forbidden' ? 403 : 404);
      expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(answer.body!.code).toMatch(outcome === 'forbidden' ? /^access\./ : /\.not-found$/);
      // Another employer's record answers exactly as one that does not exist.
      if (outcome === 'not-found') {
        const missing = operation.request({ vacancyId: randomUUID(), referralId: randomUUID(), freshSeeker });
        const none = await h.call(missing.method, missing.url, missing.body, h.tokens[principal]);
        expect(none.status).toBe(404);
        expect(none.body!.code).toBe(answer.body!.code);
      }
      expect(await h.counts()).toEqual(before);
    },
    30_000,
  );

  it('shows an employer only its own vacancies in the list, and the others none at all', async () => {
    await postVacancy(h, { employerId: EMPLOYER_B });
    const asA = await h.call('GET', '/vacancies?limit=100', undefined, h.tokens.employerA);
    expect(asA.body!.items.length).toBeGreaterThan(0);
    expect(asA.body!.items.every((v: { employerId: string }) => v.employerId === EMPLOYER_A)).toBe(true);
    for (const who of ['agency', 'mission', 'statistics'] as const)
      expect((await h.call('GET', '/vacancies', undefined, h.tokens[who])).status).toBe(403);
  });

  it('keeps job seekers to the employment office', async () => {
    const workerId = await registerSeeker(h);
    for (const who of ['employerA', 'employerB', 'agency', 'mission', 'statistics'] as const) {
      expect((await h.call('GET', `/job-seekers/${workerId}`, undefined, h.tokens[who])).status).toBe(403);
      expect((await h.call('POST', '/job-seekers', { workerId: randomUUID() }, h.tokens[who])).status).toBe(403);
    }
  });
});
