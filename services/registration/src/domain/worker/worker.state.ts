import type { DepartureRecorded, PersonalData, ReturnAssistance, ReturnReason, Sex, WorkerEvent } from './worker.events';

export interface Cycle {
  readonly number: number;
  readonly departure?: DepartureRecorded['data'];
  readonly returnedOn?: string;
  readonly fromCountry?: string;
  readonly assistance?: ReturnAssistance;
  readonly reason?: ReturnReason;
  readonly withoutRecordedDeparture: boolean;
}

export interface WorkerProfile {
  readonly workerId: string;
  readonly registeredOn: string;
  readonly sex: Sex;
  readonly birthYear: number;
  readonly originArea: string;
  readonly educationIsced?: number;
  readonly languages: readonly string[];
  /** Absent once erased (and when the sealed data can no longer be opened). */
  readonly personalData?: PersonalData;
  readonly personalDataErased: boolean;
}

/**
 * A worker's state, folded from their events.
 *
 * Invariants that `decide` keeps and `evolve` relies on:
 * - `cycles` are numbered 1, 2, 3… in the order they were opened;
 * - every closed cycle has a return; only `abroad` has an open cycle (`current`), which has a departure;
 * - within and across cycles, dates never go backwards: departure ≤ return ≤ next departure;
 * - once `personalDataErased`, the profile holds no personal data, and nothing puts it back.
 */
export type WorkerState =
  | { readonly status: 'unregistered' }
  | { readonly status: 'at_home'; readonly profile: WorkerProfile; readonly cycles: readonly Cycle[] }
  | { readonly status: 'abroad'; readonly profile: WorkerProfile; readonly cycles: readonly Cycle[]; readonly current: Cycle };

export const initialState = (): WorkerState => ({ status: 'unregistered' });

export function evolve(state: WorkerState, event: WorkerEvent): WorkerState {
  switch (event.type) {
    case 'WorkerRegistered': {
      const { workerId, registeredOn, sex, birthYear, originArea, educationIsced, languages, personalData } = event.data;
      return {
        status: 'at_home',
        profile: {
          workerId,
          registeredOn,
          sex,
          birthYear,
          originArea,
          languages,
          personalDataErased: false,
          ...(personalData ? { personalData } : {}),
          ...(educationIsced === undefined ? {} : { educationIsced }),
        },
        cycles: [],
      };
    }
    case 'DepartureRecorded': {
      if (state.status === 'unregistered') return state;
      const current: Cycle = { number: event.data.cycleNumber, departure: event.data, withoutRecordedDeparture: false };
      return { status: 'abroad', profile: state.profile, cycles: closedCycles(state), current };
    }
    case 'ReturnRecorded': {
      if (state.status === 'unregistered') return state;
      const { returnedOn, fromCountry, assistance, reason, withoutRecordedDeparture, cycleNumber } = event.data;
      const opened = state.status === 'abroad' ? state.current : { number: cycleNumber, withoutRecordedDeparture };
      const closed: Cycle = { ...opened, returnedOn, fromCountry, assistance, reason, withoutRecordedDeparture };
      return { status: 'at_home', profile: state.profile, cycles: [...closedCycles(state), closed] };
    }
    case 'PersonalDataErased': {
      if (state.status === 'unregistered') return state;
      const { personalData: _erased, ...profile } = state.profile;
      return { ...state, profile: { ...profile, personalDataErased: true } };
    }
    default: {
      const unknown: never = event;
      throw new Error(`unknown event ${JSON.stringify(unknown)}`);
    }
  }
}

function closedCycles(state: Exclude<WorkerState, { status: 'unregistered' }>): readonly Cycle[] {
  return state.cycles;
}

/** Every cycle, the open one last. */
export function allCycles(state: WorkerState): readonly Cycle[] {
  switch (state.status) {
    case 'unregistered':
      return [];
    case 'at_home':
      return state.cycles;
    case 'abroad':
      return [...state.cycles, state.current];
    default: {
      const unknown: never = state;
      throw new Error(`unknown state ${JSON.stringify(unknown)}`);
    }
  }
}

/** The latest date recorded for the worker: nothing new may be dated before it. */
export function latestDate(state: WorkerState): string | undefined {
  let latest: string | undefined;
  for (const cycle of allCycles(state)) {
    for (const date of [cycle.departure?.departedOn, cycle.returnedOn]) if (date && (!latest || date > latest)) latest = date;
  }
  return latest;
}
