import { topicsStartingWith } from '@homeward/testing/infrastructure';
import { startSkillsHarness, type SkillsHarness } from './skills.harness';

describe('the skills-certification service, started on the kit', () => {
  let h: SkillsHarness;
  beforeAll(async () => {
    h = await startSkillsHarness('skills-skeleton');
  }, 60_000);
  afterAll(() => h?.stop());

  it('publishes on homeward.skills.events.v1, not a topic named after the service', async () => {
    expect(h.runtime.topic).toBe(`${h.config.TOPIC_NAMESPACE}homeward.skills.events.v1`);
    expect(await topicsStartingWith(`${h.config.TOPIC_NAMESPACE}homeward.skills.`)).toContain(h.runtime.topic);
  });

  it('answers its health probes', async () => {
    const ready = await h.call('GET', '/health/ready', undefined, null);
    expect(ready.status).toBe(200);
  });
});
