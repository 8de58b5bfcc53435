import { DeciderSpecification } from '@homeward/testing/decider';
import { EmploymentRuleViolation, ReferralNotFound, type Clocked } from '../employment.errors';
import {
  TODAY,
  at,
  employerId,
  hire,
  hired,
  interviewed,
  match,
  openVacancy,
  refer,
  referralId,
  referred,
  vacancyId,
  workerId,
} from '../testing/employment.fixture';
import { referralDecider, type ReferralCommand } from './referral.decider';

const spec = DeciderSpecification(referralDecider);
const when = (c: ReferralCommand) => at(c) as Clocked<ReferralCommand>;

describe('a referral not yet made', () => {
  it('is made with the engine’s score and explanation, to the vacancy’s owner, dated today', () =>
    spec
      .given([])
      .when(when(refer()))
      .then([
        {
          type: 'ReferralMade',
          data: {
            referralId,
            vacancyId,
            workerId,
            employerId,
            referredOn: TODAY,
            weightsVersion: match.weightsVersion,
            scoreMilli: 1500,
            factors: match.factors,
          },
        },
      ]));

  it('refuses a vacancy that is closed', () =>
    spec
      .given([])
      .when(when(refer({ vacancy: { ...openVacancy, status: 'closed' } })))
      .thenThrows(EmploymentRuleViolation, (e) => expect(e.code).toBe('employment.vacancy-closed')));

  it('has no interview, hire or end of placement: 404', () => {
    spec.given([]).when(when(hire())).thenThrows(ReferralNotFound);
    spec
      .given([])
      .when(when({ type: 'CloseReferral', data: { reason: 'not_selected' } }))
      .thenThrows(ReferralNotFound);
  });
});

describe('a referral made', () => {
  it('records an interview dated on or after it', () =>
    spec
      .given([referred])
      .when(when({ type: 'RecordInterview', data: { interviewedOn: '2025-06-15', outcome: 'passed' } }))
      .then([interviewed]));

  it('records the hire with the vacancy’s occupation and, when none is agreed, its wage', () =>
    spec.given([referred, interviewed]).when(when(hire())).then([hired]));

  it('records a hire when the vacancy is closed but has an opening left', () =>
    spec
      .given([referred])
      .when(when(hire({ vacancy: { ...openVacancy, status: 'closed', hires: 1 } })))
      .then([hired]));

  it('refuses a hire on a withdrawn vacancy', () =>
    spec
      .given([referred])
      .when(when(hire({ vacancy: { ...openVacancy, status: 'withdrawn' } })))
      .thenThrows(EmploymentRuleViolation, (e) => expect(e.code).toBe('employment.vacancy-withdrawn')));
});

describe('a referral that led to a hire', () => {
  it('ends the placement on or after its first day', () =>
    spec
      .given([referred, hired])
      .when(when({ type: 'EndPlacement', data: { endedOn: '2025-06-30', reason: 'contract_completed' } }))
      .then([{ type: 'PlacementEnded', data: { referralId, workerId, endedOn: '2025-06-30', reason: 'contract_completed' } }]));

  it('takes no second hire', () =>
    spec
      .given([referred, hired])
      .when(when(hire()))
      .thenThrows(EmploymentRuleViolation, (e) => expect(e.code).toBe('employment.referral-hired')));
});
