import { assertNever } from '@homeward/assert-never';
import { checkDate, FundRuleViolation, lastDayOfPeriod, todayOf, type Clocked } from '../fund.errors';
import type { CoverageBasis, Money, PolicyVersion } from '../policy/policy';

/**
 * A worker's membership of the funds, `member-<workerId>`: contributions paid, and the coverage periods they
 * (or a registered departure, where the policy says registration covers) bring. Coverage runs from the
 * payment (or departure) for the policy's months; a period that has ended is lapsed, and a claim on it goes
 * only the humanitarian path.
 */
export interface ContributionRecorded {
  readonly type: 'ContributionRecorded';
  readonly data: {
    readonly workerId: string;
    readonly fundId: string;
    readonly contributionId: string;
    readonly amount: Money;
    readonly paidOn: string;
    readonly transferId: string;
  };
}
export interface CoverageGranted {
  readonly type: 'CoverageGranted';
  readonly data: {
    readonly workerId: string;
    readonly fundId: string;
    readonly basis: CoverageBasis;
    readonly coveredFrom: string;
    readonly coveredUntil: string;
    readonly sourceId: string;
    readonly policyVersion: number;
  };
}
/** The fund deleted the worker's data key (registration erased the worker): case notes are unreadable for good. */
export interface PersonalDataErased {
  readonly type: 'PersonalDataErased';
  readonly data: {
    readonly workerId: string;
    readonly erasedOn: string;
    readonly basis: 'subject_request' | 'retention_period_ended' | 'legal_obligation' | 'registry_erasure';
  };
}
export type MemberEvent = ContributionRecorded | CoverageGranted | PersonalDataErased;

export interface CoveragePeriod {
  readonly fundId: string;
  readonly from: string;
  readonly until: string;
  readonly basis: CoverageBasis;
}
export interface MemberState {
  readonly contributions: readonly string[];
  readonly sources: readonly string[];
  readonly coverage: readonly CoveragePeriod[];
  readonly erased: boolean;
}

export const initialState = (): MemberState => ({ contributions: [], sources: [], coverage: [], erased: false });

export function evolve(state: MemberState, event: MemberEvent): MemberState {
  switch (event.type) {
    case 'ContributionRecorded':
      return { ...state, contributions: [...state.contributions, event.data.contributionId] };
    case 'CoverageGranted': {
      const d = event.data;
      return {
        ...state,
        sources: [...state.sources, d.sourceId],
        coverage: [...state.coverage, { fundId: d.fundId, from: d.coveredFrom, until: d.coveredUntil, basis: d.basis }],
      };
    }
    case 'PersonalDataErased':
      return { ...state, erased: true };
    default:
      assertNever(event, 'event');
  }
}

export function coveredOn(state: MemberState, fundId: string, date: string): boolean {
  return state.coverage.some((c) => c.fundId === fundId && c.from <= date && date <= c.until);
}

export type RecordContribution = {
  readonly type: 'RecordContribution';
  readonly data: {
    readonly workerId: string;
    readonly contributionId: string;
    readonly amount: Money;
    readonly paidOn: string;
    readonly transferId: string;
    /** The policy in force on the payment date. */
    readonly policy: PolicyVersion | undefined;
  };
};
export type GrantRegistrationCoverage = {
  readonly type: 'GrantRegistrationCoverage';
  readonly data: { readonly workerId: string; readonly departedOn: string; readonly sourceEventId: string; readonly policy: PolicyVersion };
};
export type RecordErasure = {
  readonly type: 'RecordErasure';
  readonly data: { readonly workerId: string; readonly basis: PersonalDataErased['data']['basis'] };
};
export type MemberCommand = RecordContribution | GrantRegistrationCoverage | RecordErasure;

export function decide(command: Clocked<MemberCommand>, state: MemberState): MemberEvent[] {
  switch (command.type) {
    case 'RecordContribution': {
      const d = command.data;
      checkDate(d.paidOn, 'paidOn', todayOf(command.metadata.now));
      if (state.contributions.includes(d.contributionId))
        throw new FundRuleViolation(
          'contribution-already-recorded',
          'contributionId',
          `contribution ${d.contributionId} is recorded already`,
        );
      const policy = d.policy;
      if (!policy) throw new FundRuleViolation('no-policy-in-force', 'paidOn', `no policy of the fund was in force on ${d.paidOn}`);
      const expected = policy.coverage.contribution;
      if (!policy.coverage.bases.includes('contribution') || !expected)
        throw new FundRuleViolation('contribution-not-accepted', 'fundId', `${policy.fundId} covers by registration, not by contribution`);
      if (d.amount.currency !== expected.currency)
        throw new FundRuleViolation('policy-currency-mismatch', 'amount.currency', `the contribution is paid in ${expected.currency}`);
      if (d.amount.amountMinor < expected.amountMinor)
        throw new FundRuleViolation(
          'contribution-below-policy',
          'amount.amountMinor',
          `the contribution is ${expected.amountMinor}, not ${d.amount.amountMinor}`,
        );
      return [
        {
          type: 'ContributionRecorded',
          data: {
            workerId: d.workerId,
            fundId: policy.fundId,
            contributionId: d.contributionId,
            amount: d.amount,
            paidOn: d.paidOn,
            transferId: d.transferId,
          },
        },
        {
          type: 'CoverageGranted',
          data: {
            workerId: d.workerId,
            fundId: policy.fundId,
            basis: 'contribution',
            coveredFrom: d.paidOn,
            coveredUntil: lastDayOfPeriod(d.paidOn, policy.coverage.coverageMonths),
            sourceId: d.contributionId,
            policyVersion: policy.version,
          },
        },
      ];
    }
    case 'GrantRegistrationCoverage': {
      const d = command.data;
      // Redelivered departures change nothing; a fund that does not cover by registration grants nothing.
      if (state.sources.includes(d.sourceEventId) || !d.policy.coverage.bases.includes('registration')) return [];
      return [
        {
          type: 'CoverageGranted',
          data: {
            workerId: d.workerId,
            fundId: d.policy.fundId,
            basis: 'registration',
            coveredFrom: d.departedOn,
            coveredUntil: lastDayOfPeriod(d.departedOn, d.policy.coverage.coverageMonths),
            sourceId: d.sourceEventId,
            policyVersion: d.policy.version,
          },
        },
      ];
    }
    case 'RecordErasure':
      // Once: a redelivered erasure changes nothing.
      if (state.erased) return [];
      return [
        {
          type: 'PersonalDataErased',
          data: { workerId: command.data.workerId, erasedOn: todayOf(command.metadata.now), basis: command.data.basis },
        },
      ];
    default:
      assertNever(command, 'command');
  }
}

export const memberEventOn = (e: MemberEvent): string =>
  e.type === 'ContributionRecorded' ? e.data.paidOn : e.type === 'CoverageGranted' ? e.data.coveredFrom : e.data.erasedOn;
