import fc from 'fast-check';
import { NOW, standard, standardId } from '../testing/skills.fixture';
import { CentreAlreadyRegistered, CentreNotFound, SkillsRuleViolation, UnknownCodes } from '../skills.errors';
import { decide, type CentreCommand } from './centre.decider';
import { evolve, initialState, lastDayOf, type CentreState } from './centre.state';

// Whatever accreditations and withdrawals arrive, one assessor's accreditations for one standard never
// overlap, none ends before it starts, and a withdrawal is recorded once.

const day = fc.constantFrom('2023-01-01', '2024-01-01', '2024-07-01', '2025-01-01', '2025-07-01', '2026-01-01');
const accreditationId = fc.constantFrom('a1', 'a2', 'a3', 'a4', 'a5', 'a6');
const command: fc.Arbitrary<CentreCommand> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant('AccreditAssessor' as const),
      data: fc.record({
        accreditationId,
        assessorId: fc.constantFrom('x', 'y'),
        assessorName: fc.constant('R. Cruz'),
        standardId: fc.constant(standardId),
        validFrom: day,
        validUntil: day,
        standard: fc.constant(standard),
      }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('WithdrawAccreditation' as const), data: fc.record({ accreditationId }) }) },
);
const refusals = [SkillsRuleViolation, UnknownCodes, CentreNotFound, CentreAlreadyRegistered];
const registration: CentreCommand = { type: 'RegisterAssessmentCentre', data: { centreId: 'c1', name: 'Angeles', subdivision: 'PH-03' } };

describe('an assessment centre, whatever the commands', () => {
  it('never holds overlapping accreditations of one assessor for one standard', () => {
    let accreditations = 0;
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 30 }), (commands) => {
        let state: CentreState = initialState();
        for (const c of [registration, ...commands]) {
          try {
            state = decide({ ...c, metadata: { now: NOW } }, state).reduce(evolve, state);
          } catch (error) {
            if (!refusals.some((type) => error instanceof type)) throw error;
          }
        }
        if (state.status !== 'registered') throw new Error('the centre was not registered');
        accreditations += state.accreditations.length;
        expect(new Set(state.accreditations.map((a) => a.accreditationId)).size).toBe(state.accreditations.length);
        for (const a of state.accreditations) {
          expect(a.validFrom <= a.validUntil).toBe(true);
          for (const b of state.accreditations) {
            if (a === b || a.assessorId !== b.assessorId || a.standardId !== b.standardId) continue;
            // An accreditation withdrawn before it started covers no day at all.
            if (lastDayOf(a) < a.validFrom || lastDayOf(b) < b.validFrom) continue;
            expect(a.validFrom > lastDayOf(b) || b.validFrom > lastDayOf(a)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
    expect(accreditations).toBeGreaterThan(300);
  });
});
