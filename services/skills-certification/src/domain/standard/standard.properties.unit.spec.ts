import fc from 'fast-check';
import { NOW, esco, standardId } from '../testing/skills.fixture';
import { SkillsRuleViolation, StandardAlreadyPublished, StandardNotFound, UnknownCodes } from '../skills.errors';
import { decide, type StandardCommand } from './standard.decider';
import { EVIDENCE_KINDS } from './standard.events';
import { evolve, initialState, type StandardState } from './standard.state';

// Whatever the skills authority sends (content that breaks the rules included: ISCO 0000, levels 0 and 9,
// no units, a unit without evidence), a standard's versions run 1, 2, 3… without a gap, each with units
// of unique codes, taking effect in order; and once withdrawn it takes nothing more.

const content = fc.record({
  title: fc.constantFrom('Housekeeping', 'Housekeeping (revised)', 'Caregiving'),
  occupationIsco: fc.constantFrom('9111', '5322', '0000'),
  level: fc.integer({ min: 0, max: 9 }),
  units: fc.uniqueArray(
    fc.record({
      code: fc.constantFrom('U-01', 'U-02', 'U-03', 'U-04'),
      title: fc.constant('A unit'),
      escoSkills: fc.uniqueArray(fc.integer({ min: 1, max: 4 }).map(esco), { maxLength: 2 }),
      evidenceRequired: fc.subarray([...EVIDENCE_KINDS]),
    }),
    { maxLength: 4, selector: (unit) => unit.code },
  ),
  effectiveFrom: fc.constantFrom('2023-01-01', '2024-01-01', '2025-01-01', '2026-01-01'),
});
const command: fc.Arbitrary<StandardCommand> = fc.oneof(
  { weight: 2, arbitrary: content.map((c) => ({ type: 'PublishCompetencyStandard' as const, data: { standardId, ...c } })) },
  { weight: 6, arbitrary: content.map((c) => ({ type: 'ReviseCompetencyStandard' as const, data: c })) },
  { weight: 1, arbitrary: fc.constant({ type: 'WithdrawCompetencyStandard' as const, data: {} }) },
);
const refusals = [SkillsRuleViolation, UnknownCodes, StandardNotFound, StandardAlreadyPublished];

describe('a competency standard, whatever the commands', () => {
  it('keeps its versions consecutive, each valid, taking effect in order, and stays withdrawn', () => {
    let versions = 0;
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 30 }), (commands) => {
        let state: StandardState = initialState();
        for (const c of commands) {
          let events;
          try {
            events = decide({ ...c, metadata: { now: NOW } }, state);
          } catch (error) {
            if (refusals.some((type) => error instanceof type)) continue;
            throw error;
          }
          const withdrawnBefore = state.status === 'withdrawn';
          state = events.reduce(evolve, state);
          expect(withdrawnBefore && events.length > 0).toBe(false);
        }
        if (state.status === 'unpublished') return;
        versions += state.versions.length;
        expect(state.versions.map((v) => v.version)).toEqual(state.versions.map((_, i) => i + 1));
        for (const [i, v] of state.versions.entries()) {
          expect(v.units.length).toBeGreaterThan(0);
          expect(new Set(v.units.map((u) => u.code)).size).toBe(v.units.length);
          expect(v.level).toBeGreaterThanOrEqual(1);
          expect(v.level).toBeLessThanOrEqual(8);
          if (i > 0) expect(v.effectiveFrom >= state.versions[i - 1]!.effectiveFrom).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
    // Some 110 versions in 300 runs: enough that the properties meet their case.
    expect(versions).toBeGreaterThan(40);
  });
});
