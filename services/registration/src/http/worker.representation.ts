import type { components } from './generated/registration.v1';
import { allCycles, type Cycle, type WorkerState } from '../domain/worker/worker.state';

type WorkerDto = components['schemas']['Worker'];
type CycleDto = components['schemas']['Cycle'];

function cycleDto(cycle: Cycle): CycleDto {
  const d = cycle.departure;
  return {
    number: cycle.number,
    withoutRecordedDeparture: cycle.withoutRecordedDeparture,
    ...(d
      ? {
          destinationCountry: d.destinationCountry,
          departedOn: d.departedOn,
          employerName: d.employerName,
          occupationIsco: d.occupationIsco,
          contractStart: d.contractStart,
          contractEnd: d.contractEnd,
          channel: d.channel,
        }
      : {}),
    ...(cycle.returnedOn ? { returnedOn: cycle.returnedOn } : {}),
    ...(cycle.fromCountry ? { fromCountry: cycle.fromCountry } : {}),
    ...(cycle.assistance ? { assistance: cycle.assistance } : {}),
    ...(cycle.reason ? { reason: cycle.reason } : {}),
  };
}

/** The API's view of a worker; personal data only for callers allowed to see it. */
export function workerDto(state: WorkerState, version: number, withPersonalData: boolean): WorkerDto | undefined {
  if (state.status === 'unregistered') return undefined;
  const p = state.profile;
  const cycles = allCycles(state);
  return {
    workerId: p.workerId,
    status: state.status === 'abroad' ? 'abroad' : cycles.length > 0 ? 'returned' : 'at_home',
    sex: p.sex,
    birthYear: p.birthYear,
    originArea: p.originArea,
    ...(p.educationIsced === undefined ? {} : { educationIsced: p.educationIsced }),
    languages: [...p.languages],
    ...(withPersonalData && p.personalData ? { personalData: { ...p.personalData } } : {}),
    personalDataErased: p.personalDataErased,
    cycles: cycles.map(cycleDto),
    version,
  };
}
