/**
 * Every rule by which the registry refuses a command, by id. Its code, `registration.<id>`, is what a
 * client branches on: stable, while the words of a refusal are for people and may change. A code once
 * published keeps its meaning; a rule retired leaves its code unused rather than lending it to another.
 * The service's README and OpenAPI document list the same codes, and a test holds the three together and
 * drives the decider into each rule.
 */
export const WORKER_RULES = [
  // Dates a working life can hold: one rule each, whichever date of the command breaks it.
  'date-before-earliest',
  'date-in-future',
  'date-before-working-age',
  'date-too-far-ahead',
  // The order of a working life and of each cycle in it.
  'date-before-last-return',
  'arrival-before-departure',
  'arrival-after-recorded-stay',
  'date-before-stay',
  'incident-before-departure',
  'return-before-recorded-stay',
  'contract-ends-before-start',
  'contract-ends-before-change',
  'date-before-return',
  'outcome-before-referral',
  // What the worker's history allows now.
  'worker-merged',
  'cycle-already-open',
  'no-open-cycle',
  'not-returned',
  'orientation-while-abroad',
  'arrival-already-recorded',
  'arrival-outside-cycle-country',
  'change-detail-missing',
  'no-skills',
  'incident-already-recorded',
  'referral-already-recorded',
  'referral-not-found',
  'outcome-already-recorded',
  'correction-version-unknown',
  'correction-empty',
  'correction-of-erased-data',
  'duplicate-not-flagged',
] as const;

export type WorkerRule = (typeof WORKER_RULES)[number];
export type WorkerRuleCode = `registration.${WorkerRule}`;

export const ruleCode = (rule: WorkerRule): WorkerRuleCode => `registration.${rule}`;
