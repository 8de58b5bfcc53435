import { currency as knownCurrency } from '@homeward/classifications/currencies';
import { EARLIEST_DATE, FundRuleViolation } from '../fund.errors';

/**
 * A fund's policy as data: per benefit type, who is eligible (incident kinds, coverage, time limits), how
 * much (fixed, a schedule by grade, or the actual cost capped), which documents, who receives it, and above
 * which amount a second officer must approve. Amounts are integers in the currency's minor units.
 */

export const BENEFIT_TYPES = [
  'repatriation',
  'repatriation_of_remains',
  'death',
  'disability_injury',
  'medical',
  'legal_assistance',
  'counselling',
  'emergency_shelter',
] as const;
export type BenefitType = (typeof BENEFIT_TYPES)[number];

export const INCIDENT_KINDS = ['abuse', 'exploitation', 'accident', 'illness', 'death', 'detention', 'stranding'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export const RELATIONS = ['worker', 'spouse', 'child', 'parent', 'sibling', 'other_dependant'] as const;
export type Relation = (typeof RELATIONS)[number];

export const COVERAGE_BASES = ['contribution', 'registration'] as const;
export type CoverageBasis = (typeof COVERAGE_BASES)[number];

export interface Money {
  /** ISO 4217. */
  readonly currency: string;
  /** Minor units: no float ever rounds an amount. A safe integer. */
  readonly amountMinor: number;
}

export type AmountRule =
  | { readonly kind: 'fixed'; readonly fixed: Money; readonly supplement?: Money; readonly supplementLabel?: string }
  | {
      readonly kind: 'schedule';
      readonly schedule: readonly { readonly grade: string; readonly amount: Money }[];
      readonly supplement?: Money;
      readonly supplementLabel?: string;
    }
  | { readonly kind: 'capped_actual_cost'; readonly cap: Money; readonly supplement?: Money; readonly supplementLabel?: string };

export interface BenefitTerms {
  readonly benefitType: BenefitType;
  readonly incidentKinds: readonly IncidentKind[];
  readonly requiresCoverage: boolean;
  /** 0: no limit. */
  readonly claimWithinDays: number;
  /** Incidents up to this many days after the return are still covered; 0: only before the return. */
  readonly coveredDaysAfterReturn: number;
  readonly coversBeforeDeparture: boolean;
  readonly amount: AmountRule;
  readonly documentsRequired: readonly string[];
  readonly beneficiaryOrder: readonly Relation[];
  /** Approved amounts above this need a second officer; 0: every approval does. */
  readonly secondApprovalAbove: Money;
  readonly citations: readonly string[];
}

export interface CoverageTerms {
  readonly bases: readonly CoverageBasis[];
  readonly coverageMonths: number;
  readonly contribution?: Money;
  readonly citations: readonly string[];
}

/** What a publisher writes: the policy without its version number and publication (the service adds them). */
export interface PolicyTerms {
  readonly fundId: string;
  readonly name: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  readonly currency: string;
  readonly effectiveFrom: string;
  readonly coverage: CoverageTerms;
  readonly benefits: readonly BenefitTerms[];
  readonly citations: readonly string[];
}

export interface PolicyVersion extends PolicyTerms {
  readonly version: number;
  readonly publishedOn: string;
  readonly publishedBy: string;
}

const positive = (m: Money) => Number.isSafeInteger(m.amountMinor) && m.amountMinor > 0;

/**
 * Refuses a policy whose amounts or dates are inconsistent: an unknown currency, an amount in another
 * currency, a schedule not in ascending order or with an amount ≤ 0, a negative cap or threshold, a benefit
 * type twice or unknown, an effective date before the version it follows or before the earliest date the fund
 * takes. Fields are dotted paths.
 */
export function validatePolicy(terms: PolicyTerms, previous: readonly PolicyVersion[]): void {
  if (!knownCurrency(terms.currency))
    throw new FundRuleViolation('policy-unknown-currency', 'currency', `${terms.currency} is not an ISO 4217 currency`);
  if (terms.effectiveFrom < EARLIEST_DATE)
    throw new FundRuleViolation(
      'date-before-earliest',
      'effectiveFrom',
      `a policy takes effect on ${EARLIEST_DATE} at the earliest, not on ${terms.effectiveFrom}`,
    );
  const last = previous[previous.length - 1];
  if (last && terms.effectiveFrom <= last.effectiveFrom)
    throw new FundRuleViolation(
      'policy-effective-backwards',
      'effectiveFrom',
      `a new version takes effect after the last one (${last.effectiveFrom}), not on ${terms.effectiveFrom}`,
    );
  const sameCurrency = (m: Money | undefined, field: string) => {
    if (m && m.currency !== terms.currency)
      throw new FundRuleViolation(
        'policy-currency-mismatch',
        field,
        `every amount of the policy is in ${terms.currency}, not ${m.currency}`,
      );
  };
  const c = terms.coverage;
  if (c.bases.length === 0 || !Number.isInteger(c.coverageMonths) || c.coverageMonths < 1)
    throw new FundRuleViolation(
      'policy-coverage-incomplete',
      'coverage',
      'coverage names at least one basis and a period of at least one month',
    );
  if (c.bases.includes('contribution')) {
    if (!c.contribution)
      throw new FundRuleViolation('policy-coverage-incomplete', 'coverage.contribution', 'a contribution basis names the contribution');
    sameCurrency(c.contribution, 'coverage.contribution');
    if (!positive(c.contribution))
      throw new FundRuleViolation('policy-amount-not-positive', 'coverage.contribution.amountMinor', 'the contribution is positive');
  }
  if (terms.benefits.length === 0) throw new FundRuleViolation('policy-no-benefits', 'benefits', 'a policy offers at least one benefit');
  const seen = new Set<string>();
  terms.benefits.forEach((b, i) => {
    const at = `benefits.${i}`;
    if (!(BENEFIT_TYPES as readonly string[]).includes(b.benefitType))
      throw new FundRuleViolation('unknown-benefit-type', `${at}.benefitType`, `${b.benefitType} is not a benefit type the fund knows`);
    if (seen.has(b.benefitType))
      throw new FundRuleViolation('policy-duplicate-benefit', `${at}.benefitType`, `${b.benefitType} is offered twice`);
    seen.add(b.benefitType);
    if (b.incidentKinds.length === 0)
      throw new FundRuleViolation('policy-no-incident-kinds', `${at}.incidentKinds`, 'a benefit names the incidents that give rise to it');
    sameCurrency(b.secondApprovalAbove, `${at}.secondApprovalAbove`);
    if (!Number.isSafeInteger(b.secondApprovalAbove.amountMinor) || b.secondApprovalAbove.amountMinor < 0)
      throw new FundRuleViolation(
        'policy-threshold-negative',
        `${at}.secondApprovalAbove.amountMinor`,
        'the second-approval threshold is ≥ 0',
      );
    const a = b.amount;
    sameCurrency(a.supplement, `${at}.amount.supplement`);
    if (a.supplement && !positive(a.supplement))
      throw new FundRuleViolation('policy-amount-not-positive', `${at}.amount.supplement.amountMinor`, 'a supplement is positive');
    switch (a.kind) {
      case 'fixed':
        if (!a.fixed) throw new FundRuleViolation('policy-amount-rule-incomplete', `${at}.amount.fixed`, 'a fixed amount names it');
        sameCurrency(a.fixed, `${at}.amount.fixed`);
        if (!positive(a.fixed))
          throw new FundRuleViolation('policy-amount-not-positive', `${at}.amount.fixed.amountMinor`, 'a fixed amount is positive');
        return;
      case 'schedule': {
        if (!a.schedule || a.schedule.length === 0)
          throw new FundRuleViolation('policy-amount-rule-incomplete', `${at}.amount.schedule`, 'a schedule has at least one grade');
        const grades = new Set<string>();
        a.schedule.forEach((entry, j) => {
          sameCurrency(entry.amount, `${at}.amount.schedule.${j}.amount`);
          if (!positive(entry.amount))
            throw new FundRuleViolation(
              'policy-amount-not-positive',
              `${at}.amount.schedule.${j}.amount.amountMinor`,
              'every amount of a schedule is positive',
            );
          const before = a.schedule[j - 1];
          if (grades.has(entry.grade) || (before && before.amount.amountMinor > entry.amount.amountMinor))
            throw new FundRuleViolation(
              'policy-schedule-unordered',
              `${at}.amount.schedule.${j}`,
              'a schedule lists each grade once, in ascending order of amount',
            );
          grades.add(entry.grade);
        });
        return;
      }
      case 'capped_actual_cost':
        if (!a.cap) throw new FundRuleViolation('policy-amount-rule-incomplete', `${at}.amount.cap`, 'a capped actual cost names its cap');
        sameCurrency(a.cap, `${at}.amount.cap`);
        if (!Number.isSafeInteger(a.cap.amountMinor) || a.cap.amountMinor < 0)
          throw new FundRuleViolation('policy-cap-negative', `${at}.amount.cap.amountMinor`, 'a cap is ≥ 0');
        return;
      default:
        throw new FundRuleViolation(
          'policy-amount-rule-incomplete',
          `${at}.amount.kind`,
          'an amount is fixed, a schedule or a capped actual cost',
        );
    }
  });
}

/** The version in force on `date`: the latest whose effective date is on or before it. */
export function versionInForce(versions: readonly PolicyVersion[], date: string): PolicyVersion | undefined {
  let found: PolicyVersion | undefined;
  for (const v of versions) if (v.effectiveFrom <= date && (!found || v.effectiveFrom >= found.effectiveFrom)) found = v;
  return found;
}

export const termsFor = (policy: PolicyVersion, benefit: BenefitType): BenefitTerms | undefined =>
  policy.benefits.find((b) => b.benefitType === benefit);
