import { Engine, type RuleProperties } from 'json-rules-engine';
import { daysBetween } from '../fund.errors';
import type { BenefitTerms, IncidentKind, Money, PolicyVersion } from '../policy/policy';

/**
 * Why a claim is not eligible: the code a rejection carries, one per eligibility rule. Stable, like the
 * refusal codes; listed in the OpenAPI document's ReasonCode.
 */
export const REASONS = [
  'incident-kind-not-covered',
  'not-covered',
  'claim-time-limit-passed',
  'incident-after-covered-period',
  'incident-before-departure',
  'documents-missing',
  'other',
] as const;
export type Reason = (typeof REASONS)[number];
export const reasonCode = (reason: Reason) => `fund.reason.${reason}` as const;

/** What the eligibility rules read about a claim: found by the application (coverage, registration's dates). */
export interface ClaimFacts {
  readonly incidentKind: IncidentKind;
  readonly incidentOn: string;
  /** The day the claim was filed (a draft: the day it was submitted). */
  readonly filedOn: string;
  /** Whether a coverage period of the worker's includes the incident date. */
  readonly coveredOnIncidentDate: boolean;
  /** Registration's departure of the incident's cycle, when known. */
  readonly departedOn?: string;
  /** Registration's return of the incident's cycle, when known. */
  readonly returnedOn?: string;
  readonly documentsAttached: readonly string[];
}

export interface RuleOutcome {
  readonly ruleId: string;
  readonly description: string;
  readonly fact: string;
  readonly operator: string;
  readonly expected: unknown;
  readonly actual: unknown;
  readonly passed: boolean;
  readonly citation: string;
  readonly reasonCode: string;
}

export interface AmountComputation {
  readonly kind: 'fixed' | 'schedule' | 'capped_actual_cost';
  readonly grade?: string;
  readonly claimed?: Money;
  readonly base: Money;
  readonly supplement?: Money;
  readonly payable: Money;
  readonly steps: readonly string[];
}

export interface Assessment {
  readonly fundId: string;
  readonly policyVersion: number;
  readonly eligible: boolean;
  readonly rules: readonly RuleOutcome[];
  readonly amount: AmountComputation;
  readonly reasonCodes: readonly string[];
  readonly humanitarian: boolean;
  readonly humanitarianReason?: string;
  readonly citations: readonly string[];
}

const show = (m: Money) => `${m.currency} ${m.amountMinor}`;

/**
 * The amount a claim may be paid under a benefit's terms: a fixed amount, the schedule's amount for the
 * grade, or the cost claimed capped; then the supplement. Undefined when the terms cannot give one (a grade
 * not in the schedule, no cost claimed for a capped benefit): the claim is refused before that.
 */
export function computeAmount(terms: BenefitTerms, claim: { grade?: string; amountClaimed?: Money }): AmountComputation | undefined {
  const a = terms.amount;
  let base: Money;
  const steps: string[] = [];
  let extra: { grade?: string; claimed?: Money } = {};
  switch (a.kind) {
    case 'fixed':
      base = a.fixed;
      steps.push(`fixed amount ${show(base)}`);
      break;
    case 'schedule': {
      const entry = a.schedule.find((e) => e.grade === claim.grade);
      if (!entry) return undefined;
      base = entry.amount;
      extra = { grade: entry.grade };
      steps.push(`schedule grade "${entry.grade}" = ${show(base)}`);
      break;
    }
    case 'capped_actual_cost': {
      const claimed = claim.amountClaimed;
      if (!claimed) return undefined;
      base = { currency: a.cap.currency, amountMinor: Math.min(claimed.amountMinor, a.cap.amountMinor) };
      extra = { claimed };
      steps.push(`min(claimed ${show(claimed)}, cap ${show(a.cap)}) = ${show(base)}`);
      break;
    }
  }
  const supplement = a.supplement;
  const payable = { currency: base.currency, amountMinor: base.amountMinor + (supplement?.amountMinor ?? 0) };
  if (supplement) steps.push(`+ ${a.supplementLabel ?? 'supplement'} ${show(supplement)} = ${show(payable)}`);
  return { kind: a.kind, ...extra, base, ...(supplement ? { supplement } : {}), payable, steps };
}

interface Check {
  readonly ruleId: string;
  readonly description: string;
  readonly fact: string;
  readonly operator: string;
  readonly value: unknown;
  readonly reason: Reason;
}

