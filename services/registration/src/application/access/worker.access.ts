import { Scopes, type Principal } from '@homeward/auth';
import { allCycles, type WorkerState } from '../../domain/worker/worker.state';

/**
 * Who may do what to a worker's record. Pure: decided from the verified principal and the worker's
 * state, so it is tested without HTTP and applied after the state is loaded and before `decide` runs.
 *
 * - Origin-country agencies register workers, record departures and returns, erase personal data,
 *   and read every worker.
 * - A mission acts only in its own country: it records arrivals, employment changes, skills, incidents
 *   and returns for workers whose open cycle is there (or, with no open cycle, a return from there),
 *   and reads workers with any cycle there.
 * - Incident case notes need the personal-data scope; statistics never read them.
 * - Statistics principals read pseudonymous records, never personal data.
 */
export type WorkerAction =
  'register' | 'record-departure' | 'record-abroad' | 'record-return' | 'record-at-home' | 'read' | 'read-incident' | 'erase';

export type AccessDecision =
  { readonly allowed: true; readonly personalData: boolean } | { readonly allowed: false; readonly reason: string };

const deny = (reason: string): AccessDecision => ({ allowed: false, reason });

function hasCycleIn(state: WorkerState, country: string): boolean {
  return allCycles(state).some((c) => c.departure?.destinationCountry === country || c.fromCountry === country);
}

export function authorise(principal: Principal, action: WorkerAction, state: WorkerState, returnFrom?: string): AccessDecision {
  const has = (scope: string) => principal.scopes.has(scope);
  const personalData = has(Scopes.personalDataRead) && principal.kind !== 'statistics';
  switch (action) {
    case 'register':
    case 'record-departure':
    case 'record-at-home':
    case 'erase':
      if (principal.kind !== 'agency')
        return deny(`only origin-country agencies may ${action.replace('-', ' ')}; this is a ${principal.kind}`);
      if (!has(Scopes.workersWrite)) return deny(`the ${Scopes.workersWrite} scope is required`);
      return { allowed: true, personalData };
    case 'record-abroad':
    case 'record-return': {
      if (principal.kind === 'agency')
        return has(Scopes.workersWrite) ? { allowed: true, personalData } : deny(`the ${Scopes.workersWrite} scope is required`);
      if (principal.kind !== 'mission') return deny(`a ${principal.kind} may not record what happens abroad`);
      if (!has(Scopes.workersWriteAbroad)) return deny(`the ${Scopes.workersWriteAbroad} scope is required`);
      const openIn = state.status === 'abroad' ? state.current.departure?.destinationCountry : undefined;
      const country = openIn ?? returnFrom;
      if (country !== principal.country) {
        return deny(`the mission for ${principal.country ?? '?'} may record only for workers whose open cycle is in its country`);
      }
      return { allowed: true, personalData };
    }
    case 'read-incident': {
      const read = authorise(principal, 'read', state);
      if (!read.allowed) return read;
      return read.personalData ? read : deny(`incident records need the ${Scopes.personalDataRead} scope`);
    }
    case 'read':
      if (!has(Scopes.workersRead)) return deny(`the ${Scopes.workersRead} scope is required`);
      if (principal.kind === 'mission' && (!principal.country || !hasCycleIn(state, principal.country))) {
        return deny(`the mission for ${principal.country ?? '?'} may read only workers whose cycle is or was in its country`);
      }
      return { allowed: true, personalData };
    default: {
      const unknown: never = action;
      throw new Error(`unknown action ${String(unknown)}`);
    }
  }
}
