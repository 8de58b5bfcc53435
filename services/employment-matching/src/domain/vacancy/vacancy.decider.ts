import { assertNever } from '@homeward/assert-never';
import { codeChecks, codeCollector } from '../employment.codes';
import { notBeforeEarliest, todayOf } from '../employment.dates';
import { EmploymentRuleViolation, UnknownCodes, VacancyNotFound, type Clocked } from '../employment.errors';
import type {
  Money,
  PosterKind,
  RequiredUnit,
  VacancyClosed,
  VacancyEvent,
  VacancyFilled,
  VacancyPosted,
  VacancyWithdrawn,
} from './vacancy.events';
import { evolve, initialState, type PostedVacancy, type VacancyState } from './vacancy.state';

/**
 * A published competency standard as this service knows it from skills-certification's topic: looked up by
 * the application layer (the `PublishedStandards` port) and passed in the command, so that `decide` stays pure.
 */
export interface KnownStandard {
  readonly standardId: string;
  readonly withdrawn: boolean;
  readonly unitCodes: readonly string[];
}

/** Months of experience a vacancy may ask for: up to 50 years. */
export const MAX_EXPERIENCE_MONTHS = 600;

export type PostVacancy = {
  readonly type: 'PostVacancy';
  readonly data: {
    readonly vacancyId: string;
    readonly employerId: string;
    readonly postedBy: PosterKind;
    readonly title: string;
    readonly occupationIsco: string;
    readonly requiredStandards: readonly string[];
    readonly requiredUnits: readonly RequiredUnit[];
    readonly experienceMonths: number;
    readonly location: string;
    readonly languages: readonly string[];
    readonly monthlyWage: Money;
    readonly openings: number;
    readonly closingOn: string;
    /** The standards the requirements name, as the application found them: absent when not published. */
    readonly standards: ReadonlyMap<string, KnownStandard>;
  };
};
export type CloseVacancy = { readonly type: 'CloseVacancy'; readonly data: Record<string, never> };
export type WithdrawVacancy = { readonly type: 'WithdrawVacancy'; readonly data: { readonly reason: string } };
/** Recorded by the hire that takes the last opening (see application/referrals.commands.ts). */
export type FillVacancy = { readonly type: 'FillVacancy'; readonly data: Record<string, never> };

export type VacancyCommand = PostVacancy | CloseVacancy | WithdrawVacancy | FillVacancy;

export function decide(command: Clocked<VacancyCommand>, state: VacancyState): VacancyEvent[] {
  const today = todayOf(command.metadata.now);
  switch (command.type) {
    case 'PostVacancy':
      return [post(command, state, today)];
    case 'CloseVacancy':
      return [close(posted(state), today)];
    case 'WithdrawVacancy':
      return [withdraw(command, posted(state), today)];
    case 'FillVacancy':
      return [fill(posted(state), today)];
    default:
      assertNever(command, 'command');
  }
}

export const vacancyDecider = { decide, evolve, initialState };

function posted(state: VacancyState): PostedVacancy {
  if (state.status === 'unposted') throw new VacancyNotFound('no vacancy is posted under this id');
  return state;
}

function post({ data }: Clocked<PostVacancy>, state: VacancyState, today: string): VacancyPosted {
  if (state.status !== 'unposted')
    throw new EmploymentRuleViolation('vacancy-already-posted', 'vacancyId', `a vacancy is already posted under ${data.vacancyId}`);
  const { check, errors } = codeCollector();
  check(['occupationIsco'], data.occupationIsco, codeChecks.occupation);
  check(['location'], data.location, codeChecks.subdivision);
  data.languages.forEach((l, i) => check(['languages', i], l, codeChecks.language));
  check(['monthlyWage', 'currency'], data.monthlyWage.currency, codeChecks.currency);
  if (errors.length > 0) throw new UnknownCodes(errors);
  if (!Number.isSafeInteger(data.monthlyWage.amountMinor) || data.monthlyWage.amountMinor < 0)
    throw new EmploymentRuleViolation(
      'wage-negative',
      'monthlyWage.amountMinor',
      `a wage cannot be negative (${data.monthlyWage.amountMinor})`,
    );
  if (!Number.isInteger(data.openings) || data.openings < 1)
    throw new EmploymentRuleViolation('no-openings', 'openings', `a vacancy has at least one opening, not ${data.openings}`);
  if (!Number.isInteger(data.experienceMonths) || data.experienceMonths < 0 || data.experienceMonths > MAX_EXPERIENCE_MONTHS)
    throw new EmploymentRuleViolation(
      'experience-out-of-range',
      'experienceMonths',
      `experience wanted is between 0 and ${MAX_EXPERIENCE_MONTHS} months, not ${data.experienceMonths}`,
    );
  notBeforeEarliest(data.closingOn, 'closingOn', 'the closing date');
  if (data.closingOn < today)
    throw new EmploymentRuleViolation(
      'closing-date-in-past',
      'closingOn',
      `the closing date ${data.closingOn} is already past (today is ${today})`,
    );
  checkRequirements(data);
  const { standards: _looked, ...rest } = data;
  return {
    type: 'VacancyPosted',
    data: {
      ...rest,
      requiredStandards: [...rest.requiredStandards],
      requiredUnits: rest.requiredUnits.map((u) => ({ standardId: u.standardId, unitCode: u.unitCode })),
      languages: [...rest.languages],
      monthlyWage: { currency: rest.monthlyWage.currency, amountMinor: rest.monthlyWage.amountMinor },
      postedOn: today,
    },
  };
}

