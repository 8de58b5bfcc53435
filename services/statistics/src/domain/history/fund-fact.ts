import type { Money } from './registration-fact';

/**
 * What statistics learn from the emergency fund's topic (homeward.fund.events.v1, issue 13): claims filed,
 * decided (approved or rejected with reason codes) and paid — the figures of the fund tables, and nothing
 * else. No case note (sealed with the worker's key, which statistics never hold), no beneficiary, no
 * officer, no rule-by-rule explanation: none of it is tabulated.
 *
 * A fund fact's stream is the fund service's (a claim's): facts are deduplicated by stream and version, as
 * skills and employment facts are. Dates are ISO calendar dates; `recordedAt` is when the fund service
 * recorded the event (epoch milliseconds). Amounts are integers in the currency's ISO 4217 minor units.
 */

interface FundFactOf<T extends string, D> {
  readonly type: T;
  readonly stream: string;
  /** 1-based position of the event in its stream: redeliveries are recognised by it. */
  readonly version: number;
  readonly recordedAt: number;
  readonly data: D;
}

/** The benefit types of the fund's policy (DOMAIN.md, "The emergency fund"). */
export type BenefitType =
  | 'repatriation'
  | 'repatriation_of_remains'
  | 'death'
  | 'disability_injury'
  | 'medical'
  | 'legal_assistance'
  | 'counselling'
  | 'emergency_shelter';

export const BENEFIT_TYPES: readonly BenefitType[] = [
  'repatriation',
  'repatriation_of_remains',
  'death',
  'disability_injury',
  'medical',
  'legal_assistance',
  'counselling',
  'emergency_shelter',
];

/** A claim filed (by the worker, a family member, a mission or an officer; or opened by a welfare incident). */
export type ClaimFiled = FundFactOf<
  'ClaimFiled',
  {
    readonly claimId: string;
    /** Pseudonymous registry id, the one registration's events carry. */
    readonly workerId: string;
    /** Undefined when the event carries a benefit type statistics do not know (a newer policy): counted as unknown. */
    readonly benefitType: BenefitType | undefined;
    /** ISO 3166-1 alpha-2 country where the incident happened (the claim's destination country); undefined when not given. */
    readonly country: string | undefined;
    readonly incidentOn: string;
    readonly filedOn: string;
    /** A draft (opened by a welfare incident the registry recorded) counts as a claim only once submitted. */
    readonly draft: boolean;
  }
>;

/** A draft claim completed and filed, possibly naming its benefit type only now. */
export type ClaimSubmitted = FundFactOf<
  'ClaimSubmitted',
  { readonly claimId: string; readonly submittedOn: string; readonly benefitType: BenefitType | undefined }
>;

/** The claim approved: the last approval it needed (the checker's, above the policy's threshold), for this amount. */
export type ClaimApproved = FundFactOf<'ClaimApproved', { readonly claimId: string; readonly approvedOn: string; readonly amount: Money }>;

/** The claim rejected, with the policy's reason codes (one or more). */
export type ClaimRejected = FundFactOf<
  'ClaimRejected',
  { readonly claimId: string; readonly rejectedOn: string; readonly reasons: readonly string[] }
>;

/** Money paid out on the claim (one disbursement; a claim may be paid in more than one). */
export type DisbursementMade = FundFactOf<
  'DisbursementMade',
  { readonly claimId: string; readonly paidOn: string; readonly amount: Money }
>;

export type FundFact = ClaimFiled | ClaimSubmitted | ClaimApproved | ClaimRejected | DisbursementMade;

export const FUND_FACT_TYPES: ReadonlySet<FundFact['type']> = new Set([
  'ClaimFiled',
  'ClaimSubmitted',
  'ClaimApproved',
  'ClaimRejected',
  'DisbursementMade',
]);
