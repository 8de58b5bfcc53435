import { Scopes, type OrganisationKind, type Principal } from '@homeward/auth';
import { assertNever } from '@homeward/assert-never';
import { allCycles, cycleCountry, type Cycle, type WorkerState } from '../../domain/worker/worker.state';

/**
 * What a caller asks to do. Actions on a worker's record carry what their jurisdiction depends on: the
 * country a return is from, the incident whose case notes are read.
 */
export type WorkerAction =
  | {
      readonly type: 'register' | 'record-departure' | 'record-abroad' | 'record-at-home' | 'erase' | 'read' | 'list' | 'search';
    }
  | { readonly type: 'record-return'; readonly fromCountry: string }
  | { readonly type: 'read-incident'; readonly incidentId: string };

/** Why a request is refused, as the `code` of its 403 problem: stable, for clients to act on. */
export type RefusalCode = 'access.kind-not-allowed' | 'access.scope-required' | 'access.outside-jurisdiction';

/** What the caller is shown of a worker it may read or has written to. */
export interface Visibility {
  /** Names, date of birth, documents, contacts. */
  readonly personalData: boolean;
  /** Set for a mission: it is shown only the cycles in this country. */
  readonly onlyCountry?: string;
}

export type AccessDecision =
  ({ readonly allowed: true } & Visibility) | { readonly allowed: false; readonly code: RefusalCode; readonly reason: string };

type ActionType = WorkerAction['type'];

/** Which kinds of organisation may attempt each action at all, and the scopes each kind needs for it. */
const RULES: Readonly<Record<ActionType, Partial<Record<OrganisationKind, readonly string[]>>>> = {
  register: { agency: [Scopes.workersWrite] },
  'record-departure': { agency: [Scopes.workersWrite] },
  'record-at-home': { agency: [Scopes.workersWrite] },
  erase: { agency: [Scopes.workersWrite] },
  'record-abroad': { agency: [Scopes.workersWrite], mission: [Scopes.workersWriteAbroad] },
  'record-return': { agency: [Scopes.workersWrite], mission: [Scopes.workersWriteAbroad] },
  read: { agency: [Scopes.workersRead], mission: [Scopes.workersRead], statistics: [Scopes.workersRead] },
  list: { agency: [Scopes.workersRead], mission: [Scopes.workersRead], statistics: [Scopes.workersRead] },
  'read-incident': { agency: [Scopes.workersRead, Scopes.personalDataRead], mission: [Scopes.workersRead, Scopes.personalDataRead] },
  search: { agency: [Scopes.workersRead, Scopes.personalDataRead] },
};

const WHAT: Readonly<Record<ActionType, string>> = {
  register: 'register workers',
  'record-departure': 'record departures',
  'record-at-home': 'record what happens at home',
  erase: 'erase personal data',
  'record-abroad': 'record what happens abroad',
  'record-return': 'record returns',
  read: 'read workers',
  list: 'list workers',
  'read-incident': 'read incident case notes',
  search: 'search people',
};

const PLURAL: Readonly<Record<OrganisationKind, string>> = {
  agency: 'origin-country agencies',
  mission: 'missions',
  statistics: 'statistics principals',
  employer: 'employers',
};

const ONE: Readonly<Record<OrganisationKind, string>> = {
  agency: 'an agency',
  mission: 'a mission',
  statistics: 'a statistics principal',
  employer: 'an employer',
};

const refuse = (code: RefusalCode, reason: string): AccessDecision => ({ allowed: false, code, reason });

/** What a principal is shown of the workers it may read: the same for every worker. */
export function visibilityFor(principal: Principal): Visibility {
  return {
    personalData: principal.scopes.has(Scopes.personalDataRead) && principal.kind !== 'statistics',
    ...(principal.kind === 'mission' && principal.country ? { onlyCountry: principal.country } : {}),
  };
}

