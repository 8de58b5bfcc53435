import { randomUUID } from 'node:crypto';
import { testIssuer, testTopicNamespace } from '@homeward/testing/infrastructure';
import { startStatisticsHarness, type StatisticsHarness } from './statistics.harness';

// The statistics API at its edge (issue 9, defects 5 and 7).

describe('the statistics API at its edge', () => {
  let service: StatisticsHarness;
  let token: string;

  beforeAll(async () => {
    const issuer = await testIssuer();
    service = await startStatisticsHarness(testTopicNamespace(), issuer, { logLevel: 'error' });
    token = await issuer.token({ organisationId: 'psa', kind: 'statistics' });
  });
  afterAll(() => service?.stop());

  async function call(method: 'GET' | 'POST', url: string, payload?: object) {
    const response = await service.runtime.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });
    return { status: response.statusCode, contentType: response.headers['content-type'], body: JSON.parse(response.body) as any };
  }
  const jobs = async () => (await service.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM report_jobs')).rows[0]!.n;

  it.each(['/reports/urn:uuid:%s', '/reports/urn:uuid:%s/result'])(
    'refuses an id not in its canonical form: %s (was 500)',
    async (pattern) => {
      const answer = await call('GET', pattern.replace('%s', randomUUID()));
      expect(answer).toMatchObject({
        status: 400,
        contentType: 'application/problem+json; charset=utf-8',
        body: { code: 'validation.failed', errors: [expect.objectContaining({ in: 'path', field: 'reportId' })] },
      });
    },
  );

  it('refuses a report that breaks its period into more than 60 periods, naming the period, and queues nothing', async () => {
    const before = await jobs();
    const answer = await call('POST', '/reports', {
      asOf: '2025-12-31',
      period: '1925-01-01..2025-12-31',
      frequency: 'month',
      source: 'kafka',
    });
    expect(answer).toMatchObject({
      status: 400,
      contentType: 'application/problem+json; charset=utf-8',
      body: {
        code: 'validation.failed',
        errors: [expect.objectContaining({ in: 'body', field: 'period', detail: expect.stringContaining('1212 months') })],
      },
    });
    expect(await jobs()).toBe(before);
  });

  it('takes five years by month, and the same century by year is still too many periods', async () => {
    expect((await call('POST', '/reports', { asOf: '2025-12-31', period: '2021-01-01..2025-12-31', frequency: 'month' })).status).toBe(202);
    expect((await call('POST', '/reports', { asOf: '2025-12-31', period: '1925-01-01..2025-12-31', frequency: 'year' })).status).toBe(400);
    expect((await call('POST', '/reports', { asOf: '2025-12-31', period: '1966-01-01..2025-12-31', frequency: 'year' })).status).toBe(202);
  });
});
