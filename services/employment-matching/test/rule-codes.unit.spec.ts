import { join } from 'node:path';
import { loadOpenApiDocument } from '@homeward/service-kit/openapi-validation';
import { DeciderSpecification } from '@homeward/testing/decider';
import { EmploymentRuleViolation, type Clocked } from '../src/domain/employment.errors';
import { EMPLOYMENT_RULES, ruleCode, type EmploymentRule } from '../src/domain/employment.rules';
import { referralDecider, type ReferralCommand } from '../src/domain/referral/referral.decider';
import type { ReferralEvent } from '../src/domain/referral/referral.events';
import { seekerDecider, type SeekerCommand } from '../src/domain/seeker/seeker.decider';
import type { SeekerEvent } from '../src/domain/seeker/seeker.events';
import { vacancyDecider, type VacancyCommand } from '../src/domain/vacancy/vacancy.decider';
import type { VacancyEvent } from '../src/domain/vacancy/vacancy.events';
import {
  at,
  hire,
  hired,
  housekeeping,
  interviewed,
  openVacancy,
  placementEnded,
  post,
  posted,
  refer,
  referralClosed,
  referred,
  seekerLeft,
  seekerRegistered,
  setPreferences,
  vacancyClosed,
  vacancyFilled,
  vacancyWithdrawn,
  workerId,
} from '../src/domain/testing/employment.fixture';

// Every rule of the employment deciders has a code of its own, and a client meets it with the field at fault.
// A rule added to EMPLOYMENT_RULES without a case below fails to compile.

const vacancies = DeciderSpecification(vacancyDecider);
const seekers = DeciderSpecification(seekerDecider);
const referrals = DeciderSpecification(referralDecider);

type Check = (e: EmploymentRuleViolation) => void;
type Case = { readonly refuse: (check: Check) => void; readonly field: string };
const onVacancy = (given: readonly VacancyEvent[], command: VacancyCommand) => (check: Check) =>
  vacancies
    .given(given)
    .when(at(command) as Clocked<VacancyCommand>)
    .thenThrows(EmploymentRuleViolation, check);
const onSeeker = (given: readonly SeekerEvent[], command: SeekerCommand) => (check: Check) =>
  seekers
    .given(given)
    .when(at(command) as Clocked<SeekerCommand>)
    .thenThrows(EmploymentRuleViolation, check);
const onReferral = (given: readonly ReferralEvent[], command: ReferralCommand) => (check: Check) =>
  referrals
    .given(given)
    .when(at(command) as Clocked<ReferralCommand>)
    .thenThrows(EmploymentRuleViolation, check);

