import { assertNever } from '@homeward/assert-never';
import { codeChecks, codeCollector } from '../employment.codes';
import { notBefore, notInFuture, todayOf } from '../employment.dates';
import { EmploymentRuleViolation, ReferralNotFound, UnknownCodes, type Clocked } from '../employment.errors';
import type { SeekerFacts } from '../seeker/seeker.state';
import type { Money } from '../vacancy/vacancy.events';
import type { VacancyFacts } from '../vacancy/vacancy.state';
import type {
  ContractType,
  HireRecorded,
  InterviewOutcome,
  InterviewRecorded,
  PlacementEndReason,
  PlacementEnded,
  ReferralCloseReason,
  ReferralClosed,
  ReferralEvent,
  ReferralMade,
  ScoreFactor,
} from './referral.events';
import { evolve, initialState, type MadeReferral, type ReferralState } from './referral.state';

/** The matching engine's explained score, as the application got it (the `MatchExplainer` port). */
export interface MatchScore {
  readonly weightsVersion: string;
  readonly scoreMilli: number;
  readonly factors: readonly ScoreFactor[];
}

export type MakeReferral = {
  readonly type: 'MakeReferral';
  readonly data: {
    readonly referralId: string;
    readonly vacancyId: string;
    readonly workerId: string;
    /** The vacancy as it is in the command's transaction; undefined when none is posted under the id. */
    readonly vacancy: VacancyFacts | undefined;
    readonly seeker: SeekerFacts;
    /** A referral of the same seeker to the same vacancy that is neither closed nor ended, if there is one. */
    readonly liveReferralId: string | undefined;
    /** What the matching engine answered; undefined when it does not know the seeker or the vacancy. */
    readonly match: MatchScore | undefined;
  };
};
export type RecordInterview = {
  readonly type: 'RecordInterview';
  readonly data: { readonly interviewedOn: string; readonly outcome: InterviewOutcome };
};
export type CloseReferral = { readonly type: 'CloseReferral'; readonly data: { readonly reason: ReferralCloseReason } };
export type RecordHire = {
  readonly type: 'RecordHire';
  readonly data: {
    readonly hiredOn: string;
    readonly startsOn: string;
    readonly contractType: ContractType;
    /** The wage agreed; the vacancy's when absent. */
    readonly monthlyWage?: Money;
    /** The referral's vacancy as it is in the command's transaction, with the hires already recorded. */
    readonly vacancy: VacancyFacts;
  };
};
export type EndPlacement = {
  readonly type: 'EndPlacement';
  readonly data: { readonly endedOn: string; readonly reason: PlacementEndReason };
};

export type ReferralCommand = MakeReferral | RecordInterview | CloseReferral | RecordHire | EndPlacement;

export function decide(command: Clocked<ReferralCommand>, state: ReferralState): ReferralEvent[] {
  const today = todayOf(command.metadata.now);
  switch (command.type) {
    case 'MakeReferral':
      return [refer(command, state, today)];
    case 'RecordInterview':
      return [interview(command, stillReferred(made(state)), today)];
    case 'CloseReferral':
      return [close(command, stillReferred(made(state)), today)];
    case 'RecordHire':
      return [hire(command, stillReferred(made(state)), today)];
    case 'EndPlacement':
      return [endPlacement(command, made(state), today)];
    default:
      assertNever(command, 'command');
  }
}

export const referralDecider = { decide, evolve, initialState };

function made(state: ReferralState): MadeReferral {
  if (state.status === 'none') throw new ReferralNotFound('no referral is recorded under this id');
  return state;
}

function stillReferred(referral: MadeReferral): MadeReferral {
  if (referral.status === 'closed')
    throw new EmploymentRuleViolation(
      'referral-closed',
      '',
      `the referral was closed on ${referral.closed?.on} (${referral.closed?.reason})`,
    );
  if (referral.status === 'hired' || referral.status === 'placement_ended')
    throw new EmploymentRuleViolation('referral-hired', '', `the referral led to a hire on ${referral.hire?.hiredOn}`);
  return referral;
}