/** The policy's terms as json-rules-engine rules: one rule of one condition per check, so each is explained. */
export function eligibilityChecks(terms: BenefitTerms, humanitarian: boolean): Check[] {
  const checks: Check[] = [
    {
      ruleId: 'incident-kind-covered',
      description: `the incident is one of ${terms.incidentKinds.join(', ')}`,
      fact: 'incidentKind',
      operator: 'in',
      value: [...terms.incidentKinds],
      reason: 'incident-kind-not-covered',
    },
  ];
  if (terms.requiresCoverage && !humanitarian)
    checks.push({
      ruleId: 'covered-on-incident-date',
      description: 'the worker was covered on the incident date',
      fact: 'coveredOnIncidentDate',
      operator: 'equal',
      value: true,
      reason: 'not-covered',
    });
  if (terms.claimWithinDays > 0)
    checks.push({
      ruleId: 'claim-within-time-limit',
      description: `the claim was filed within ${terms.claimWithinDays} days of the incident`,
      fact: 'daysFromIncidentToFiling',
      operator: 'lessThanInclusive',
      value: terms.claimWithinDays,
      reason: 'claim-time-limit-passed',
    });
  checks.push({
    ruleId: 'incident-within-covered-period',
    description:
      terms.coveredDaysAfterReturn > 0
        ? `the incident happened abroad or within ${terms.coveredDaysAfterReturn} days of the return`
        : 'the incident happened before the return',
    fact: 'daysAfterReturn',
    operator: 'lessThanInclusive',
    value: terms.coveredDaysAfterReturn,
    reason: 'incident-after-covered-period',
  });
  if (!terms.coversBeforeDeparture)
    checks.push({
      ruleId: 'incident-not-before-departure',
      description: 'the incident happened after the departure',
      fact: 'incidentBeforeDeparture',
      operator: 'equal',
      value: false,
      reason: 'incident-before-departure',
    });
  checks.push({
    ruleId: 'documents-complete',
    description: `the documents required are attached: ${terms.documentsRequired.join(', ') || 'none'}`,
    fact: 'documentsMissing',
    operator: 'equal',
    value: [],
    reason: 'documents-missing',
  });
  return checks;
}

/** The facts as the rules read them (derived values computed here, never inside the rules). */
export function ruleFacts(terms: BenefitTerms, facts: ClaimFacts): Record<string, unknown> {
  return {
    incidentKind: facts.incidentKind,
    coveredOnIncidentDate: facts.coveredOnIncidentDate,
    daysFromIncidentToFiling: daysBetween(facts.incidentOn, facts.filedOn),
    // 0 for an incident abroad (before the return, or no return recorded).
    daysAfterReturn: facts.returnedOn && facts.incidentOn > facts.returnedOn ? daysBetween(facts.returnedOn, facts.incidentOn) : 0,
    incidentBeforeDeparture: facts.departedOn !== undefined && facts.incidentOn < facts.departedOn,
    documentsMissing: terms.documentsRequired.filter((d) => !facts.documentsAttached.includes(d)),
  };
}

/**
 * Assesses a claim against the policy version in force on its incident date with json-rules-engine: each
 * rule's fact, operator, expected value, the fact's value and the outcome, with the policy's citation; the
 * amount's computation. On the humanitarian path (coverage lapsed, an officer's recorded reason) the coverage
 * rule is set aside and the assessment says so.
 */
export async function assess(
  policy: PolicyVersion,
  terms: BenefitTerms,
  facts: ClaimFacts,
  claim: { grade?: string; amountClaimed?: Money },
  humanitarian?: { reason: string },
): Promise<Assessment | undefined> {
  const amount = computeAmount(terms, claim);
  if (!amount) return undefined;
  const checks = eligibilityChecks(terms, humanitarian !== undefined);
  const values = ruleFacts(terms, facts);
  const engine = new Engine([], { allowUndefinedFacts: false });
  // json-rules-engine has no operator for "this list is empty"; `equal` compares by identity, so: a custom one.
  engine.addOperator('isEmptyList', (factValue: unknown) => Array.isArray(factValue) && factValue.length === 0);
  for (const check of checks) {
    const rule: RuleProperties = {
      name: check.ruleId,
      conditions: {
        all: [
          check.ruleId === 'documents-complete'
            ? { fact: check.fact, operator: 'isEmptyList', value: true }
            : { fact: check.fact, operator: check.operator, value: check.value as never },
        ],
      },
      event: { type: check.ruleId },
    };
    engine.addRule(rule);
  }
  const { results, failureResults } = await engine.run(values);
  const citation = terms.citations[0] ?? policy.citations[0] ?? '';
  const outcomes = new Map<string, boolean>();
  for (const r of results) outcomes.set(String(r.name), true);
  for (const r of failureResults) {
    const condition = (r.conditions as { all?: { result?: boolean }[] }).all?.[0];
    outcomes.set(String(r.name), condition?.result === true);
  }
  const rules: RuleOutcome[] = checks.map((check) => {
    const passed = outcomes.get(check.ruleId);
    if (passed === undefined) throw new Error(`the rules engine did not report rule ${check.ruleId}`);
    return {
      ruleId: check.ruleId,
      description: check.description,
      fact: check.fact,
      operator: check.operator,
      expected: check.value,
      actual: values[check.fact],
      passed,
      citation,
      reasonCode: reasonCode(check.reason),
    };
  });
  const reasonCodes = rules.filter((r) => !r.passed).map((r) => r.reasonCode);
  return {
    fundId: policy.fundId,
    policyVersion: policy.version,
    eligible: reasonCodes.length === 0,
    rules,
    amount,
    reasonCodes,
    humanitarian: humanitarian !== undefined,
    ...(humanitarian ? { humanitarianReason: humanitarian.reason } : {}),
    citations: [...terms.citations, ...policy.citations],
  };
}
