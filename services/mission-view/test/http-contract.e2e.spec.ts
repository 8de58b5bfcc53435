import { randomUUID } from 'node:crypto';
import { eventually, testIssuer, testTopicNamespace } from '@homeward/testing/infrastructure';
import { startMissionViewHarness, type MissionViewHarness } from './mission-view.harness';

// The mission view's API at its edge (issue 9, defect 5): dates past what the registry takes and ids not in
// their canonical form are refused with 400 naming the parameter; the window arithmetic on 9999-12-31 and
// 0001-01-01, and the lookup of urn:uuid: ids, were 500s.

describe('the mission view API at its edge', () => {
  let view: MissionViewHarness;
  let token: string;

  beforeAll(async () => {
    const issuer = await testIssuer();
    view = await startMissionViewHarness('SA', testTopicNamespace(), issuer, { logLevel: 'error' });
    token = await issuer.token({ organisationId: 'ph-embassy-riyadh', kind: 'mission', country: 'SA' });
  });
  afterAll(() => view?.stop());

  const refused = async (url: string, parameter: { in: string; field: string }) => {
    const answer = await view.call('GET', url, token);
    expect({ status: answer.status, contentType: answer.headers['content-type'] }).toEqual({
      status: 400,
      contentType: 'application/problem+json; charset=utf-8',
    });
    expect(answer.body).toMatchObject({ status: 400, code: 'validation.failed', errors: [expect.objectContaining(parameter)] });
  };

  it.each([
    ['/contracts/ending?asOf=9999-12-31', 'asOf'],
    ['/contracts/ending?asOf=2200-01-01', 'asOf'],
    ['/returns/recent?asOf=0001-01-01', 'asOf'],
    ['/returns/recent?asOf=1899-12-31', 'asOf'],
  ])('refuses a date outside 1900-2199: %s', (url, field) => refused(url, { in: 'query', field }));

  it('refuses an id not in its canonical form', () => refused(`/workers/urn:uuid:${randomUUID()}`, { in: 'path', field: 'workerId' }));

  it('answers the widest window it takes', async () => {
    const answer = await eventually(
      () => view.call('GET', '/contracts/ending?asOf=2199-12-31&withinDays=366', token),
      (a) => a.status !== 503,
    );
    expect(answer.status).toBe(200);
    expect((await view.call('GET', '/returns/recent?asOf=1900-01-01&days=366', token)).status).toBe(200);
  });
});
