import { assertNever } from '@homeward/assert-never';
import type { Money } from '../vacancy/vacancy.events';

/**
 * Events of one referral of a job seeker to a vacancy, `referral-<referralId>`: made (with the score and its
 * explanation as shown then), interviews, then closed without a hire or hired; after a hire, the end of the
 * placement.
 */

export type InterviewOutcome = 'passed' | 'not_selected' | 'no_show' | 'pending';
export type ReferralCloseReason = 'not_selected' | 'declined_by_seeker' | 'vacancy_withdrawn' | 'vacancy_filled';
export type ContractType = 'permanent' | 'fixed_term' | 'casual';
export type PlacementEndReason = 'contract_completed' | 'resigned' | 'dismissed' | 'remigrated' | 'other';

export interface ScoreFactor {
  readonly name: string;
  readonly weightMilli: number;
  readonly valueMilli: number;
  readonly contributionMilli: number;
  readonly evidence: readonly string[];
  readonly citedEventIds: readonly string[];
}

export interface ReferralMade {
  readonly type: 'ReferralMade';
  readonly data: {
    readonly referralId: string;
    readonly vacancyId: string;
    readonly workerId: string;
    readonly employerId: string;
    readonly referredOn: string;
    readonly weightsVersion: string;
    readonly scoreMilli: number;
    readonly factors: readonly ScoreFactor[];
  };
}

export interface InterviewRecorded {
  readonly type: 'InterviewRecorded';
  readonly data: { readonly referralId: string; readonly interviewedOn: string; readonly outcome: InterviewOutcome };
}

export interface ReferralClosed {
  readonly type: 'ReferralClosed';
  readonly data: { readonly referralId: string; readonly closedOn: string; readonly reason: ReferralCloseReason };
}

export interface HireRecorded {
  readonly type: 'HireRecorded';
  readonly data: {
    readonly referralId: string;
    readonly vacancyId: string;
    readonly workerId: string;
    readonly hiredOn: string;
    readonly startsOn: string;
    readonly contractType: ContractType;
    readonly monthlyWage: Money;
    readonly occupationIsco: string;
  };
}

export interface PlacementEnded {
  readonly type: 'PlacementEnded';
  readonly data: { readonly referralId: string; readonly workerId: string; readonly endedOn: string; readonly reason: PlacementEndReason };
}

export type ReferralEvent = ReferralMade | InterviewRecorded | ReferralClosed | HireRecorded | PlacementEnded;

export function referralEventOn(event: ReferralEvent): string {
  switch (event.type) {
    case 'ReferralMade':
      return event.data.referredOn;
    case 'InterviewRecorded':
      return event.data.interviewedOn;
    case 'ReferralClosed':
      return event.data.closedOn;
    case 'HireRecorded':
      return event.data.hiredOn;
    case 'PlacementEnded':
      return event.data.endedOn;
    default:
      assertNever(event, 'event');
  }
}
