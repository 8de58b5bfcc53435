/**
 * What statistics learn from the employment topic (homeward.employment.events.v1): job seekers registered,
 * vacancies and what became of them, referrals, interviews, hires and the end of placements — the figures
 * of the reintegration outcome tables and of the vacancies and referrals tables, and nothing else. No
 * employer, no title, no wage, no score: none of it is tabulated.
 *
 * An employment fact's stream is the employment service's ("vacancy-<id>", "seeker-<worker>",
 * "referral-<id>"): facts are deduplicated by stream and version, as skills facts are. Dates are ISO
 * calendar dates; `recordedAt` is when the employment service recorded the event (epoch milliseconds).
 */

interface EmploymentFactOf<T extends string, D> {
  readonly type: T;
  readonly stream: string;
  /** 1-based position of the event in its stream: redeliveries are recognised by it. */
  readonly version: number;
  readonly recordedAt: number;
  readonly data: D;
}

/** A returnee became a job seeker (on return, or on request). */
export type JobSeekerRegistered = EmploymentFactOf<'JobSeekerRegistered', { readonly workerId: string; readonly registeredOn: string }>;

export type VacancyPosted = EmploymentFactOf<
  'VacancyPosted',
  {
    readonly vacancyId: string;
    /** ISCO-08 unit group. */
    readonly occupation: string;
    /** ISO 3166-2 subdivision of the workplace. */
    readonly location: string;
    readonly postedOn: string;
  }
>;

export type VacancyEnd = 'closed' | 'filled' | 'withdrawn';

/** The vacancy stopped taking referrals: closed unfilled, filled, or withdrawn. */
export type VacancyEnded = EmploymentFactOf<'VacancyEnded', { readonly vacancyId: string; readonly end: VacancyEnd; readonly on: string }>;

export type ReferralMade = EmploymentFactOf<
  'ReferralMade',
  { readonly referralId: string; readonly vacancyId: string; readonly workerId: string; readonly referredOn: string }
>;

export type InterviewRecorded = EmploymentFactOf<'InterviewRecorded', { readonly referralId: string; readonly interviewedOn: string }>;

export type ReferralClosed = EmploymentFactOf<'ReferralClosed', { readonly referralId: string; readonly closedOn: string }>;

/**
 * A hire: a placement starts. `startsOn` is the first day of work (the date the outcome tables go by);
 * `hiredOn` the day the hire was agreed (the date of the hires flow).
 */
export type HireRecorded = EmploymentFactOf<
  'HireRecorded',
  {
    readonly referralId: string;
    readonly vacancyId: string;
    readonly workerId: string;
    readonly hiredOn: string;
    /** The first day of work; absent when the event does not say (the hire's day is taken then). */
    readonly startsOn?: string;
    /** ISCO-08 unit group of the vacancy. */
    readonly occupation: string;
  }
>;

export type PlacementEnded = EmploymentFactOf<
  'PlacementEnded',
  { readonly referralId: string; readonly workerId: string; readonly endedOn: string }
>;

export type EmploymentFact =
  JobSeekerRegistered | VacancyPosted | VacancyEnded | ReferralMade | InterviewRecorded | ReferralClosed | HireRecorded | PlacementEnded;

export const EMPLOYMENT_FACT_TYPES: ReadonlySet<EmploymentFact['type']> = new Set([
  'JobSeekerRegistered',
  'VacancyPosted',
  'VacancyEnded',
  'ReferralMade',
  'InterviewRecorded',
  'ReferralClosed',
  'HireRecorded',
  'PlacementEnded',
]);
