/**
 * Every rule by which the employment service refuses a command, by id. Its code, `employment.<id>`, is what a
 * client branches on: stable, while the words of a refusal are for people and may change. A code once
 * published keeps its meaning; a rule retired leaves its code unused rather than lending it to another.
 * test/rule-codes.unit.spec.ts drives the deciders into each rule.
 */
export const EMPLOYMENT_RULES = [
  // Dates.
  'date-before-earliest',
  'date-in-future',
  // Vacancies.
  'vacancy-already-posted',
  'wage-negative',
  'no-openings',
  'closing-date-in-past',
  'experience-out-of-range',
  'unknown-standard',
  'standard-withdrawn',
  'unknown-unit',
  'duplicate-requirement',
  'vacancy-closed',
  'vacancy-withdrawn',
  'vacancy-filled',
  // Job seekers.
  'seeker-already-registered',
  'seeker-not-registered',
  'seeker-left',
  'available-before-registration',
  // Referrals.
  'referral-already-made',
  'unknown-vacancy',
  'vacancy-past-closing-date',
  'seeker-not-active',
  'referral-already-live',
  'match-unavailable',
  'referral-closed',
  'referral-hired',
  'interview-before-referral',
  'hire-before-referral',
  'start-before-hire',
  'vacancy-no-openings-left',
  'placement-not-started',
  'placement-already-ended',
  'placement-end-before-start',
] as const;

export type EmploymentRule = (typeof EMPLOYMENT_RULES)[number];
export type EmploymentRuleCode = `employment.${EmploymentRule}`;

export const ruleCode = (rule: EmploymentRule): EmploymentRuleCode => `employment.${rule}`;
