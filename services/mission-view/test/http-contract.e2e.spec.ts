import { randomUUID } from 'node:crypto';
import { eventually, testIssuer, testTopicNamespace } from '@homeward/testing/infrastructure';
import { startMissionViewHarness, type MissionViewHarness } from './mission-view.harness';

// The mission view's API at its edge (issue 9, defect 5): windows at both ends of the calendar are answered
// (their arithmetic on 9999-12-31 and 0001-01-01 was a 500), and what is no calendar date, or an id not in
// its canonical form (a urn:uuid: lookup was a 500), is refused with 400 naming the parameter.

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
    ['/contracts/ending?asOf=0000-01-01', 'asOf'],
    ['/contracts/ending?asOf=10000-01-01', 'asOf'],
    ['/returns/recent?asOf=2023-02-29', 'asOf'],
  ])('refuses what is not a calendar date of the years 0001 to 9999: %s', (url, field) => refused(url, { in: 'query', field }));

  it('answers windows at both ends of the calendar (9999-12-31 and 0001-01-01 were 500s)', async () => {
    const ending = await eventually(
      () => view.call('GET', '/contracts/ending?asOf=9999-12-31&withinDays=366', token),
      (a) => a.status !== 503,
    );
    expect({ status: ending.status, body: ending.body }).toEqual({ status: 200, body: { items: [] } });
    const recent = await view.call('GET', '/returns/recent?asOf=0001-01-01&days=366', token);
    expect({ status: recent.status, body: recent.body }).toEqual({ status: 200, body: { items: [] } });
  });

  it('refuses an id not in its canonical form', () => refused(`/workers/urn:uuid:${randomUUID()}`, { in: 'path', field: 'workerId' }));
});
