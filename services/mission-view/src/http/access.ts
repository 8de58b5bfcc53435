import { Scopes, type Principal } from '@homeward/auth';
import { Problem } from '@homeward/service-kit/problem';

/** Scope of the operators who may see the read model's builds and ask for a rebuild. */
export const PROJECTIONS_ADMIN_SCOPE = 'projections:admin';

/** Why a request is refused, and the stable `code` of its 403 problem (the same codes as registration's). */
export interface Refusal {
  readonly code: 'access.kind-not-allowed' | 'access.scope-required' | 'access.outside-jurisdiction';
  readonly reason: string;
}

/**
 * Who may read a mission view: the mission of its country, nobody else — not another country's mission,
 * not an agency (agencies have the agency view). Pure; the first rule failed is the refusal, in
 * registration's order: kind, scope, jurisdiction. What the view holds is already only its country's
 * (see the projection), so the mission of the country reads all of it.
 */
export function missionAccessRefusal(principal: Principal, country: string, need: 'read' | 'admin'): Refusal | undefined {
  if (principal.kind !== 'mission') {
    const caller =
      principal.kind === 'agency' ? 'an agency' : principal.kind === 'employer' ? 'an employer' : `a ${principal.kind} principal`;
    return { code: 'access.kind-not-allowed', reason: `only the mission in ${country} reads this view; the caller is ${caller}` };
  }
  if (!principal.scopes.has(Scopes.workersRead))
    return { code: 'access.scope-required', reason: `the ${Scopes.workersRead} scope is required` };
  if (need === 'admin' && !principal.scopes.has(PROJECTIONS_ADMIN_SCOPE))
    return { code: 'access.scope-required', reason: `the ${PROJECTIONS_ADMIN_SCOPE} scope is required` };
  if (principal.country !== country) {
    return {
      code: 'access.outside-jurisdiction',
      reason: `this is the mission view of ${country}; the caller is the mission in ${principal.country ?? 'no country'}`,
    };
  }
  return undefined;
}

export function assertMissionAccess(principal: Principal, country: string, need: 'read' | 'admin' = 'read'): void {
  const refusal = missionAccessRefusal(principal, country, need);
  if (refusal) throw new Problem({ ...Problem.forbidden(refusal.reason).details, code: refusal.code });
}
