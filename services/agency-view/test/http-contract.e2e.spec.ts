import { randomUUID } from 'node:crypto';
import { testIssuer, testTopicNamespace } from '@homeward/testing/infrastructure';
import { startAgencyViewHarness, type AgencyViewHarness } from './agency-view.harness';

// The agency view's API at its edge (issue 9, defect 5): text and ids its queries cannot take are refused
// with 400 naming the parameter, before any query runs; they were 500s.

describe('the agency view API at its edge', () => {
  let view: AgencyViewHarness;
  let token: string;

  beforeAll(async () => {
    const issuer = await testIssuer();
    view = await startAgencyViewHarness(testTopicNamespace(), issuer, { logLevel: 'error' });
    token = await issuer.token({ organisationId: 'ph-dmw-registry', kind: 'agency' });
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
    ['/workers?originArea=%00', 'originArea'],
    ['/returnees?returnedFrom=2024-01-01&returnedTo=2024-12-31&originArea=%00', 'originArea'],
    ['/workers?name=Ma%00ria', 'name'],
    ['/workers?cursor=%01', 'cursor'],
  ])('refuses a control character in %s', (url, field) => refused(url, { in: 'query', field }));

  it.each(['/workers/urn:uuid:%s', '/workers/urn:uuid:%s/timeline', '/workers/%S', '/workers/%S/timeline'])(
    'refuses an id not in its canonical form: %s',
    (pattern) => {
      const id = randomUUID();
      return refused(pattern.replace('%s', id).replace('%S', id.toUpperCase()), { in: 'path', field: 'workerId' });
    },
  );

  it('refuses a limit not written in decimal digits', () => refused('/workers?limit=0x10', { in: 'query', field: 'limit' }));
});
