import { Scopes, type Principal } from '@homeward/auth';
import { Problem, type FieldError } from '@homeward/service-kit/problem';

/** Scope of the operators who may see the read model's builds and ask for a rebuild. */
export const PROJECTIONS_ADMIN_SCOPE = 'projections:admin';

/** Why a request is refused, and the stable `code` of its 403 problem (the same codes as registration's). */
export interface Refusal {
  readonly code: 'access.kind-not-allowed' | 'access.scope-required';
  readonly reason: string;
}

/**
 * Who may read the agency view: origin-country agencies with workers:read, and names, birth dates and
 * documents (shown and searched by) only with personal-data:read. Missions have their own country's view;
 * statistics principals and employers none. Pure; returns the refusal.
 */
export function agencyAccessRefusal(principal: Principal, need: 'read' | 'admin'): Refusal | undefined {
  if (principal.kind !== 'agency') {
    const caller = principal.kind === 'employer' ? 'an employer' : principal.kind === 'mission' ? 'a mission' : 'a statistics principal';
    return { code: 'access.kind-not-allowed', reason: `the agency view is for origin-country agencies; the caller is ${caller}` };
  }
  if (!principal.scopes.has(Scopes.workersRead))
    return { code: 'access.scope-required', reason: `the ${Scopes.workersRead} scope is required` };
  if (need === 'admin' && !principal.scopes.has(PROJECTIONS_ADMIN_SCOPE))
    return { code: 'access.scope-required', reason: `the ${PROJECTIONS_ADMIN_SCOPE} scope is required` };
  return undefined;
}

/** A 403 problem with the refusal's code. */
export function refused(refusal: Refusal, errors: readonly FieldError[] = []): Problem {
  return new Problem({ ...Problem.forbidden(refusal.reason, errors).details, code: refusal.code });
}

export function assertAgencyAccess(principal: Principal, need: 'read' | 'admin' = 'read'): void {
  const refusal = agencyAccessRefusal(principal, need);
  if (refusal) throw refused(refusal);
}
