import { assertNever } from '@homeward/assert-never';
import type { VacancyEvent, VacancyPosted, VacancyCloseReason } from './vacancy.events';

export type VacancyStatus = 'open' | 'closed' | 'filled' | 'withdrawn';

/**
 * A vacancy, folded from its events.
 *
 * Invariants that `decide` keeps and `evolve` relies on:
 * - every event after the first is on a posted vacancy;
 * - `open` → `closed` → (`filled` | `withdrawn`), or `open` → (`filled` | `withdrawn`) directly; `filled`
 *   and `withdrawn` are final;
 * - the closing date was not in the past when the vacancy was posted; openings ≥ 1; the wage ≥ 0.
 */
export type VacancyState =
  | { readonly status: 'unposted' }
  | (VacancyPosted['data'] & {
      readonly status: VacancyStatus;
      readonly closed?: { readonly on: string; readonly reason: VacancyCloseReason };
      readonly filledOn?: string;
      readonly withdrawn?: { readonly on: string; readonly reason: string };
    });

export type PostedVacancy = Exclude<VacancyState, { status: 'unposted' }>;

export const initialState = (): VacancyState => ({ status: 'unposted' });

export function evolve(state: VacancyState, event: VacancyEvent): VacancyState {
  switch (event.type) {
    case 'VacancyPosted':
      return { ...event.data, status: 'open' };
    case 'VacancyClosed':
      if (state.status === 'unposted') return state;
      return { ...state, status: 'closed', closed: { on: event.data.closedOn, reason: event.data.reason } };
    case 'VacancyFilled':
      if (state.status === 'unposted') return state;
      return { ...state, status: 'filled', filledOn: event.data.filledOn };
    case 'VacancyWithdrawn':
      if (state.status === 'unposted') return state;
      return { ...state, status: 'withdrawn', withdrawn: { on: event.data.withdrawnOn, reason: event.data.reason } };
    default:
      assertNever(event, 'event');
  }
}

/**
 * What a referral or a hire needs to know of the vacancy: looked up by the application layer in the
 * command's transaction and passed in the command's data. `hires` counts the hires already recorded.
 */
export interface VacancyFacts {
  readonly vacancyId: string;
  readonly employerId: string;
  readonly status: VacancyStatus;
  readonly closingOn: string;
  readonly occupationIsco: string;
  readonly monthlyWage: { readonly currency: string; readonly amountMinor: number };
  readonly openings: number;
  readonly hires: number;
}

export function vacancyFacts(state: VacancyState, hires: number): VacancyFacts | undefined {
  if (state.status === 'unposted') return undefined;
  return {
    vacancyId: state.vacancyId,
    employerId: state.employerId,
    status: state.status,
    closingOn: state.closingOn,
    occupationIsco: state.occupationIsco,
    monthlyWage: state.monthlyWage,
    openings: state.openings,
    hires,
  };
}
