import { assertNever } from '@homeward/assert-never';

/**
 * Events of an assessment centre's stream, `centre-<centreId>`: the centre and the assessors accredited
 * there, per standard, for a period. Dates are ISO calendar dates (YYYY-MM-DD).
 */

export interface AssessmentCentreRegistered {
  readonly type: 'AssessmentCentreRegistered';
  readonly data: {
    readonly centreId: string;
    readonly name: string;
    /** ISO 3166-2 subdivision code, e.g. "PH-03". */
    readonly subdivision: string;
    readonly registeredOn: string;
  };
}

/**
 * An assessor may assess against the standard at this centre from `validFrom` to `validUntil`, both
 * inclusive. The assessor's name is that of a professional in a public role, not sealed.
 */
export interface AssessorAccredited {
  readonly type: 'AssessorAccredited';
  readonly data: {
    readonly centreId: string;
    readonly accreditationId: string;
    readonly assessorId: string;
    readonly assessorName: string;
    readonly standardId: string;
    readonly validFrom: string;
    readonly validUntil: string;
    readonly accreditedOn: string;
  };
}

/** The accreditation ends early: it covers no assessment dated on or after `withdrawnOn`. */
export interface AccreditationWithdrawn {
  readonly type: 'AccreditationWithdrawn';
  readonly data: { readonly centreId: string; readonly accreditationId: string; readonly withdrawnOn: string };
}

export type CentreEvent = AssessmentCentreRegistered | AssessorAccredited | AccreditationWithdrawn;

/** When it happened in the world, for the envelope's occurred-at. */
export function centreEventOn(event: CentreEvent): string {
  switch (event.type) {
    case 'AssessmentCentreRegistered':
      return event.data.registeredOn;
    case 'AssessorAccredited':
      return event.data.accreditedOn;
    case 'AccreditationWithdrawn':
      return event.data.withdrawnOn;
    default:
      assertNever(event, 'event');
  }
}
