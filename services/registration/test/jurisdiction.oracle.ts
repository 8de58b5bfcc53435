import type { OrganisationKind } from '@homeward/auth';

/**
 * The access rules of DESIGN.md ("Security and personal data") as registration's README states them,
 * written again here as plain functions of a small model of a worker, without a line of the code under
 * test: the judge of the jurisdiction matrices (`jurisdiction.matrix.unit.spec.ts` over `authorise`,
 * `jurisdiction.e2e.spec.ts` over HTTP, and the views' matrices).
 *
 * - Kinds: agencies do everything; missions read and record what happens abroad; statistics principals
 *   read and list, never personal data nor case notes; employers nothing.
 * - Scopes: workers:read to read and list; workers:write (agencies) or workers:write-abroad (missions)
 *   to write; personal-data:read as well to search people and read case notes, and to be shown names.
 * - Jurisdiction (missions): a cycle is in the country the worker stayed in (with no recorded stay, the
 *   one they came home from). A mission reads workers with a cycle in its country and is shown those
 *   cycles; reads the case notes of incidents of those cycles; records what happens abroad while the
 *   open cycle is in its country; records returns from its own country only, of workers whose open
 *   cycle — or with none open, latest cycle — is in its country; lists workers whose latest cycle is in
 *   its country.
 * - Refusals in this order: kind, scope, jurisdiction. An unknown worker is judged on kind and scope only.
 */

/** SA and AE have fixture workers; QA is a third country where nobody of the fixture has been. */
export const COUNTRIES = ['SA', 'AE', 'QA'] as const;
export type Country = (typeof COUNTRIES)[number];

export const SCOPES = ['workers:read', 'workers:write', 'workers:write-abroad', 'personal-data:read'] as const;
export type Scope = (typeof SCOPES)[number];

export interface Caller {
  readonly kind: OrganisationKind;
  /** For a mission, the country it serves. */
  readonly country?: Country;
  readonly scopes: readonly Scope[];
}

/** Every subset of the scopes (16). */
export const SCOPE_SETS: readonly (readonly Scope[])[] = Array.from({ length: 1 << SCOPES.length }, (_, bits) =>
  SCOPES.filter((_, i) => bits & (1 << i)),
);

/** Every caller: agency, a mission in each country, statistics, employer — each with every scope set (96). */
export const CALLERS: readonly Caller[] = SCOPE_SETS.flatMap((scopes) => [
  { kind: 'agency' as const, scopes },
  ...COUNTRIES.map((country) => ({ kind: 'mission' as const, country, scopes })),
  { kind: 'statistics' as const, scopes },
  { kind: 'employer' as const, scopes },
]);

export const describeCaller = (c: Caller): string => `${c.kind}${c.country ? ` ${c.country}` : ''} [${c.scopes.join(' ') || 'no scope'}]`;

/** One cycle of a worker: where they stayed, where they came home from, and the incident of the stay. */
export interface CycleModel {
  /** Departed for; absent for a return with no recorded departure. */
  readonly stay?: Country;
  /** Came home from; absent while the cycle is open (only the last cycle may be). */
  readonly from?: Country;
  /** An incident with case notes, recorded during the stay. */
  readonly incident?: boolean;
}

export interface WorkerModel {
  readonly registered: boolean;
  readonly cycles: readonly CycleModel[];
}

/** Where the fixture workers' cycles are: every case the rules tell apart, for a mission in SA, AE or QA. */
export const SITUATIONS = {
  'never abroad': { registered: true, cycles: [] },
  'abroad in SA': { registered: true, cycles: [{ stay: 'SA', incident: true }] },
  'once in SA, now abroad in AE': {
    registered: true,
    cycles: [
      { stay: 'SA', from: 'SA', incident: true },
      { stay: 'AE', incident: true },
    ],
  },
  'abroad in AE': { registered: true, cycles: [{ stay: 'AE', incident: true }] },
  'back from SA with no recorded departure': { registered: true, cycles: [{ from: 'SA' }] },
  'back from SA': { registered: true, cycles: [{ stay: 'SA', from: 'SA', incident: true }] },
  'back from SA, then back from AE': {
    registered: true,
    cycles: [
      { stay: 'SA', from: 'SA', incident: true },
      { stay: 'AE', from: 'AE', incident: true },
    ],
  },
  'stayed in SA, came home from AE': { registered: true, cycles: [{ stay: 'SA', from: 'AE', incident: true }] },
  unknown: { registered: false, cycles: [] },
} as const satisfies Record<string, WorkerModel>;
export type SituationName = keyof typeof SITUATIONS;

/** Registration's operations on workers (its OpenAPI operationIds). */
export const AGENCY_WRITES = [
  'registerWorker',
  'importLegacyRegister',
  'recordDeparture',
  'completeOrientation',
  'assessReintegrationNeeds',
  'referForReintegration',
  'recordReferralOutcome',
  'correctWorkerDetails',
  'resolveDuplicate',
  'erasePersonalData',
] as const;
export const ABROAD_WRITES = ['recordArrival', 'recordEmploymentChange', 'recordSkills', 'recordIncident'] as const;
export type OperationId =
  | (typeof AGENCY_WRITES)[number]
  | (typeof ABROAD_WRITES)[number]
  | 'recordReturn'
  | 'getWorker'
  | 'listWorkers'
  | 'getIncident'
  | 'searchWorkers';

