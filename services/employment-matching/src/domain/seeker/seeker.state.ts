import { assertNever } from '@homeward/assert-never';
import type { JobSeekerPreferencesSet, SeekerBasis, SeekerEvent, SeekerLeaveReason } from './seeker.events';

export type SeekerPreferences = Omit<JobSeekerPreferencesSet['data'], 'workerId'>;

/**
 * A returnee as a job seeker, folded from their events.
 *
 * Invariants that `decide` keeps and `evolve` relies on:
 * - preferences and leaving are recorded only while `active`;
 * - registration happens only when not `active` (the first time, or after leaving);
 * - `sourceEventIds` holds every registration event of registration's topic that made this seeker, so that
 *   a redelivered ReturnRecorded makes nothing twice.
 */
export type SeekerState =
  | { readonly status: 'unregistered'; readonly sourceEventIds: readonly string[] }
  | {
      readonly status: 'active' | 'left';
      readonly workerId: string;
      readonly registeredOn: string;
      readonly basis: SeekerBasis;
      readonly cycleNumber: number;
      readonly returnedOn?: string;
      readonly preferences?: SeekerPreferences;
      readonly left?: { readonly on: string; readonly reason: SeekerLeaveReason };
      readonly sourceEventIds: readonly string[];
    };

export type RegisteredSeeker = Exclude<SeekerState, { status: 'unregistered' }>;

export const initialState = (): SeekerState => ({ status: 'unregistered', sourceEventIds: [] });

export function evolve(state: SeekerState, event: SeekerEvent): SeekerState {
  switch (event.type) {
    case 'JobSeekerRegistered': {
      const { sourceEventId, ...data } = event.data;
      return {
        status: 'active',
        ...data,
        sourceEventIds: sourceEventId === undefined ? state.sourceEventIds : [...state.sourceEventIds, sourceEventId],
      };
    }
    case 'JobSeekerPreferencesSet': {
      if (state.status === 'unregistered') return state;
      const { workerId: _w, ...preferences } = event.data;
      return { ...state, preferences };
    }
    case 'JobSeekerLeft':
      if (state.status === 'unregistered') return state;
      return { ...state, status: 'left', left: { on: event.data.leftOn, reason: event.data.reason } };
    default:
      assertNever(event, 'event');
  }
}

/** What a referral needs to know of the seeker. */
export interface SeekerFacts {
  readonly workerId: string;
  readonly status: SeekerState['status'];
}

export const seekerFacts = (workerId: string, state: SeekerState): SeekerFacts => ({ workerId, status: state.status });
