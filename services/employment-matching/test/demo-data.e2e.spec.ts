import { randomUUID } from 'node:crypto';
import { DEMO_STANDARDS } from '@homeward/demo-data/skills-writer';
import { demoEmployers, writeEmploymentDemo, type DemoSeeker } from '@homeward/demo-data/employment-writer';
import { startEmploymentHarness, type EmploymentHarness } from './employment.harness';

// `npm start`'s employment demo (packages/demo-data employment.writer.ts) against the running service: what it
// writes goes through the public API (employers with their own tokens, the office for the others), it can be
// run twice without writing anything twice (the same Idempotency-Keys with the same bodies: a changed body
// would be refused), and employers see only their own vacancies.

describe('the employment demo data', () => {
  let h: EmploymentHarness;
  const employerTokens: Record<string, string> = {};

  beforeAll(async () => {
    h = await startEmploymentHarness('employment_demo', { logLevel: 'error' });
    // What skills-certification's topic tells the service of the skills demo's standards.
    for (const s of DEMO_STANDARDS)
      await h.knowStandard(
        s.standardId,
        s.units.map((u) => u.code),
      );
    for (const e of demoEmployers('PH').filter((e) => e.selfService))
      employerTokens[e.employerId] = await h.issue({
        organisationId: e.employerId,
        kind: 'employer',
        scopes: ['employment:vacancies', 'employment:referrals', 'employment:read'],
      });
  }, 60_000);
  afterAll(() => h?.stop());

  /** The writer's fetch, answered by the service in process. */
  const inProcess: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const response = await h.runtime.app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: `${url.pathname}${url.search}`,
      headers: init?.headers as Record<string, string>,
      ...(init?.body === undefined ? {} : { payload: init.body as string }),
    });
    return new Response(response.statusCode === 204 ? null : response.body, { status: response.statusCode });
  };

  /** Returnees of the trades the demo employers hire in, from the areas where most PH returnees live. */
  const seekers: DemoSeeker[] = [
    ['5322'],
    ['5322', '9111'],
    ['7212'],
    ['7212', '7233'],
    ['9111'],
    ['9111'],
    ['9112'],
    ['5120', '5131'],
    ['7112'],
    ['9313'],
    ['8322'],
    ['8332'],
    ['5321'],
    ['9111', '5322'],
  ].map((occupations, i) => ({ workerId: randomUUID(), originArea: ['PH-40', 'PH-03', 'PH-00'][i % 3]!, occupations }));

  it('posts vacancies, sets preferences and refers, interviews and hires — and a second run writes nothing', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const options = {
      baseUrl: 'http://employment.homeward.test',
      officeToken: h.tokens.office,
      employerTokens,
      seekers,
      today,
      seed: 7,
      fetch: inProcess,
      waitMs: 1000,
    };
    // The demo's returnees are registered workers: registration's topic has announced them to the service.
    for (const seeker of seekers) await h.knowWorker(seeker.workerId);
    const report = await writeEmploymentDemo(options);
    expect(report.failures).toEqual([]);
    expect(report.skipped).toEqual([]);
    const specs = demoEmployers('PH').flatMap((e) => e.vacancies);
    expect(report.vacancies).toBe(specs.length);
    expect(report.seekers).toBe(seekers.length);
    expect(report.preferences).toBeGreaterThan(0);
    expect(report.referrals).toBeGreaterThanOrEqual(8);
    expect(report.hires).toBeGreaterThan(0);
    expect(report.interviews).toBeGreaterThan(report.hires);
    const counts = await h.counts();
    expect(counts).toMatchObject({ vacancies: specs.length, referrals: report.referrals });

    const again = await writeEmploymentDemo(options);
    expect(again.failures).toEqual([]);
    expect({ ...again, failures: [], skipped: [] }).toEqual({ ...report, failures: [], skipped: [] });
    expect(await h.counts()).toEqual(counts);

    // The employers that use the service posted their own vacancies and see only those; the office sees all.
    const [self, other] = [demoEmployers('PH').find((e) => e.selfService)!, demoEmployers('PH').find((e) => !e.selfService)!];
    const own = await h.call('GET', '/vacancies?limit=100', undefined, employerTokens[self.employerId]);
    expect(own.body!.items.map((v: any) => [v.employerId, v.title])).toEqual(self.vacancies.map((v) => [self.employerId, v.title]));
    const all = await h.call('GET', '/vacancies?limit=100');
    expect(all.body!.items).toHaveLength(specs.length);
    const posted = await h.call('GET', `/vacancies/${all.body!.items.find((v: any) => v.employerId === other.employerId).vacancyId}`);
    expect(posted.body).toMatchObject({ postedBy: 'employment_office', location: other.location, monthlyWage: { currency: 'PHP' } });
    const byEmployer = await h.call('GET', `/vacancies/${own.body!.items[0].vacancyId}`);
    expect(byEmployer.body).toMatchObject({ postedBy: 'employer' });
  }, 180_000);
});
