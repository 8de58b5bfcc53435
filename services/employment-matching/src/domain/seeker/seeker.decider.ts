import { assertNever } from '@homeward/assert-never';
import { codeChecks, codeCollector } from '../employment.codes';
import { notBeforeEarliest, todayOf } from '../employment.dates';
import { EmploymentRuleViolation, SeekerNotFound, UnknownCodes, type Clocked } from '../employment.errors';
import type { JobSeekerLeft, JobSeekerPreferencesSet, JobSeekerRegistered, SeekerEvent, SeekerLeaveReason } from './seeker.events';
import { evolve, initialState, type RegisteredSeeker, type SeekerState } from './seeker.state';

/** An employment office registers a returnee who asks. */
export type RegisterJobSeeker = { readonly type: 'RegisterJobSeeker'; readonly data: { readonly workerId: string } };
/** Registration's ReturnRecorded arrived: the returnee becomes a job seeker unless they already are one. */
export type RegisterReturnee = {
  readonly type: 'RegisterReturnee';
  readonly data: { readonly workerId: string; readonly sourceEventId: string; readonly cycleNumber: number; readonly returnedOn: string };
};
export type SetPreferences = {
  readonly type: 'SetPreferences';
  readonly data: {
    readonly occupations: readonly string[];
    readonly areas: readonly string[];
    readonly willingToRelocate: boolean;
    readonly availableFrom?: string;
  };
};
/** On request (an office), on placement (a hire), on re-migration or death (registration's topic). */
export type LeaveRegister = {
  readonly type: 'LeaveRegister';
  readonly data: {
    readonly reason: SeekerLeaveReason;
    /** For a re-migration: the departure registration recorded. */
    readonly departure?: { readonly cycleNumber: number; readonly departedOn: string };
  };
};

export type SeekerCommand = RegisterJobSeeker | RegisterReturnee | SetPreferences | LeaveRegister;

export function decide(command: Clocked<SeekerCommand>, state: SeekerState): SeekerEvent[] {
  const today = todayOf(command.metadata.now);
  switch (command.type) {
    case 'RegisterJobSeeker':
      if (state.status === 'active')
        throw new EmploymentRuleViolation(
          'seeker-already-registered',
          'workerId',
          `worker ${command.data.workerId} is already a job seeker`,
        );
      return [register({ workerId: command.data.workerId, registeredOn: today, basis: 'request', cycleNumber: 0 })];
    case 'RegisterReturnee':
      return registerReturnee(command, state, today);
    case 'SetPreferences':
      return [setPreferences(command, active(state), today)];
    case 'LeaveRegister':
      return leave(command, state, today);
    default:
      assertNever(command, 'command');
  }
}

export const seekerDecider = { decide, evolve, initialState };

const register = (data: JobSeekerRegistered['data']): JobSeekerRegistered => ({ type: 'JobSeekerRegistered', data });

function registered(state: SeekerState): RegisteredSeeker {
  if (state.status === 'unregistered') throw new SeekerNotFound('this worker is not registered as a job seeker');
  return state;
}

function active(state: SeekerState): RegisteredSeeker {
  const seeker = registered(state);
  if (seeker.status === 'left')
    throw new EmploymentRuleViolation('seeker-left', '', `the worker left the register on ${seeker.left?.on} (${seeker.left?.reason})`);
  return seeker;
}

/**
 * A return makes a job seeker of whoever is not one: the same ReturnRecorded twice, or a return of someone
 * already seeking work, records nothing (the topic redelivers; an office may have registered them first).
 */
function registerReturnee({ data }: Clocked<RegisterReturnee>, state: SeekerState, today: string): SeekerEvent[] {
  if (state.sourceEventIds.includes(data.sourceEventId) || state.status === 'active') return [];
  return [
    register({
      workerId: data.workerId,
      registeredOn: today,
      basis: 'return',
      sourceEventId: data.sourceEventId,
      cycleNumber: data.cycleNumber,
      ...(data.returnedOn ? { returnedOn: data.returnedOn } : {}),
    }),
  ];
}

function setPreferences({ data }: Clocked<SetPreferences>, seeker: RegisteredSeeker, today: string): JobSeekerPreferencesSet {
  const { check, errors } = codeCollector();
  data.occupations.forEach((o, i) => check(['occupations', i], o, codeChecks.occupation));
  data.areas.forEach((a, i) => check(['areas', i], a, codeChecks.subdivision));
  if (errors.length > 0) throw new UnknownCodes(errors);
  if (data.availableFrom !== undefined) {
    notBeforeEarliest(data.availableFrom, 'availableFrom', 'the first day available');
    if (data.availableFrom < seeker.registeredOn)
      throw new EmploymentRuleViolation(
        'available-before-registration',
        'availableFrom',
        `the first day available (${data.availableFrom}) is before the registration (${seeker.registeredOn})`,
      );
  }
  return {
    type: 'JobSeekerPreferencesSet',
    data: {
      workerId: seeker.workerId,
      setOn: today,
      occupations: [...new Set(data.occupations)],
      areas: [...new Set(data.areas)],
      willingToRelocate: data.willingToRelocate,
      ...(data.availableFrom === undefined ? {} : { availableFrom: data.availableFrom }),
    },
  };
}

/**
 * Leaving on request is refused when not seeking work. Leaving because of another fact (placement,
 * re-migration, death) records nothing when the worker is not an active seeker: the fact stands anyway.
 */
function leave({ data }: Clocked<LeaveRegister>, state: SeekerState, today: string): JobSeekerLeft[] {
  if (data.reason !== 'on_request' && state.status !== 'active') return [];
  const seeker = active(state);
  // Only a departure after the seeker's registration and of a later cycle than the return it followed is a
  // re-migration: an earlier departure, replayed from the topic's beginning, says nothing about today.
  const departure = data.departure;
  if (departure && (departure.cycleNumber <= seeker.cycleNumber || departure.departedOn < seeker.registeredOn)) return [];
  return [{ type: 'JobSeekerLeft', data: { workerId: seeker.workerId, leftOn: today, reason: data.reason } }];
}
