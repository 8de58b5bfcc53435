import { Scopes, type Principal } from '@homeward/auth';
import { Problem } from '@homeward/service-kit/problem';

/** Scope of the operators who may see the read model's builds and ask for a rebuild. */
export const PROJECTIONS_ADMIN_SCOPE = 'projections:admin';

/** Who may read the agency view: origin-country agencies with workers:read. Pure; returns the reason for a refusal. */
export function agencyAccessRefusal(principal: Principal, need: 'read' | 'admin'): string | undefined {
  if (principal.kind !== 'agency')
    return `the agency view is for origin-country agencies; the caller is ${principal.kind === 'employer' ? 'an' : 'a'} ${principal.kind}`;
  if (!principal.scopes.has(Scopes.workersRead)) return `the ${Scopes.workersRead} scope is required`;
  if (need === 'admin' && !principal.scopes.has(PROJECTIONS_ADMIN_SCOPE)) return `the ${PROJECTIONS_ADMIN_SCOPE} scope is required`;
  return undefined;
}

export function assertAgencyAccess(principal: Principal, need: 'read' | 'admin' = 'read'): void {
  const refusal = agencyAccessRefusal(principal, need);
  if (refusal) throw Problem.forbidden(refusal);
}
