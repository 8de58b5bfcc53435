import { topicsStartingWith } from '@homeward/testing/infrastructure';
import { startFundHarness, type FundHarness } from './fund.harness';

describe('the emergency-fund service, started on the kit', () => {
  let h: FundHarness;
  beforeAll(async () => {
    h = await startFundHarness('fund-skeleton');
  }, 60_000);
  afterAll(() => h?.stop());

  it('publishes on homeward.fund.events.v1, not a topic named after the service', async () => {
    expect(h.runtime.topic).toBe(`${h.config.TOPIC_NAMESPACE}homeward.fund.events.v1`);
    expect(await topicsStartingWith(`${h.config.TOPIC_NAMESPACE}homeward.fund.`)).toContain(h.runtime.topic);
  });

  it('answers its health probes', async () => {
    const ready = await h.call('GET', '/health/ready', undefined, null);
    expect(ready.status).toBe(200);
  });

  it('refuses a call without a token', async () => {
    const claims = await h.call('GET', '/claims', undefined, null);
    expect(claims.status).toBe(401);
  });

  it('starts with the four default policies published, and their ledger accounts balanced', async () => {
    for (const fundId of ['PH-OWWA', 'NP-FEWF', 'LK-SLBFE', 'ID-BPJS']) {
      const policy = await h.call('GET', `/policies/${fundId}`);
      expect(policy.status).toBe(200);
      expect(policy.body!.versions[0].version).toBe(1);
    }
    const trial = await h.call('GET', '/ledger/trial-balance');
    expect(trial.status).toBe(200);
    expect(trial.body!.balanced).toBe(true);
    expect(trial.body!.accounts.map((a: { id: string }) => a.id)).toContain('fund:PH-OWWA:pool');
  });
});