/** Required standards and units name published, not withdrawn standards and units of theirs, each once. */
function checkRequirements(data: PostVacancy['data']): void {
  const known = (standardId: string, field: string): KnownStandard => {
    const standard = data.standards.get(standardId);
    if (!standard) throw new EmploymentRuleViolation('unknown-standard', field, `no competency standard ${standardId} is published`);
    if (standard.withdrawn)
      throw new EmploymentRuleViolation('standard-withdrawn', field, `competency standard ${standardId} was withdrawn`);
    return standard;
  };
  const seen = new Set<string>();
  data.requiredStandards.forEach((standardId, i) => {
    known(standardId, `requiredStandards.${i}`);
    if (seen.has(standardId))
      throw new EmploymentRuleViolation('duplicate-requirement', `requiredStandards.${i}`, `standard ${standardId} is required twice`);
    seen.add(standardId);
  });
  const units = new Set<string>();
  data.requiredUnits.forEach((unit, i) => {
    const standard = known(unit.standardId, `requiredUnits.${i}.standardId`);
    if (!standard.unitCodes.includes(unit.unitCode))
      throw new EmploymentRuleViolation(
        'unknown-unit',
        `requiredUnits.${i}.unitCode`,
        `standard ${unit.standardId} has no unit ${unit.unitCode}`,
      );
    const key = `${unit.standardId}\u0000${unit.unitCode}`;
    // A unit of a standard required whole, or a unit named twice, says the same thing twice.
    if (units.has(key) || seen.has(unit.standardId))
      throw new EmploymentRuleViolation(
        'duplicate-requirement',
        `requiredUnits.${i}`,
        `unit ${unit.unitCode} of ${unit.standardId} is already required`,
      );
    units.add(key);
  });
}

/** Refuses a command on a vacancy that is already filled or withdrawn (final), naming the field at fault. */
function notFinal(state: PostedVacancy): void {
  if (state.status === 'filled') throw new EmploymentRuleViolation('vacancy-filled', '', `the vacancy was filled on ${state.filledOn}`);
  if (state.status === 'withdrawn')
    throw new EmploymentRuleViolation('vacancy-withdrawn', '', `the vacancy was withdrawn on ${state.withdrawn?.on}`);
}

function close(state: PostedVacancy, today: string): VacancyClosed {
  notFinal(state);
  if (state.status === 'closed') throw new EmploymentRuleViolation('vacancy-closed', '', `the vacancy was closed on ${state.closed?.on}`);
  return {
    type: 'VacancyClosed',
    data: { vacancyId: state.vacancyId, closedOn: today, reason: today > state.closingOn ? 'closing_date_passed' : 'closed_by_employer' },
  };
}

function withdraw({ data }: Clocked<WithdrawVacancy>, state: PostedVacancy, today: string): VacancyWithdrawn {
  notFinal(state);
  return { type: 'VacancyWithdrawn', data: { vacancyId: state.vacancyId, withdrawnOn: today, reason: data.reason } };
}

function fill(state: PostedVacancy, today: string): VacancyFilled {
  notFinal(state);
  return { type: 'VacancyFilled', data: { vacancyId: state.vacancyId, filledOn: today } };
}
