import fc from 'fast-check';
import { FundRuleViolation, type Clocked } from '../fund.errors';
import { validatePolicy, type Money } from '../policy/policy';
import { OFFICER_A, OFFICER_B, OFFICER_C, PAYABLE, THRESHOLD, assessment, at, file, php, terms } from '../testing/fund.fixture';
import { claimDecider, type ClaimCommand } from './claim.decider';
import type { ClaimEvent } from './claim.events';
import { evolve, initialState, type ClaimState } from './claim.state';

const officers = [OFFICER_A, OFFICER_B, OFFICER_C];
const officer = fc.constantFrom(...officers);
const amount = fc.integer({ min: -10, max: PAYABLE.amountMinor + 10 }).map((n): Money => ({ currency: 'PHP', amountMinor: n }));

/** Any command an officer may send a claim, with arbitrary officers and amounts. */
const command: fc.Arbitrary<ClaimCommand> = fc.oneof(
  fc.constant(file() as ClaimCommand),
  fc
    .record({ by: officer, eligible: fc.boolean() })
    .map(({ by, eligible }): ClaimCommand => ({ type: 'RecordAssessment', data: { assessment: assessment(eligible), assessedBy: by } })),
  fc
    .record({ by: officer, amount, threshold: fc.constantFrom(THRESHOLD, php(200_000), php(0)) })
    .map(({ by, amount, threshold }): ClaimCommand => ({
      type: 'ApproveClaim',
      data: { officerId: by, amount, secondApprovalAbove: threshold, pendingTransferId: `reserve-${by}` },
    })),
  officer.map((by): ClaimCommand => ({
    type: 'RejectClaim',
    data: { officerId: by, reasonCodes: ['fund.reason.other'], note: '', voidTransferId: `void-${by}` },
  })),
  officer.map((by): ClaimCommand => ({ type: 'AppealClaim', data: { appealedBy: by, grounds: 'g' } })),
  fc.string({ minLength: 1, maxLength: 3 }).map((key): ClaimCommand => ({
    type: 'DisburseClaim',
    data: { disbursedBy: OFFICER_A, transferId: `pay-${key}`, provider: 'local', providerReference: `ref-${key}`, idempotencyKey: key },
  })),
  officer.map((by): ClaimCommand => ({ type: 'CancelClaim', data: { cancelledBy: by, voidTransferId: 'cancel' } })),
  officer.map((by): ClaimCommand => ({ type: 'CloseClaim', data: { closedBy: by } })),
);

function run(commands: readonly ClaimCommand[]): { events: ClaimEvent[]; state: ClaimState } {
  let state = initialState();
  const events: ClaimEvent[] = [];
  for (const c of commands) {
    try {
      const produced = claimDecider.decide(at(c) as Clocked<ClaimCommand>, state);
      events.push(...produced);
      state = produced.reduce(evolve, state);
    } catch (error) {
      // A refusal changes nothing; only the domain's refusals are expected.
      if (!(error instanceof FundRuleViolation) && (error as Error).name !== 'ClaimNotFound') throw error;
    }
  }
  return { events, state };
}

describe('a claim, whatever officers do in whatever order', () => {
  it('is paid at most once, never above the assessed amount, and only after the approvals its amount needs', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        const { events } = run(commands);
        const payments = events.filter((e) => e.type === 'DisbursementMade');
        expect(payments.length).toBeLessThanOrEqual(1);
        let approvals: Extract<ClaimEvent, { type: 'ClaimApproved' }>['data'][] = [];
        let assessedPayable = 0;
        for (const e of events) {
          if (e.type === 'EligibilityAssessed') {
            approvals = [];
            assessedPayable = e.data.amount.payable.amountMinor;
          }
          if (e.type === 'ClaimAppealed') approvals = [];
          if (e.type === 'ClaimApproved') {
            expect(e.data.amount.amountMinor).toBeGreaterThan(0);
            expect(e.data.amount.amountMinor).toBeLessThanOrEqual(assessedPayable);
            // The checker is never the maker.
            if (approvals.length > 0) expect(approvals.map((a) => a.officerId)).not.toContain(e.data.officerId);
            approvals.push(e.data);
          }
          if (e.type === 'DisbursementMade') {
            const final = approvals.find((a) => a.final);
            expect(final).toBeDefined();
            expect(e.data.amount).toEqual(final!.amount);
            expect(e.data.pendingTransferId).toBe(final!.pendingTransferId);
          }
        }
      }),
      { numRuns: 500, seed: 20261201 },
    );
  });

  it('leaves every reservation posted, voided or still pending on an open claim — never two pending at once', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        const { events, state } = run(commands);
        const reserved = events.filter((e) => e.type === 'ClaimApproved' && e.data.final).length;
        const resolved = events.filter((e) => e.type === 'DisbursementMade' || e.type === 'ReservationVoided').length;
        expect(reserved - resolved).toBeGreaterThanOrEqual(0);
        expect(reserved - resolved).toBeLessThanOrEqual(1);
        if (reserved - resolved === 1) {
          expect(state.status === 'none' ? undefined : state.reservation?.state).toBe('pending');
          expect(state.status).not.toBe('closed');
        }
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('never lets an officer of a decision appealed decide the appeal', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        const { events } = run(commands);
        const excluded = new Set<string>();
        for (const e of events) {
          if (e.type === 'ClaimAppealed') e.data.previousOfficers.forEach((o) => excluded.add(o));
          if (e.type === 'EligibilityAssessed') expect(excluded.has(e.data.assessedBy)).toBe(false);
          if (e.type === 'ClaimApproved' || e.type === 'ClaimRejected') expect(excluded.has(e.data.officerId)).toBe(false);
        }
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});

describe('a policy’s amounts', () => {
  it('are accepted as a schedule exactly when positive and in ascending order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 1_000_000 }), { minLength: 1, maxLength: 6 }), (amounts) => {
        const schedule = amounts.map((a, i) => ({ grade: `g${i}`, amount: { currency: 'PHP', amountMinor: a } }));
        const base = terms();
        const candidate = { ...base, benefits: [{ ...base.benefits[0]!, amount: { kind: 'schedule' as const, schedule } }] };
        const valid = amounts.every((a, i) => a > 0 && (i === 0 || amounts[i - 1]! <= a));
        if (valid) expect(() => validatePolicy(candidate, [])).not.toThrow();
        else expect(() => validatePolicy(candidate, [])).toThrow(FundRuleViolation);
      }),
      { numRuns: 500, seed: 3 },
    );
  });
});