/** A vacancy that takes referrals: posted, open (not closed, filled or withdrawn) and not past its closing date. */
function refer({ data }: Clocked<MakeReferral>, state: ReferralState, today: string): ReferralMade {
  if (state.status !== 'none')
    throw new EmploymentRuleViolation('referral-already-made', 'referralId', `a referral is already recorded under ${data.referralId}`);
  const vacancy = data.vacancy;
  if (!vacancy) throw new EmploymentRuleViolation('unknown-vacancy', 'vacancyId', `no vacancy is posted under ${data.vacancyId}`);
  if (vacancy.status === 'closed')
    throw new EmploymentRuleViolation('vacancy-closed', 'vacancyId', 'the vacancy is closed: it takes no more referrals');
  if (vacancy.status === 'filled') throw new EmploymentRuleViolation('vacancy-filled', 'vacancyId', 'the vacancy is filled');
  if (vacancy.status === 'withdrawn') throw new EmploymentRuleViolation('vacancy-withdrawn', 'vacancyId', 'the vacancy was withdrawn');
  if (vacancy.closingOn < today)
    throw new EmploymentRuleViolation(
      'vacancy-past-closing-date',
      'vacancyId',
      `the vacancy closed for applications on ${vacancy.closingOn}`,
    );
  if (data.seeker.status === 'unregistered')
    throw new EmploymentRuleViolation('seeker-not-registered', 'workerId', `worker ${data.workerId} is not registered as a job seeker`);
  if (data.seeker.status === 'left')
    throw new EmploymentRuleViolation('seeker-not-active', 'workerId', `worker ${data.workerId} is no longer seeking work`);
  if (data.liveReferralId !== undefined)
    throw new EmploymentRuleViolation(
      'referral-already-live',
      'workerId',
      `the worker is already referred to this vacancy (referral ${data.liveReferralId})`,
    );
  if (!data.match)
    throw new EmploymentRuleViolation('match-unavailable', 'workerId', 'the matching engine has no score for this seeker and vacancy yet');
  return {
    type: 'ReferralMade',
    data: {
      referralId: data.referralId,
      vacancyId: vacancy.vacancyId,
      workerId: data.workerId,
      employerId: vacancy.employerId,
      referredOn: today,
      weightsVersion: data.match.weightsVersion,
      scoreMilli: data.match.scoreMilli,
      factors: data.match.factors.map((f) => ({ ...f, evidence: [...f.evidence], citedEventIds: [...f.citedEventIds] })),
    },
  };
}

function interview({ data }: Clocked<RecordInterview>, referral: MadeReferral, today: string): InterviewRecorded {
  notInFuture(data.interviewedOn, today, 'interviewedOn', 'the interview');
  notBefore('interview-before-referral', data.interviewedOn, referral.referredOn, 'interviewedOn', 'the interview', 'the referral');
  return { type: 'InterviewRecorded', data: { referralId: referral.referralId, interviewedOn: data.interviewedOn, outcome: data.outcome } };
}

function close({ data }: Clocked<CloseReferral>, referral: MadeReferral, today: string): ReferralClosed {
  return { type: 'ReferralClosed', data: { referralId: referral.referralId, closedOn: today, reason: data.reason } };
}

/**
 * A hire is recorded only on a referral (there is no hire without one), while the referral is live, and
 * while the vacancy has an opening left: a closed vacancy's referrals may still lead to hires, a withdrawn
 * or filled one's may not.
 */
function hire({ data }: Clocked<RecordHire>, referral: MadeReferral, today: string): HireRecorded {
  const { vacancy } = data;
  if (vacancy.status === 'withdrawn') throw new EmploymentRuleViolation('vacancy-withdrawn', '', 'the vacancy was withdrawn');
  if (vacancy.status === 'filled' || vacancy.hires >= vacancy.openings)
    throw new EmploymentRuleViolation('vacancy-no-openings-left', '', `every opening of the vacancy (${vacancy.openings}) has a hire`);
  notInFuture(data.hiredOn, today, 'hiredOn', 'the hire');
  const lastInterview = referral.interviews.reduce((a, i) => (i.interviewedOn > a ? i.interviewedOn : a), referral.referredOn);
  notBefore('hire-before-referral', data.hiredOn, lastInterview, 'hiredOn', 'the hire', 'the referral or its last interview');
  notBefore('start-before-hire', data.startsOn, data.hiredOn, 'startsOn', 'the first day of work', 'the hire');
  const wage = data.monthlyWage ?? vacancy.monthlyWage;
  if (data.monthlyWage) {
    const { check, errors } = codeCollector();
    check(['monthlyWage', 'currency'], data.monthlyWage.currency, codeChecks.currency);
    if (errors.length > 0) throw new UnknownCodes(errors);
    if (!Number.isSafeInteger(wage.amountMinor) || wage.amountMinor < 0)
      throw new EmploymentRuleViolation('wage-negative', 'monthlyWage.amountMinor', `a wage cannot be negative (${wage.amountMinor})`);
  }
  return {
    type: 'HireRecorded',
    data: {
      referralId: referral.referralId,
      vacancyId: referral.vacancyId,
      workerId: referral.workerId,
      hiredOn: data.hiredOn,
      startsOn: data.startsOn,
      contractType: data.contractType,
      monthlyWage: { currency: wage.currency, amountMinor: wage.amountMinor },
      occupationIsco: vacancy.occupationIsco,
    },
  };
}

function endPlacement({ data }: Clocked<EndPlacement>, referral: MadeReferral, today: string): PlacementEnded {
  if (referral.status === 'placement_ended')
    throw new EmploymentRuleViolation('placement-already-ended', '', `the placement ended on ${referral.placementEnded?.on}`);
  if (referral.status !== 'hired' || !referral.hire)
    throw new EmploymentRuleViolation('placement-not-started', '', 'the referral led to no hire: there is no placement to end');
  notInFuture(data.endedOn, today, 'endedOn', 'the end of the placement');
  notBefore('placement-end-before-start', data.endedOn, referral.hire.startsOn, 'endedOn', 'the end of the placement', 'its first day');
  return {
    type: 'PlacementEnded',
    data: { referralId: referral.referralId, workerId: referral.workerId, endedOn: data.endedOn, reason: data.reason },
  };
}
