import fc from 'fast-check';
import { EmploymentRuleViolation, UnknownCodes, VacancyNotFound } from '../employment.errors';
import { NOW, post } from '../testing/employment.fixture';
import { decide, type VacancyCommand } from './vacancy.decider';
import type { VacancyEvent } from './vacancy.events';
import { evolve, initialState, type VacancyState } from './vacancy.state';

// Whatever commands arrive, in whatever order, on whatever day: a vacancy is posted once, with at least one
// opening, a wage of at least zero and a closing date not before its posting; filled and withdrawn are
// final; closed comes at most once and before them.

const day = fc.integer({ min: 0, max: 120 }).map((d) => new Date(NOW.getTime() + d * 86_400_000));
const command: fc.Arbitrary<VacancyCommand> = fc.oneof(
  fc
    .record({
      openings: fc.integer({ min: -2, max: 5 }),
      amountMinor: fc.integer({ min: -10, max: 10_000 }),
      closingIn: fc.integer({ min: -5, max: 90 }),
    })
    .map(({ openings, amountMinor, closingIn }) =>
      post({
        openings,
        monthlyWage: { currency: 'PHP', amountMinor },
        closingOn: new Date(NOW.getTime() + closingIn * 86_400_000).toISOString().slice(0, 10),
      }),
    ),
  fc.constant<VacancyCommand>({ type: 'CloseVacancy', data: {} }),
  fc.constant<VacancyCommand>({ type: 'WithdrawVacancy', data: { reason: 'posted in error' } }),
  fc.constant<VacancyCommand>({ type: 'FillVacancy', data: {} }),
);
const refusals = [EmploymentRuleViolation, UnknownCodes, VacancyNotFound];

describe('a vacancy, whatever the commands', () => {
  it('keeps its invariants and its order of states', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.array(fc.tuple(command, day), { minLength: 1, maxLength: 25 }), (steps) => {
        let state: VacancyState = initialState();
        const events: VacancyEvent[] = [];
        for (const [c, now] of steps.sort((a, b) => a[1].getTime() - b[1].getTime())) {
          try {
            const decided = decide({ ...c, metadata: { now } }, state);
            events.push(...decided);
            state = decided.reduce(evolve, state);
          } catch (error) {
            if (!refusals.some((type) => error instanceof type)) throw error;
          }
        }
        const types = events.map((e) => e.type);
        types.forEach((t) => seen.add(t));
        expect(types.filter((t) => t === 'VacancyPosted').length).toBeLessThanOrEqual(1);
        if (events.length > 0) expect(types[0]).toBe('VacancyPosted');
        expect(types.filter((t) => t === 'VacancyClosed').length).toBeLessThanOrEqual(1);
        const finals = types.filter((t) => t === 'VacancyFilled' || t === 'VacancyWithdrawn');
        expect(finals.length).toBeLessThanOrEqual(1);
        // Nothing after a final event.
        if (finals.length === 1) expect(types[types.length - 1]).toBe(finals[0]);
        const posted = events.find((e) => e.type === 'VacancyPosted');
        if (posted?.type === 'VacancyPosted') {
          expect(posted.data.openings).toBeGreaterThanOrEqual(1);
          expect(posted.data.monthlyWage.amountMinor).toBeGreaterThanOrEqual(0);
          expect(posted.data.closingOn >= posted.data.postedOn).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
    expect([...seen].sort()).toEqual(['VacancyClosed', 'VacancyFilled', 'VacancyPosted', 'VacancyWithdrawn']);
  });
});
