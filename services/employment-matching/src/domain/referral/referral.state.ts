import { assertNever } from '@homeward/assert-never';
import type {
  ContractType,
  InterviewOutcome,
  PlacementEndReason,
  ReferralCloseReason,
  ReferralEvent,
  ReferralMade,
} from './referral.events';
import type { Money } from '../vacancy/vacancy.events';

export type ReferralStatus = 'referred' | 'closed' | 'hired' | 'placement_ended';

/**
 * One referral, folded from its events.
 *
 * Invariants that `decide` keeps and `evolve` relies on:
 * - made once, to a vacancy that was open and not past its closing date, for an active seeker who had no
 *   other live referral to the same vacancy;
 * - `referred` → `closed` (final) or `referred` → `hired` → `placement_ended` (final); interviews only while
 *   `referred`, each dated on or after the referral;
 * - a hire is dated on or after the referral and the latest interview; its placement starts on or after it
 *   and ends on or after it starts.
 */
export type ReferralState =
  | { readonly status: 'none' }
  | (ReferralMade['data'] & {
      readonly status: ReferralStatus;
      readonly interviews: readonly { readonly interviewedOn: string; readonly outcome: InterviewOutcome }[];
      readonly closed?: { readonly on: string; readonly reason: ReferralCloseReason };
      readonly hire?: {
        readonly hiredOn: string;
        readonly startsOn: string;
        readonly contractType: ContractType;
        readonly monthlyWage: Money;
        readonly occupationIsco: string;
      };
      readonly placementEnded?: { readonly on: string; readonly reason: PlacementEndReason };
    });

export type MadeReferral = Exclude<ReferralState, { status: 'none' }>;

export const initialState = (): ReferralState => ({ status: 'none' });

export function evolve(state: ReferralState, event: ReferralEvent): ReferralState {
  switch (event.type) {
    case 'ReferralMade':
      return { ...event.data, status: 'referred', interviews: [] };
    case 'InterviewRecorded':
      if (state.status === 'none') return state;
      return { ...state, interviews: [...state.interviews, { interviewedOn: event.data.interviewedOn, outcome: event.data.outcome }] };
    case 'ReferralClosed':
      if (state.status === 'none') return state;
      return { ...state, status: 'closed', closed: { on: event.data.closedOn, reason: event.data.reason } };
    case 'HireRecorded': {
      if (state.status === 'none') return state;
      const { hiredOn, startsOn, contractType, monthlyWage, occupationIsco } = event.data;
      return { ...state, status: 'hired', hire: { hiredOn, startsOn, contractType, monthlyWage, occupationIsco } };
    }
    case 'PlacementEnded':
      if (state.status === 'none') return state;
      return { ...state, status: 'placement_ended', placementEnded: { on: event.data.endedOn, reason: event.data.reason } };
    default:
      assertNever(event, 'event');
  }
}