/**
 * Who may do what to a worker's record. Pure: decided from the verified principal, the action and the
 * worker's state, so it is tested without HTTP, and applied after the state is loaded and before
 * `decide` runs. The first rule a request fails is its refusal, in this order:
 *
 * 1. Kind (`access.kind-not-allowed`). Origin-country agencies do everything. Missions read, and
 *    record what happens abroad: arrivals, employment changes, skills, incidents and returns.
 *    Statistics principals read and list pseudonymous records, nothing else. Employers have no
 *    business in the registry (they meet workers through referrals).
 * 2. Scope (`access.scope-required`). Reading and listing need `workers:read`; searching people and
 *    reading an incident's case notes need `personal-data:read` too. Agencies write with
 *    `workers:write`, missions with `workers:write-abroad`. Personal data is shown only with
 *    `personal-data:read`, and never to statistics.
 * 3. Jurisdiction (`access.outside-jurisdiction`), for missions. Each cycle is in one country, where the
 *    worker departed for (or, with no recorded departure, came home from): `cycleCountry`.
 *    - A mission reads a worker with a cycle in its country, and is shown those cycles only. It lists
 *      the workers whose latest cycle is there.
 *    - It reads the case notes of an incident only if the incident's own cycle is in its country,
 *      never because some other cycle of the same worker is.
 *    - It records an arrival, an employment change, skills or an incident only while the worker's open
 *      cycle is in its country.
 *    - It records a return only from its own country (`fromCountry`), and only for a worker whose open
 *      cycle is in its country or, with no open cycle, whose latest cycle was. A return of anyone else
 *      (never recorded there, or last abroad elsewhere) is recorded by an origin agency — the border
 *      desk — never by a mission: a write is no way into a record.
 *    So every write a mission may make is about a worker it could already read, and leaves the set of
 *    countries whose missions may read the worker as it was.
 *
 * An unknown worker (`unregistered`) is judged on kind and scope only: a caller who passes those learns
 * that the worker is unknown (404), one who does not is refused as it would be for any worker.
 */
export function authorise(principal: Principal, action: WorkerAction, state: WorkerState): AccessDecision {
  const needs = RULES[action.type][principal.kind];
  if (!needs) {
    const who = (Object.keys(RULES[action.type]) as OrganisationKind[]).map((k) => PLURAL[k]).join(' and ');
    return refuse('access.kind-not-allowed', `only ${who} may ${WHAT[action.type]}; the caller is ${ONE[principal.kind]}`);
  }
  const missing = needs.filter((scope) => !principal.scopes.has(scope));
  if (missing.length > 0) return refuse('access.scope-required', `to ${WHAT[action.type]}, the ${missing.join(' and ')} scope is required`);
  const outside = principal.kind === 'mission' ? missionRefusal(principal.country, action, state) : undefined;
  if (outside !== undefined) return refuse('access.outside-jurisdiction', outside);
  return { allowed: true, ...visibilityFor(principal) };
}

/** Why a mission may not do this to this worker, or undefined when it may. */
function missionRefusal(country: string | undefined, action: WorkerAction, state: WorkerState): string | undefined {
  if (!country) return 'a mission must name its country';
  if (state.status === 'unregistered') return undefined;
  const cycles = allCycles(state);
  const open = state.status === 'abroad' ? state.current : undefined;
  const mission = `the mission in ${country}`;
  switch (action.type) {
    case 'read':
      return cycles.some((c) => cycleCountry(c) === country) ? undefined : `${mission} reads only workers with a cycle in its country`;
    case 'read-incident': {
      const cycle = cycles.find((c) => c.incidents.some((i) => i.incidentId === action.incidentId));
      // An incident the worker does not have: the caller learns so (404) if it may read the worker.
      if (!cycle) return missionRefusal(country, { type: 'read' }, state);
      return cycleCountry(cycle) === country ? undefined : `${mission} reads only incidents of cycles in its country`;
    }
    case 'record-abroad':
      return open && cycleCountry(open) === country ? undefined : `${mission} records only for workers whose open cycle is in its country`;
    case 'record-return': {
      if (action.fromCountry !== country) return `${mission} records only returns from its own country, not from ${action.fromCountry}`;
      if (open)
        return cycleCountry(open) === country
          ? undefined
          : `${mission} records a return only of a worker whose open cycle is in its country`;
      const latest = cycles[cycles.length - 1];
      return latest && cycleCountry(latest) === country
        ? undefined
        : `the worker's latest cycle was not in ${country}: an origin agency records this return (the border desk)`;
    }
    case 'list': // Missions list their country's workers: the listing filters, see `visibilityFor`.
      return undefined;
    case 'register':
    case 'record-departure':
    case 'record-at-home':
    case 'erase':
    case 'search':
      return `${mission} may not ${WHAT[action.type]}`;
    default:
      assertNever(action, 'action');
  }
}

/** The cycles a caller is shown: every cycle, or for a mission those in its country. */
export function visibleCycles(state: WorkerState, visibility: Visibility): readonly Cycle[] {
  const country = visibility.onlyCountry;
  const cycles = allCycles(state);
  return country === undefined ? cycles : cycles.filter((c) => cycleCountry(c) === country);
}
