import fc from 'fast-check';
import { EmploymentRuleViolation, ReferralNotFound, UnknownCodes } from '../employment.errors';
import { NOW, hire, match, openVacancy, refer } from '../testing/employment.fixture';
import { decide, type ReferralCommand } from './referral.decider';
import type { ReferralEvent } from './referral.events';
import { evolve, initialState, type ReferralState } from './referral.state';

// Whatever commands arrive: a referral's events follow ReferralMade · InterviewRecorded* · (ReferralClosed |
// HireRecorded · PlacementEnded?)?, dates never go backwards from the referral, a hire is never recorded on
// a vacancy without an opening left, and the score recorded is the engine's, equal to the sum of its factors.

const date = fc.constantFrom(-1, 0, 1, 2).map((d) => new Date(NOW.getTime() + d * 86_400_000).toISOString().slice(0, 10));
const factor = fc
  .record({
    name: fc.constantFrom('occupation', 'units', 'experience', 'location', 'languages'),
    weightMilli: fc.integer({ min: 0, max: 5000 }),
    valueMilli: fc.integer({ min: 0, max: 1000 }),
  })
  .map((f) => ({ ...f, contributionMilli: Math.round((f.weightMilli * f.valueMilli) / 1000), evidence: [], citedEventIds: [] }));
const score = fc.array(factor, { maxLength: 5 }).map((factors) => ({
  weightsVersion: match.weightsVersion,
  factors,
  scoreMilli: factors.reduce((s, f) => s + f.contributionMilli, 0),
}));
const command: fc.Arbitrary<ReferralCommand> = fc.oneof(
  fc
    .record({ match: fc.option(score, { nil: undefined }), status: fc.constantFrom('open', 'closed', 'filled') })
    .map(({ match, status }) => refer({ match, vacancy: { ...openVacancy, status: status as 'open' } })),
  fc
    .record({ interviewedOn: date, outcome: fc.constantFrom('passed', 'not_selected', 'no_show', 'pending') })
    .map((data): ReferralCommand => ({ type: 'RecordInterview', data })),
  fc.constantFrom('not_selected', 'declined_by_seeker').map((reason): ReferralCommand => ({ type: 'CloseReferral', data: { reason } })),
  fc
    .record({ hiredOn: date, startsOn: date, hires: fc.integer({ min: 0, max: 3 }) })
    .map(({ hiredOn, startsOn, hires }) => hire({ hiredOn, startsOn, vacancy: { ...openVacancy, hires } })),
  fc.record({ endedOn: date }).map(({ endedOn }): ReferralCommand => ({ type: 'EndPlacement', data: { endedOn, reason: 'resigned' } })),
);
const refusals = [EmploymentRuleViolation, UnknownCodes, ReferralNotFound];
const GRAMMAR = /^M(I)*(C|H(E)?)?$/;
const letter: Record<ReferralEvent['type'], string> = {
  ReferralMade: 'M',
  InterviewRecorded: 'I',
  ReferralClosed: 'C',
  HireRecorded: 'H',
  PlacementEnded: 'E',
};

describe('a referral, whatever the commands', () => {
  it('keeps its lifecycle, its dates and its score', () => {
    const seen = { hires: 0, ends: 0, closes: 0 };
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 20 }), (commands) => {
        let state: ReferralState = initialState();
        const events: ReferralEvent[] = [];
        for (const c of commands) {
          try {
            const decided = decide({ ...c, metadata: { now: NOW } }, state);
            if (c.type === 'RecordHire') expect(c.data.vacancy.hires).toBeLessThan(c.data.vacancy.openings);
            events.push(...decided);
            state = decided.reduce(evolve, state);
          } catch (error) {
            if (!refusals.some((type) => error instanceof type)) throw error;
          }
        }
        seen.hires += events.filter((e) => e.type === 'HireRecorded').length;
        seen.ends += events.filter((e) => e.type === 'PlacementEnded').length;
        seen.closes += events.filter((e) => e.type === 'ReferralClosed').length;
        expect(events.map((e) => letter[e.type]).join('')).toMatch(events.length === 0 ? /^$/ : GRAMMAR);
        const made = events.find((e) => e.type === 'ReferralMade');
        if (made?.type !== 'ReferralMade') return;
        expect(made.data.scoreMilli).toBe(made.data.factors.reduce((s, f) => s + f.contributionMilli, 0));
        for (const e of events) {
          if (e.type === 'InterviewRecorded') expect(e.data.interviewedOn >= made.data.referredOn).toBe(true);
          if (e.type === 'HireRecorded') expect(e.data.hiredOn >= made.data.referredOn && e.data.startsOn >= e.data.hiredOn).toBe(true);
        }
        const hired = events.find((e) => e.type === 'HireRecorded');
        const ended = events.find((e) => e.type === 'PlacementEnded');
        if (hired?.type === 'HireRecorded' && ended?.type === 'PlacementEnded')
          expect(ended.data.endedOn >= hired.data.startsOn).toBe(true);
      }),
      { numRuns: 500 },
    );
    // The runs reach every end of the lifecycle, so the property is not about empty histories only.
    expect(seen.hires).toBeGreaterThan(0);
    expect(seen.ends).toBeGreaterThan(0);
    expect(seen.closes).toBeGreaterThan(0);
  });
});
