/**
 * Every rule by which the emergency fund refuses a command, by id. Its code, `fund.<id>`, is what a client
 * branches on: stable, while the words of a refusal are for people and may change. A code once published
 * keeps its meaning; a rule retired leaves its code unused rather than lending it to another.
 * test/rule-codes.unit.spec.ts drives the deciders into each rule.
 */
export const FUND_RULES = [
  // Dates.
  'date-before-earliest',
  'date-in-future',
  // Policies.
  'policy-version-out-of-order',
  'policy-effective-backwards',
  'policy-currency-mismatch',
  'policy-unknown-currency',
  'policy-no-benefits',
  'policy-duplicate-benefit',
  'policy-schedule-unordered',
  'policy-amount-not-positive',
  'policy-cap-negative',
  'policy-threshold-negative',
  'policy-amount-rule-incomplete',
  'policy-coverage-incomplete',
  'policy-no-incident-kinds',
  'unknown-fund',
  // Membership.
  'contribution-not-accepted',
  'contribution-below-policy',
  'contribution-already-recorded',
  // Claims.
  'claim-already-filed',
  'unknown-benefit-type',
  'benefit-not-in-policy',
  'incident-kind-not-covered',
  'claim-time-limit-passed',
  'no-policy-in-force',
  'claim-not-draft',
  'claim-closed',
  'document-not-required',
  'documents-missing',
  'grade-not-in-schedule',
  'amount-claimed-required',
  'not-assessed',
  'not-eligible',
  'humanitarian-reason-required',
  'amount-above-policy',
  'amount-not-positive',
  'already-approved',
  'self-approval',
  'second-approval-required',
  'not-approved',
  'already-disbursed',
  'insufficient-funds',
  'not-rejected',
  'appeal-same-officer',
  'not-disbursed',
  'already-reconciled',
  'reconciliation-mismatch',
  'reservation-not-expired',
  // Personal data.
  'worker-erased',
] as const;

export type FundRule = (typeof FUND_RULES)[number];
export type FundRuleCode = `fund.${FundRule}`;

export const ruleCode = (rule: FundRule): FundRuleCode => `fund.${rule}`;
