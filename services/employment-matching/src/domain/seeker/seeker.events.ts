import { assertNever } from '@homeward/assert-never';

/**
 * Events of a returnee's stream as a job seeker, `seeker-<workerId>`: registered (on return or on request),
 * preferences set (each replacing the last), left (placed, on request, re-migrated, deceased). A seeker who
 * left may be registered again (a later return, a new request).
 */

export type SeekerBasis = 'return' | 'request';
export type SeekerLeaveReason = 'placed' | 'on_request' | 'remigrated' | 'deceased';

export interface JobSeekerRegistered {
  readonly type: 'JobSeekerRegistered';
  readonly data: {
    readonly workerId: string;
    readonly registeredOn: string;
    readonly basis: SeekerBasis;
    /** Registration's ReturnRecorded it came from; absent on request. */
    readonly sourceEventId?: string;
    /** The migration cycle whose return it follows; 0 when not known. */
    readonly cycleNumber: number;
    readonly returnedOn?: string;
  };
}

export interface JobSeekerPreferencesSet {
  readonly type: 'JobSeekerPreferencesSet';
  readonly data: {
    readonly workerId: string;
    readonly setOn: string;
    /** ISCO-08 unit groups. */
    readonly occupations: readonly string[];
    /** ISO 3166-2 subdivisions; empty means the origin area only. */
    readonly areas: readonly string[];
    readonly willingToRelocate: boolean;
    readonly availableFrom?: string;
  };
}

export interface JobSeekerLeft {
  readonly type: 'JobSeekerLeft';
  readonly data: { readonly workerId: string; readonly leftOn: string; readonly reason: SeekerLeaveReason };
}

export type SeekerEvent = JobSeekerRegistered | JobSeekerPreferencesSet | JobSeekerLeft;

export function seekerEventOn(event: SeekerEvent): string {
  switch (event.type) {
    case 'JobSeekerRegistered':
      return event.data.registeredOn;
    case 'JobSeekerPreferencesSet':
      return event.data.setOn;
    case 'JobSeekerLeft':
      return event.data.leftOn;
    default:
      assertNever(event, 'event');
  }
}
