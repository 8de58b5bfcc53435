import { Scopes, type Principal } from '@homeward/auth';
import { PROJECTIONS_ADMIN_SCOPE, agencyAccessRefusal } from './access';

const principal = (p: Partial<Principal>): Principal => ({
  subject: 's',
  organisationId: 'ph-dmw-registry',
  kind: 'agency',
  scopes: new Set([Scopes.workersRead]),
  ...p,
});

describe('who reads the agency view', () => {
  it('lets an agency with workers:read read', () => {
    expect(agencyAccessRefusal(principal({}), 'read')).toBeUndefined();
  });

  it.each(['mission', 'statistics', 'employer'] as const)('refuses a principal of kind %s', (kind) => {
    expect(agencyAccessRefusal(principal({ kind, country: 'SA' }), 'read')).toMatchObject({
      code: 'access.kind-not-allowed',
      reason: expect.stringMatching(/^the agency view is for origin-country agencies/),
    });
  });

  it('refuses an agency without workers:read', () => {
    expect(agencyAccessRefusal(principal({ scopes: new Set() }), 'read')).toEqual({
      code: 'access.scope-required',
      reason: 'the workers:read scope is required',
    });
  });

  it('keeps the builds to holders of the admin scope', () => {
    expect(agencyAccessRefusal(principal({}), 'admin')).toMatchObject({ reason: `the ${PROJECTIONS_ADMIN_SCOPE} scope is required` });
    expect(agencyAccessRefusal(principal({ scopes: new Set([Scopes.workersRead, PROJECTIONS_ADMIN_SCOPE]) }), 'admin')).toBeUndefined();
  });
});
