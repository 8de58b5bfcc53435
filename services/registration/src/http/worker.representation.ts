import type { Principal } from '@homeward/auth';
import type { components } from './generated/registration.v1';
import type { Cycle, WorkerState } from '../domain/worker/worker.state';
import { visibleCycles, type Visibility } from '../application/access/worker.access';

type WorkerDto = components['schemas']['Worker'];
type CycleDto = components['schemas']['Cycle'];

/** The object without its undefined fields. A loop, not entries/filter/fromEntries: an array per field of every cycle of every answer. */
const defined = <T extends object>(o: T): T => {
  const out: Record<string, unknown> = {};
  for (const field in o) if (o[field] !== undefined) out[field] = o[field];
  return out as T;
};

/** What a caller sees of a worker: what access allows, and whether employers' names (see {@link seesEmployers}). */
export type Disclosure = Visibility & { readonly employerNames: boolean };

/**
 * Statistics principals read pseudonymous records only (DESIGN.md): no employers' names either, as a
 * household employer's name can point back at the person (sealed like personal data: docs/adr/0006).
 * Other callers who may read the worker see them: agencies, as their read model shows them, and missions,
 * whose read model holds none, for the cycles in their country.
 */
export const seesEmployers = (principal: Principal): boolean => principal.kind !== 'statistics';

/**
 * A cycle as the API shows it. Employers' names go once the worker's personal data is erased, as they do
 * from every read model, and are never shown to callers who see pseudonymous records only.
 */
function cycleDto(cycle: Cycle, erased: boolean, employerNames: boolean): CycleDto {
  const d = cycle.departure;
  const employer = (name: string | undefined) => (erased || !employerNames ? undefined : name);
  return defined({
    number: cycle.number,
    withoutRecordedDeparture: cycle.withoutRecordedDeparture,
    destinationCountry: d?.destinationCountry,
    departedOn: d?.departedOn,
    employerName: employer(d?.employerName),
    occupationIsco: d?.occupationIsco,
    contractStart: d?.contractStart,
    contractEnd: d?.contractEnd,
    channel: d?.channel,
    arrivedOn: cycle.arrivedOn,
    employmentChanges: cycle.employmentChanges.map(({ changedOn, change, employerName, occupationIsco, contractEnd }) =>
      defined({ changedOn, change, employerName: employer(employerName), occupationIsco, contractEnd }),
    ),
    skills: cycle.skills.map((s) => defined({ kind: s.kind, title: s.title, escoUri: s.escoUri, recordedOn: s.recordedOn })),
    // Case notes are read one incident at a time, and each read is recorded.
    incidents: cycle.incidents.map(({ incidentId, occurredOn, kind, fundAssistanceRequested }) => ({
      incidentId,
      occurredOn,
      kind,
      fundAssistanceRequested,
    })),
    returnedOn: cycle.returnedOn,
    fromCountry: cycle.fromCountry,
    assistance: cycle.assistance,
    reason: cycle.reason,
    reintegration: defined({
      needs: cycle.reintegration.needs,
      referrals: cycle.reintegration.referrals.map((r) =>
        defined({
          referralId: r.referralId,
          referredOn: r.referredOn,
          service: r.service,
          outcome: r.outcome?.outcome,
          outcomeRecordedOn: r.outcome?.recordedOn,
        }),
      ),
    }),
  });
}

/**
 * The API's view of a worker as the caller may see it: personal data only for callers allowed to see it,
 * for a mission only the cycles (and incidents) of its country, employers' names only for callers who see
 * them. The status is the worker's own.
 */
export function workerDto(state: WorkerState, version: number, visibility: Disclosure): WorkerDto | undefined {
  if (state.status === 'unregistered') return undefined;
  const p = state.profile;
  const withPersonalData = visibility.personalData;
  const cycles = visibleCycles(state, visibility);
  return {
    workerId: p.workerId,
    status: state.status === 'abroad' ? 'abroad' : state.cycles.length > 0 ? 'returned' : 'at_home',
    sex: p.sex,
    birthYear: p.birthYear,
    originArea: p.originArea,
    ...(p.educationIsced === undefined ? {} : { educationIsced: p.educationIsced }),
    languages: [...p.languages],
    ...(withPersonalData && p.personalData ? { personalData: { ...p.personalData } } : {}),
    personalDataErased: p.personalDataErased,
    possibleDuplicates: p.possibleDuplicates.map((c) => ({ ...c })),
    ...(p.mergedInto ? { mergedInto: p.mergedInto } : {}),
    orientations: p.orientations.map((o) => ({ completedOn: o.completedOn, topics: [...o.topics], provider: o.provider })),
    cycles: cycles.map((c) => cycleDto(c, p.personalDataErased, visibility.employerNames)),
    version,
  };
}
