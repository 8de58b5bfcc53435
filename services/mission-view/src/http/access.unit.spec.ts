import { Scopes, type Principal } from '@homeward/auth';
import { PROJECTIONS_ADMIN_SCOPE, missionAccessRefusal } from './access';

const principal = (p: Partial<Principal>): Principal => ({
  subject: 's',
  organisationId: 'o',
  kind: 'mission',
  country: 'SA',
  scopes: new Set([Scopes.workersRead]),
  ...p,
});

describe('who reads the mission view of SA', () => {
  it('lets the mission in SA read', () => {
    expect(missionAccessRefusal(principal({}), 'SA', 'read')).toBeUndefined();
  });

  it('refuses the mission of another country, naming both countries', () => {
    expect(missionAccessRefusal(principal({ country: 'AE' }), 'SA', 'read')).toEqual({
      code: 'access.outside-jurisdiction',
      reason: 'this is the mission view of SA; the caller is the mission in AE',
    });
  });

  it.each(['agency', 'statistics', 'employer'] as const)('refuses a principal of kind %s, whatever its scopes', (kind) => {
    const everything = new Set([Scopes.workersRead, Scopes.personalDataRead, PROJECTIONS_ADMIN_SCOPE]);
    expect(missionAccessRefusal(principal({ kind, country: undefined, scopes: everything }), 'SA', 'read')).toMatchObject({
      code: 'access.kind-not-allowed',
      reason: expect.stringContaining('the caller is'),
    });
  });

  it('refuses a mission without the workers:read scope', () => {
    expect(missionAccessRefusal(principal({ scopes: new Set() }), 'SA', 'read')).toEqual({
      code: 'access.scope-required',
      reason: 'the workers:read scope is required',
    });
  });

  it('lets only holders of the admin scope see builds and rebuild', () => {
    expect(missionAccessRefusal(principal({}), 'SA', 'admin')).toMatchObject({
      reason: `the ${PROJECTIONS_ADMIN_SCOPE} scope is required`,
    });
    expect(
      missionAccessRefusal(principal({ scopes: new Set([Scopes.workersRead, PROJECTIONS_ADMIN_SCOPE]) }), 'SA', 'admin'),
    ).toBeUndefined();
  });
});
