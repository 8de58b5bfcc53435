import { eventually } from '@homeward/testing/infrastructure';
import { startHarness, type RegistrationHarness } from '@homeward/registration/test/harness';
import { startFundHarness, type FundHarness } from '@homeward/emergency-fund/test/harness';
import { FUND_DEMO_CASES, writeFundDemo } from '../src/fund.writer';

// The fund demo `npm start` loads, through the real registration and emergency-fund APIs over HTTP, on the
// real PostgreSQL and Kafka: each case reaches its step (the drafts opened by the fund itself from the
// incidents the missions recorded, every one of them), the ledger balances, and a second run writes nothing.

describe('the emergency fund demo', () => {
  let registry: RegistrationHarness;
  let fund: FundHarness;
  let registrationUrl: string;
  let fundUrl: string;

  beforeAll(async () => {
    registry = await startHarness('fund_demo_registry', { logLevel: 'error' });
    fund = await startFundHarness('fund_demo_fund', {
      logLevel: 'error',
      env: { TOPIC_NAMESPACE: registry.runtime.topic.replace(/homeward\.registration\.events\.v1$/, '') },
    });
    await registry.runtime.app.listen({ port: 0, host: '127.0.0.1' });
    await fund.runtime.app.listen({ port: 0, host: '127.0.0.1' });
    registrationUrl = await registry.runtime.app.getUrl();
    fundUrl = await fund.runtime.app.getUrl();
  }, 120_000);
  afterAll(async () => {
    await fund?.stop();
    await registry?.stop();
  });

  it('opens, decides, pays and reconciles the demo claims, each to its step; a second run keeps them as they are', async () => {
    const options = {
      registrationUrl,
      fundUrl,
      registryToken: registry.tokens.agency,
      missionTokens: { SA: registry.tokens.missionSA, AE: registry.tokens.missionAE },
      officerTokens: [fund.tokens.officerA, fund.tokens.officerB] as [string, string],
      today: new Date().toISOString().slice(0, 10),
      draftTimeoutMs: 90_000,
    };
    const first = await writeFundDemo(options);
    expect(first).toEqual({
      workers: 6,
      claims: 6,
      approved: FUND_DEMO_CASES.filter((c) => c.stopAt !== 'submitted').length,
      paid: FUND_DEMO_CASES.filter((c) => c.stopAt === 'paid' || c.stopAt === 'reconciled').length,
      reconciled: FUND_DEMO_CASES.filter((c) => c.stopAt === 'reconciled').length,
      failures: [],
    });
    const trial = await fund.call('GET', '/ledger/trial-balance');
    expect(trial.body).toMatchObject({ balanced: true });
    await fund.published();
    const { rows } = await fund.db.pool.query(`SELECT status, count(*)::int AS n FROM claims GROUP BY status ORDER BY status`);
    expect(Object.fromEntries(rows.map((r: { status: string; n: number }) => [r.status, r.n]))).toEqual({
      approved: 1,
      disbursed: 2,
      filed: 1,
      reconciled: 2,
    });
    // Every claim is the draft a mission's welfare incident opened (fund assistance requested), completed.
    const { rows: sources } = await fund.db.pool.query(
      `SELECT count(*) FILTER (WHERE source_event_id IS NOT NULL)::int AS drafts, count(*)::int AS n FROM claims`,
    );
    expect(sources[0]).toEqual({ drafts: 6, n: 6 });

    const second = await writeFundDemo(options);
    expect(second).toMatchObject({ skipped: 'already present (kept as it is)', workers: 0, claims: 0 });
    await eventually(
      () => fund.db.pool.query(`SELECT count(*)::int AS n FROM claims`),
      (r) => r.rows[0].n === 6,
    );
  });
});
