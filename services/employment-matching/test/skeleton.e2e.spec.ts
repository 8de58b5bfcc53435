import { topicsStartingWith } from '@homeward/testing/infrastructure';
import { startEmploymentHarness, type EmploymentHarness } from './employment.harness';

describe('the employment-matching service, started on the kit', () => {
  let h: EmploymentHarness;
  beforeAll(async () => {
    h = await startEmploymentHarness('employment-skeleton');
  }, 60_000);
  afterAll(() => h?.stop());

  it('publishes on homeward.employment.events.v1, not a topic named after the service', async () => {
    expect(h.runtime.topic).toBe(`${h.config.TOPIC_NAMESPACE}homeward.employment.events.v1`);
    expect(await topicsStartingWith(`${h.config.TOPIC_NAMESPACE}homeward.employment.`)).toContain(h.runtime.topic);
  });

  it('answers its health probes', async () => {
    const ready = await h.call('GET', '/health/ready', undefined, null);
    expect(ready.status).toBe(200);
  });

  it('refuses a call without a token', async () => {
    const vacancies = await h.call('GET', '/vacancies', undefined, null);
    expect(vacancies.status).toBe(401);
  });
});
