import type { Relevance } from '@homeward/projections';
import type { FundFact } from '@homeward/projections/fund';
import { assertNever } from '@homeward/assert-never';

/**
 * What one mission keeps of the emergency fund: the claims whose incident happened in its country (the
 * claim's destination country, which the fund service puts in every claim event's jurisdiction), each with
 * its benefit type, status, amounts and dates — never case notes (the fund source does not read them), a
 * rejection's note or an appeal's grounds. Pure: facts in, row changes out.
 *
 * Invariants:
 * - a claim event reaches the model only if its envelope's destination country is the mission's: another
 *   country's claim leaves no trace here, not even its id;
 * - policies, contributions and coverage (no country of incident) are not a mission's business;
 * - the claim row follows its stream in order: draft → filed → assessed → awaiting_second_approval /
 *   approved or rejected (→ appealed) → disbursed → closed.
 */

export type ClaimFact = Exclude<FundFact, { type: 'Ignored' }>;

export type MissionClaimChange = { readonly kind: 'claim'; readonly fact: ClaimFact };

/** Whether the mission of `country` takes the fund fact; decided before anything is stored. */
export function fundRelevance(fact: FundFact, country: string): Relevance {
  if (fact.type === 'Ignored') return 'drop';
  return fact.envelope.destinationCountry === country ? 'keep' : 'drop';
}

export function fundClaimChanges(fact: FundFact): MissionClaimChange[] {
  switch (fact.type) {
    case 'Ignored':
      return [];
    case 'ClaimFiled':
    case 'ClaimSubmitted':
    case 'DocumentAttached':
    case 'EligibilityAssessed':
    case 'ClaimApproved':
    case 'ClaimRejected':
    case 'ClaimAppealed':
    case 'DisbursementMade':
    case 'PaymentReconciled':
    case 'ReservationVoided':
    case 'ClaimClosed':
      return [{ kind: 'claim', fact }];
    default:
      assertNever(fact, 'fund fact');
  }
}