/** An operation as asked: a return names the country it is from; a case-notes read names the cycle of its incident (or none: unknown). */
export interface Operation {
  readonly id: OperationId;
  readonly fromCountry?: Country;
  readonly incidentOfCycle?: number;
}

export type Refusal = 'access.kind-not-allowed' | 'access.scope-required' | 'access.outside-jurisdiction';

export type Verdict =
  | {
      readonly allowed: true;
      /** Shown names, birth date, documents, contacts. */
      readonly personalData: boolean;
      /** Indexes (0-based) of the cycles shown. */
      readonly cycles: readonly number[];
      /** Indexes of the cycles whose incident is shown. */
      readonly incidents: readonly number[];
    }
  | { readonly allowed: false; readonly refusal: Refusal };

const isIn = (cycle: CycleModel, country: Country | undefined): boolean => country !== undefined && (cycle.stay ?? cycle.from) === country;

const openCycle = (worker: WorkerModel): CycleModel | undefined => {
  const last = worker.cycles[worker.cycles.length - 1];
  return last && last.from === undefined ? last : undefined;
};

/** Who may attempt the operation at all, and with which scopes. */
function needs(caller: Caller, op: OperationId): readonly Scope[] | undefined {
  const agencyWrite = (AGENCY_WRITES as readonly string[]).includes(op);
  const abroadWrite = (ABROAD_WRITES as readonly string[]).includes(op) || op === 'recordReturn';
  if (agencyWrite) return caller.kind === 'agency' ? ['workers:write'] : undefined;
  if (abroadWrite) {
    if (caller.kind === 'agency') return ['workers:write'];
    return caller.kind === 'mission' ? ['workers:write-abroad'] : undefined;
  }
  if (op === 'getWorker' || op === 'listWorkers') return caller.kind === 'employer' ? undefined : ['workers:read'];
  if (op === 'getIncident')
    return caller.kind === 'agency' || caller.kind === 'mission' ? ['workers:read', 'personal-data:read'] : undefined;
  return caller.kind === 'agency' ? ['workers:read', 'personal-data:read'] : undefined; // searchWorkers
}

/** Whether a mission in `country` may do the operation to this (registered) worker. */
function withinJurisdiction(country: Country | undefined, op: Operation, worker: WorkerModel): boolean {
  const open = openCycle(worker);
  const last = worker.cycles[worker.cycles.length - 1];
  switch (op.id) {
    case 'getWorker':
      return worker.cycles.some((c) => isIn(c, country));
    case 'getIncident':
      return op.incidentOfCycle === undefined
        ? worker.cycles.some((c) => isIn(c, country))
        : isIn(worker.cycles[op.incidentOfCycle]!, country);
    case 'recordReturn':
      return op.fromCountry === country && last !== undefined && isIn(last, country);
    case 'recordArrival':
    case 'recordEmploymentChange':
    case 'recordSkills':
    case 'recordIncident':
      return open !== undefined && isIn(open, country);
    case 'listWorkers':
      return true;
    default:
      return false;
  }
}

/** What the rules allow `caller` to do to `worker` with `op`, and what it is then shown. */
export function verdict(caller: Caller, op: Operation, worker: WorkerModel): Verdict {
  const needed = needs(caller, op.id);
  if (!needed) return { allowed: false, refusal: 'access.kind-not-allowed' };
  if (!needed.every((s) => caller.scopes.includes(s))) return { allowed: false, refusal: 'access.scope-required' };
  const mission = caller.kind === 'mission';
  if (mission && worker.registered && !withinJurisdiction(caller.country, op, worker)) {
    return { allowed: false, refusal: 'access.outside-jurisdiction' };
  }
  const indexes = worker.cycles.map((_, i) => i);
  const cycles = mission ? indexes.filter((i) => isIn(worker.cycles[i]!, caller.country)) : indexes;
  return {
    allowed: true,
    personalData: caller.kind !== 'statistics' && caller.scopes.includes('personal-data:read'),
    cycles,
    incidents: cycles.filter((i) => worker.cycles[i]!.incident),
  };
}

/** Whether a (permitted) list shows the worker: every registered worker, or for a mission those whose latest cycle is in its country. */
export function listed(caller: Caller, worker: WorkerModel): boolean {
  if (!worker.registered) return false;
  if (caller.kind !== 'mission') return true;
  const last = worker.cycles[worker.cycles.length - 1];
  return last !== undefined && isIn(last, caller.country);
}

/** The countries whose missions (with workers:read) may read the worker. */
export function readableBy(worker: WorkerModel): Country[] {
  return COUNTRIES.filter(
    (country) => verdict({ kind: 'mission', country, scopes: ['workers:read'] }, { id: 'getWorker' }, worker).allowed,
  );
}
