import { testIssuer, testTopicNamespace } from '@homeward/testing/infrastructure';
import { startStatisticsHarness, type StatisticsHarness } from './statistics.harness';

// Reports are expensive (each replays the registry): counted per principal, 429 problem+json with
// Retry-After past RATE_LIMITS' `reports` (docs/security.md), and nothing queued by a refused request.

describe('the statistics API limits report requests per principal', () => {
  let service: StatisticsHarness;
  let tokens: { psa: string; psaOther: string };

  beforeAll(async () => {
    const issuer = await testIssuer();
    service = await startStatisticsHarness(testTopicNamespace(), issuer, { logLevel: 'error', rateLimits: 'reports=2' });
    tokens = {
      psa: await issuer.token({ organisationId: 'psa', kind: 'statistics', subject: 'analyst-1' }),
      psaOther: await issuer.token({ organisationId: 'psa', kind: 'statistics', subject: 'analyst-2' }),
    };
  });
  afterAll(() => service?.stop());

  const ask = (token: string) =>
    service.runtime.app.inject({
      method: 'POST',
      url: '/reports',
      headers: { authorization: `Bearer ${token}` },
      payload: { asOf: '2025-12-31', period: '2025', report: 'stock', format: 'csv', source: 'kafka' },
    });
  const jobs = async () => (await service.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM report_jobs')).rows[0]!.n;

  it('answers 429 with Retry-After past the limit, queues nothing, and counts each principal apart', async () => {
    expect((await ask(tokens.psa)).statusCode).toBe(202);
    expect((await ask(tokens.psa)).statusCode).toBe(202);
    const before = await jobs();
    const limited = await ask(tokens.psa);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(limited.json()).toMatchObject({ status: 429, code: 'request.rate-limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.headers['cache-control']).toBe('no-store');
    expect(await jobs()).toBe(before);
    expect((await ask(tokens.psaOther)).statusCode).toBe(202);
  });
});