const cases: Record<EmploymentRule, Case> = {
  'date-before-earliest': { refuse: onVacancy([], post({ closingOn: '0001-01-01' })), field: 'closingOn' },
  'date-in-future': {
    refuse: onReferral([referred], { type: 'RecordInterview', data: { interviewedOn: '2025-07-05', outcome: 'passed' } }),
    field: 'interviewedOn',
  },
  'vacancy-already-posted': { refuse: onVacancy([posted], post()), field: 'vacancyId' },
  'wage-negative': { refuse: onVacancy([], post({ monthlyWage: { currency: 'PHP', amountMinor: -1 } })), field: 'monthlyWage.amountMinor' },
  'no-openings': { refuse: onVacancy([], post({ openings: 0 })), field: 'openings' },
  'closing-date-in-past': { refuse: onVacancy([], post({ closingOn: '2025-06-30' })), field: 'closingOn' },
  'experience-out-of-range': { refuse: onVacancy([], post({ experienceMonths: 601 })), field: 'experienceMonths' },
  'unknown-standard': { refuse: onVacancy([], post({ requiredStandards: ['rmcs-welding'] })), field: 'requiredStandards.0' },
  'standard-withdrawn': {
    refuse: onVacancy([], post({ standards: new Map([[housekeeping.standardId, { ...housekeeping, withdrawn: true }]]) })),
    field: 'requiredUnits.0.standardId',
  },
  'unknown-unit': {
    refuse: onVacancy([], post({ requiredUnits: [{ standardId: 'rmcs-housekeeping', unitCode: 'HHK-99' }] })),
    field: 'requiredUnits.0.unitCode',
  },
  'duplicate-requirement': { refuse: onVacancy([], post({ requiredStandards: ['rmcs-housekeeping'] })), field: 'requiredUnits.0' },
  'vacancy-closed': { refuse: onVacancy([posted, vacancyClosed], { type: 'CloseVacancy', data: {} }), field: '' },
  'vacancy-withdrawn': { refuse: onVacancy([posted, vacancyWithdrawn], { type: 'CloseVacancy', data: {} }), field: '' },
  'vacancy-filled': { refuse: onVacancy([posted, vacancyFilled], { type: 'WithdrawVacancy', data: { reason: 'x' } }), field: '' },
  'seeker-already-registered': {
    refuse: onSeeker([seekerRegistered], { type: 'RegisterJobSeeker', data: { workerId } }),
    field: 'workerId',
  },
  'seeker-not-registered': { refuse: onReferral([], refer({ seeker: { workerId, status: 'unregistered' } })), field: 'workerId' },
  'seeker-left': { refuse: onSeeker([seekerRegistered, seekerLeft], setPreferences()), field: '' },
  'available-before-registration': {
    refuse: onSeeker([seekerRegistered], setPreferences({ availableFrom: '2025-05-01' })),
    field: 'availableFrom',
  },
  'referral-already-made': { refuse: onReferral([referred], refer()), field: 'referralId' },
  'unknown-vacancy': { refuse: onReferral([], refer({ vacancy: undefined })), field: 'vacancyId' },
  'vacancy-past-closing-date': {
    refuse: onReferral([], refer({ vacancy: { ...openVacancy, closingOn: '2025-06-30' } })),
    field: 'vacancyId',
  },
  'seeker-not-active': { refuse: onReferral([], refer({ seeker: { workerId, status: 'left' } })), field: 'workerId' },
  'referral-already-live': { refuse: onReferral([], refer({ liveReferralId: 'another' })), field: 'workerId' },
  'match-unavailable': { refuse: onReferral([], refer({ match: undefined })), field: 'workerId' },
  'referral-closed': { refuse: onReferral([referred, referralClosed], hire()), field: '' },
  'referral-hired': { refuse: onReferral([referred, hired], { type: 'CloseReferral', data: { reason: 'not_selected' } }), field: '' },
  'interview-before-referral': {
    refuse: onReferral([referred], { type: 'RecordInterview', data: { interviewedOn: '2025-06-09', outcome: 'passed' } }),
    field: 'interviewedOn',
  },
  'hire-before-referral': { refuse: onReferral([referred, interviewed], hire({ hiredOn: '2025-06-14' })), field: 'hiredOn' },
  'start-before-hire': { refuse: onReferral([referred], hire({ startsOn: '2025-06-19' })), field: 'startsOn' },
  'vacancy-no-openings-left': { refuse: onReferral([referred], hire({ vacancy: { ...openVacancy, hires: 2 } })), field: '' },
  'placement-not-started': {
    refuse: onReferral([referred], { type: 'EndPlacement', data: { endedOn: '2025-06-30', reason: 'resigned' } }),
    field: '',
  },
  'placement-already-ended': {
    refuse: onReferral([referred, hired, placementEnded], { type: 'EndPlacement', data: { endedOn: '2025-06-30', reason: 'resigned' } }),
    field: '',
  },
  'placement-end-before-start': {
    refuse: onReferral([referred, hired], { type: 'EndPlacement', data: { endedOn: '2025-06-22', reason: 'resigned' } }),
    field: 'endedOn',
  },
};

describe('the employment rules', () => {
  it.each(EMPLOYMENT_RULES)('%s: refused with its code and the field at fault', (rule) => {
    const { refuse, field } = cases[rule];
    refuse((error) => {
      expect(error.code).toBe(ruleCode(rule));
      expect(error.field).toBe(field);
      expect(error.message).not.toBe('');
    });
  });

  it('has codes that are unique and shaped employment.<kebab-case>', () => {
    const codes = EMPLOYMENT_RULES.map(ruleCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^employment\.[a-z]+(-[a-z]+)*$/);
  });
});

describe('the rule codes as documented', () => {
  it('are each listed in the OpenAPI document, and nothing else of the service beside the key reuse', () => {
    const document = loadOpenApiDocument(join(__dirname, '..', 'openapi', 'employment-matching.v1.yaml'));
    const schemas = (document.components as { schemas: Record<string, { enum?: string[] }> }).schemas;
    const listed = schemas.RuleCode?.enum ?? [];
    expect([...listed].sort()).toEqual([...EMPLOYMENT_RULES.map(ruleCode), 'idempotency.key-reused'].sort());
  });
});
