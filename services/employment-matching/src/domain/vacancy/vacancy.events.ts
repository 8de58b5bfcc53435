import { assertNever } from '@homeward/assert-never';

/**
 * Events of a vacancy's stream, `vacancy-<vacancyId>`: posted, then at most one of closed (no more referrals;
 * those made go on), filled (every opening has a hire) or withdrawn (taken back). A closed vacancy may still
 * be filled or withdrawn. Dates are ISO calendar dates (YYYY-MM-DD).
 */

export type PosterKind = 'employer' | 'employment_office';
export type VacancyCloseReason = 'closing_date_passed' | 'closed_by_employer';

export interface Money {
  /** ISO 4217. */
  readonly currency: string;
  /** In the currency's minor units: no float ever rounds a wage. */
  readonly amountMinor: number;
}

export interface RequiredUnit {
  readonly standardId: string;
  readonly unitCode: string;
}

export interface VacancyPosted {
  readonly type: 'VacancyPosted';
  readonly data: {
    readonly vacancyId: string;
    /** The organisation that owns the vacancy: only it and the employment office act on it. */
    readonly employerId: string;
    readonly postedBy: PosterKind;
    readonly title: string;
    /** ISCO-08 unit group, e.g. "5152". */
    readonly occupationIsco: string;
    readonly requiredStandards: readonly string[];
    readonly requiredUnits: readonly RequiredUnit[];
    readonly experienceMonths: number;
    /** ISO 3166-2 subdivision. */
    readonly location: string;
    /** ISO 639-1 codes. */
    readonly languages: readonly string[];
    readonly monthlyWage: Money;
    readonly openings: number;
    readonly closingOn: string;
    readonly postedOn: string;
  };
}

export interface VacancyClosed {
  readonly type: 'VacancyClosed';
  readonly data: { readonly vacancyId: string; readonly closedOn: string; readonly reason: VacancyCloseReason };
}

export interface VacancyFilled {
  readonly type: 'VacancyFilled';
  readonly data: { readonly vacancyId: string; readonly filledOn: string };
}

export interface VacancyWithdrawn {
  readonly type: 'VacancyWithdrawn';
  readonly data: { readonly vacancyId: string; readonly withdrawnOn: string; readonly reason: string };
}

export type VacancyEvent = VacancyPosted | VacancyClosed | VacancyFilled | VacancyWithdrawn;

/** When it happened in the world, for the envelope's occurred-at. */
export function vacancyEventOn(event: VacancyEvent): string {
  switch (event.type) {
    case 'VacancyPosted':
      return event.data.postedOn;
    case 'VacancyClosed':
      return event.data.closedOn;
    case 'VacancyFilled':
      return event.data.filledOn;
    case 'VacancyWithdrawn':
      return event.data.withdrawnOn;
    default:
      assertNever(event, 'event');
  }
}
