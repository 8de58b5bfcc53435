import type {
  DepartureRecorded,
  ErasureBasis,
  PersonalDataErased,
  Money,
  PersonalData,
  RecruitmentChannel,
  ReturnAssistance,
  ReturnReason,
  ReturnRecorded,
  Sex,
  WorkerEvent,
  WorkerRegistered,
} from './worker.events';
import { allCycles, evolve, initialState, latestDate, type WorkerState } from './worker.state';

/** Commands, in the imperative. `today` is the caller's clock: the domain never reads one itself. */
export interface RegisterWorker {
  readonly type: 'RegisterWorker';
  readonly data: {
    readonly workerId: string;
    readonly today: string;
    readonly sex: Sex;
    readonly originArea: string;
    readonly educationIsced?: number;
    readonly languages: readonly string[];
    readonly personalData: PersonalData;
  };
}

export interface RecordDeparture {
  readonly type: 'RecordDeparture';
  readonly data: {
    readonly today: string;
    readonly destinationCountry: string;
    readonly departedOn: string;
    readonly employerName: string;
    readonly occupationIsco: string;
    readonly contractStart: string;
    readonly contractEnd: string;
    readonly recruitmentAgency?: string;
    readonly channel: RecruitmentChannel;
    readonly recruitmentCost?: Money;
    readonly monthlyWage?: Money;
  };
}

export interface RecordReturn {
  readonly type: 'RecordReturn';
  readonly data: {
    readonly today: string;
    readonly returnedOn: string;
    readonly fromCountry: string;
    readonly assistance: ReturnAssistance;
    readonly reason: ReturnReason;
  };
}

export interface ErasePersonalData {
  readonly type: 'ErasePersonalData';
  readonly data: { readonly today: string; readonly basis: ErasureBasis };
}

export type WorkerCommand = RegisterWorker | RecordDeparture | RecordReturn | ErasePersonalData;

/** A command the registry refuses, naming the field at fault (a path into the command's data). */
export class WorkerRuleViolation extends Error {
  override readonly name = 'WorkerRuleViolation';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export class WorkerNotRegistered extends Error {
  override readonly name = 'WorkerNotRegistered';
}

export class WorkerAlreadyRegistered extends Error {
  override readonly name = 'WorkerAlreadyRegistered';
}

export function decide(command: WorkerCommand, state: WorkerState): WorkerEvent[] {
  switch (command.type) {
    case 'RegisterWorker':
      return [register(command, state)];
    case 'RecordDeparture':
      return [recordDeparture(command, state)];
    case 'RecordReturn':
      return [recordReturn(command, state)];
    case 'ErasePersonalData':
      return erasePersonalData(command, state);
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

export const workerDecider = { decide, evolve, initialState };

function register({ data }: RegisterWorker, state: WorkerState): WorkerRegistered {
  if (state.status !== 'unregistered') throw new WorkerAlreadyRegistered(`worker ${data.workerId} is already registered`);
  if (data.personalData.dateOfBirth > data.today)
    throw new WorkerRuleViolation('personalData.dateOfBirth', 'the date of birth is in the future');
  const birthYear = Number(data.personalData.dateOfBirth.slice(0, 4));
  return {
    type: 'WorkerRegistered',
    data: {
      workerId: data.workerId,
      registeredOn: data.today,
      sex: data.sex,
      birthYear,
      originArea: data.originArea,
      ...(data.educationIsced === undefined ? {} : { educationIsced: data.educationIsced }),
      languages: data.languages,
      personalData: data.personalData,
    },
  };
}

function recordDeparture({ data }: RecordDeparture, state: WorkerState): DepartureRecorded {
  if (state.status === 'unregistered') throw new WorkerNotRegistered('no such worker');
  if (state.status === 'abroad') {
    throw new WorkerRuleViolation(
      'departedOn',
      `cycle ${state.current.number} is still open (departed ${state.current.departure?.departedOn ?? '?'}); record its return first`,
    );
  }
  if (data.departedOn > data.today) throw new WorkerRuleViolation('departedOn', 'a departure cannot be dated in the future');
  const latest = latestDate(state);
  if (latest && data.departedOn < latest) {
    throw new WorkerRuleViolation('departedOn', `the departure (${data.departedOn}) is before the last recorded return (${latest})`);
  }
  if (data.contractEnd < data.contractStart) {
    throw new WorkerRuleViolation('contractEnd', `the contract ends (${data.contractEnd}) before it starts (${data.contractStart})`);
  }
  const { today: _today, ...details } = data;
  return { type: 'DepartureRecorded', data: { workerId: state.profile.workerId, cycleNumber: allCycles(state).length + 1, ...details } };
}

function recordReturn({ data }: RecordReturn, state: WorkerState): ReturnRecorded {
  if (state.status === 'unregistered') throw new WorkerNotRegistered('no such worker');
  if (data.returnedOn > data.today) throw new WorkerRuleViolation('returnedOn', 'a return cannot be dated in the future');
  const latest = latestDate(state);
  if (latest && data.returnedOn < latest) {
    const what = state.status === 'abroad' ? 'departure' : 'last recorded return';
    throw new WorkerRuleViolation('returnedOn', `the return (${data.returnedOn}) is before the ${what} (${latest})`);
  }
  const { today: _today, ...details } = data;
  const base = { workerId: state.profile.workerId, ...details };
  return state.status === 'abroad'
    ? { type: 'ReturnRecorded', data: { ...base, cycleNumber: state.current.number, withoutRecordedDeparture: false } }
    : // No open cycle: an undocumented returnee. Accepted and flagged, never refused — they must be counted.
      { type: 'ReturnRecorded', data: { ...base, cycleNumber: allCycles(state).length + 1, withoutRecordedDeparture: true } };
}

function erasePersonalData({ data }: ErasePersonalData, state: WorkerState): PersonalDataErased[] {
  if (state.status === 'unregistered') throw new WorkerNotRegistered('no such worker');
  // Erasing twice changes nothing: the key is gone already.
  if (state.profile.personalDataErased) return [];
  return [{ type: 'PersonalDataErased', data: { workerId: state.profile.workerId, erasedOn: data.today, basis: data.basis } }];
}
