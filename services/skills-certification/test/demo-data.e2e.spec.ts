import { testIssuer } from '@homeward/testing/infrastructure';
import { writeSkillsDemo } from '@homeward/demo-data/skills-writer';
import { startHarness, type RegistrationHarness } from '@homeward/registration/test/harness';
import { startSkillsHarness, type SkillsHarness } from './skills.harness';
import { givenKnownWorker } from './skills.story';

// `npm start`'s skills demo (packages/demo-data skills.writer.ts) against the running service: what it
// writes goes through the public API, it can be run twice without writing anything twice, and the links it
// prints verify in a browser (no token).

const namespaceOf = (topic: string) => topic.slice(0, topic.indexOf('homeward.'));

describe('the skills demo data', () => {
  let registry: RegistrationHarness;
  let skills: SkillsHarness;

  beforeAll(async () => {
    const issuer = await testIssuer();
    registry = await startHarness('skills_demo_registry', { issuer });
    skills = await startSkillsHarness('skills_demo', { issuer, env: { TOPIC_NAMESPACE: namespaceOf(registry.runtime.topic) } });
  }, 120_000);
  afterAll(async () => {
    await skills?.stop();
    await registry?.stop();
  });

  /** The writer's fetch, answered by the service in process. */
  const inProcess: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const response = await skills.runtime.app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: `${url.pathname}${url.search}`,
      headers: init?.headers as Record<string, string>,
      ...(init?.body === undefined ? {} : { payload: init.body as string | Buffer }),
    });
    return new Response(response.statusCode === 204 ? null : response.body, { status: response.statusCode });
  };

  it('takes workers through the path, writes nothing twice, and prints verification links that answer', async () => {
    const workerIds: string[] = [];
    for (let i = 0; i < 8; i++) workerIds.push(await givenKnownWorker(registry, skills));
    const options = {
      baseUrl: 'http://skills.homeward.test',
      token: skills.tokens.authority,
      workerIds,
      today: new Date().toISOString().slice(0, 10),
      fetch: inProcess,
    };
    const report = await writeSkillsDemo(options);
    expect(report.failures).toEqual([]);
    expect(report.standards).toBe(3);
    expect(report.assessments).toBeGreaterThanOrEqual(8);
    expect(report.certificates).toBeGreaterThanOrEqual(8);
    const counts = await skills.counts();
    expect(counts.certificates).toBe(report.certificates);

    const again = await writeSkillsDemo(options);
    expect(again.failures).toEqual([]);
    expect(await skills.counts()).toEqual(counts);

    const link = new URL(report.verificationLink!);
    const valid = await skills.call('GET', `${link.pathname}${link.search}`, undefined, null);
    expect(valid.body).toMatchObject({ status: 'valid' });
    const revoked = new URL(report.revokedLink!);
    expect((await skills.call('GET', `${revoked.pathname}${revoked.search}`, undefined, null)).body).toMatchObject({
      status: 'revoked',
      reason: 'issued_in_error',
    });
  }, 180_000);
});
