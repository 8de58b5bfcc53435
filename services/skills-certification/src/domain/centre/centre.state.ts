import { assertNever } from '@homeward/assert-never';
import type { CentreEvent } from './centre.events';

export interface Accreditation {
  readonly accreditationId: string;
  readonly assessorId: string;
  readonly assessorName: string;
  readonly standardId: string;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly accreditedOn: string;
  /** Set when withdrawn early: the accreditation covers nothing dated on or after it. */
  readonly withdrawnOn?: string;
}

/**
 * An assessment centre, folded from its events.
 *
 * Invariants that `decide` keeps and `evolve` relies on:
 * - accreditations are only recorded on a registered centre, for a standard published and not withdrawn
 *   at the time, each under an id of its own;
 * - an accreditation's `validFrom` ≤ `validUntil`;
 * - one assessor's accreditations for one standard never overlap (counting a withdrawal as the end);
 * - a withdrawal is recorded at most once, and never undone (a new accreditation is the way back).
 */
export type CentreState =
  | { readonly status: 'unregistered' }
  | {
      readonly status: 'registered';
      readonly centreId: string;
      readonly name: string;
      readonly subdivision: string;
      readonly registeredOn: string;
      readonly accreditations: readonly Accreditation[];
    };

export type RegisteredCentre = Extract<CentreState, { status: 'registered' }>;

export const initialState = (): CentreState => ({ status: 'unregistered' });

export function evolve(state: CentreState, event: CentreEvent): CentreState {
  switch (event.type) {
    case 'AssessmentCentreRegistered':
      return { status: 'registered', ...event.data, accreditations: [] };
    case 'AssessorAccredited': {
      if (state.status === 'unregistered') return state;
      const { centreId: _c, ...accreditation } = event.data;
      return { ...state, accreditations: [...state.accreditations, accreditation] };
    }
    case 'AccreditationWithdrawn': {
      if (state.status === 'unregistered') return state;
      const { accreditationId, withdrawnOn } = event.data;
      return {
        ...state,
        accreditations: state.accreditations.map((a) => (a.accreditationId === accreditationId ? { ...a, withdrawnOn } : a)),
      };
    }
    default:
      assertNever(event, 'event');
  }
}

/** The last day an accreditation covers: its `validUntil`, or the day before its withdrawal when earlier. */
export function lastDayOf(a: Pick<Accreditation, 'validUntil' | 'withdrawnOn'>): string {
  if (a.withdrawnOn === undefined) return a.validUntil;
  const dayBefore = new Date(Date.parse(`${a.withdrawnOn}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  return dayBefore < a.validUntil ? dayBefore : a.validUntil;
}

/**
 * What a candidate's assessment needs to know of the centre it took place at: looked up by the application
 * layer and passed in the command's data. Undefined in the command when no such centre is registered.
 */
export interface CentreFacts {
  readonly centreId: string;
  readonly accreditations: readonly Pick<
    Accreditation,
    'accreditationId' | 'assessorId' | 'standardId' | 'validFrom' | 'validUntil' | 'withdrawnOn'
  >[];
}

export function centreFacts(state: CentreState): CentreFacts | undefined {
  if (state.status === 'unregistered') return undefined;
  return {
    centreId: state.centreId,
    accreditations: state.accreditations.map(({ accreditationId, assessorId, standardId, validFrom, validUntil, withdrawnOn }) => ({
      accreditationId,
      assessorId,
      standardId,
      validFrom,
      validUntil,
      ...(withdrawnOn === undefined ? {} : { withdrawnOn }),
    })),
  };
}

/** Whether the assessor was accredited at the centre for the standard on that date. */
export function accreditedOn(centre: CentreFacts, assessorId: string, standardId: string, on: string): boolean {
  return centre.accreditations.some(
    (a) => a.assessorId === assessorId && a.standardId === standardId && a.validFrom <= on && on <= lastDayOf(a),
  );
}
