import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@homeward/event-store';
import { eventually } from '@homeward/testing/infrastructure';
import type { StatisticsRuntime } from '../src/statistics.app';

/**
 * The report API as the e2e tests of the skills, employment and fund tables use it: calls with a statistics
 * office's token, and a report asked for (as of 2025-12-31, period 2025, from registration's event store unless
 * the request says otherwise) and waited for. `runtime` and `token` are read at each call (set in beforeAll).
 */
export function reportApi(current: () => { runtime: StatisticsRuntime; token: string }) {
  async function call(method: 'GET' | 'POST', url: string, payload?: unknown) {
    const { runtime, token } = current();
    const response = await runtime.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    const json = /json/.test(String(response.headers['content-type'])) ? (JSON.parse(response.body) as Record<string, any>) : undefined;
    return { status: response.statusCode, body: response.body, json };
  }

  /** Asks for a report and returns the finished job and its file. */
  async function report(request: Record<string, unknown>) {
    const accepted = await call('POST', '/reports', { asOf: '2025-12-31', period: '2025', source: 'event-store', ...request });
    expect(accepted.status).toBe(202);
    const job = (
      await eventually(
        () => call('GET', `/reports/${accepted.json!.id}`),
        (r) => r.json?.status === 'succeeded' || r.json?.status === 'failed',
      )
    ).json!;
    expect(job).toMatchObject({ status: 'succeeded' });
    return { job, file: await call('GET', job.result.href) };
  }

  return { call, report };
}

/** A registration event as registration stores it, recorded by the registry's agency on `day`. */
export const storedEvent = (type: string, day: string, data: Record<string, unknown>): NewEvent => ({
  eventId: randomUUID(),
  type,
  data,
  metadata: { actor: { organisationId: 'ph-dmw-registry', kind: 'agency', userId: 'u' }, originCountry: 'PH' },
  occurredAt: new Date(`${day}T00:00:00Z`),
});
