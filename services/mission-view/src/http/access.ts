import { Scopes, type Principal } from '@homeward/auth';
import { Problem } from '@homeward/service-kit/problem';

/** Scope of the operators who may see the read model's builds and ask for a rebuild. */
export const PROJECTIONS_ADMIN_SCOPE = 'projections:admin';

/**
 * Who may read a mission view: the mission of its country, nobody else — not another country's mission,
 * not an agency (agencies have the agency view). Pure; returns the reason for a refusal.
 */
export function missionAccessRefusal(principal: Principal, country: string, need: 'read' | 'admin'): string | undefined {
  if (principal.kind !== 'mission')
    return `only the mission in ${country} reads this view; the caller is ${principal.kind === 'agency' ? 'an' : 'a'} ${principal.kind}`;
  if (principal.country !== country)
    return `this is the mission view of ${country}; the caller is the mission in ${principal.country ?? 'no country'}`;
  if (!principal.scopes.has(Scopes.workersRead)) return `the ${Scopes.workersRead} scope is required`;
  if (need === 'admin' && !principal.scopes.has(PROJECTIONS_ADMIN_SCOPE)) return `the ${PROJECTIONS_ADMIN_SCOPE} scope is required`;
  return undefined;
}

export function assertMissionAccess(principal: Principal, country: string, need: 'read' | 'admin' = 'read'): void {
  const refusal = missionAccessRefusal(principal, country, need);
  if (refusal) throw Problem.forbidden(refusal);
}
