import fc from 'fast-check';
import { EmploymentRuleViolation, SeekerNotFound, UnknownCodes } from '../employment.errors';
import { NOW, workerId } from '../testing/employment.fixture';
import { decide, type SeekerCommand } from './seeker.decider';
import type { SeekerEvent } from './seeker.events';
import { evolve, initialState, type SeekerState } from './seeker.state';

// Whatever arrives — requests, returns redelivered by the topic, wishes, leaving for any reason — a returnee is
// registered from one return at most once, registered only when not seeking work, and records wishes or
// leaves only while seeking work.

const sourceEventId = fc.constantFrom('r1', 'r2', 'r3');
const command: fc.Arbitrary<SeekerCommand> = fc.oneof(
  fc.constant<SeekerCommand>({ type: 'RegisterJobSeeker', data: { workerId } }),
  fc.record({ sourceEventId, cycleNumber: fc.integer({ min: 1, max: 3 }) }).map(({ sourceEventId, cycleNumber }): SeekerCommand => ({
    type: 'RegisterReturnee',
    data: { workerId, sourceEventId, cycleNumber, returnedOn: '2025-05-01' },
  })),
  fc
    .record({ occupations: fc.subarray(['9112', '5152', '0000']), areas: fc.subarray(['PH-CEB', 'PH-03']) })
    .map(({ occupations, areas }): SeekerCommand => ({ type: 'SetPreferences', data: { occupations, areas, willingToRelocate: true } })),
  fc
    .constantFrom('placed', 'on_request', 'remigrated', 'deceased')
    .map((reason): SeekerCommand => ({ type: 'LeaveRegister', data: { reason } })),
);
const refusals = [EmploymentRuleViolation, UnknownCodes, SeekerNotFound];

describe('a job seeker, whatever the commands', () => {
  it('alternates registration and leaving, registers from each return once, and records wishes only while seeking', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 30 }), (commands) => {
        let state: SeekerState = initialState();
        const events: SeekerEvent[] = [];
        for (const c of commands) {
          try {
            const before = state.status;
            const decided = decide({ ...c, metadata: { now: NOW } }, state);
            for (const e of decided) {
              if (e.type === 'JobSeekerRegistered') expect(before).not.toBe('active');
              else expect(before).toBe('active');
            }
            events.push(...decided);
            state = decided.reduce(evolve, state);
          } catch (error) {
            if (!refusals.some((type) => error instanceof type)) throw error;
          }
        }
        const sources = events.flatMap((e) => (e.type === 'JobSeekerRegistered' && e.data.sourceEventId ? [e.data.sourceEventId] : []));
        expect(new Set(sources).size).toBe(sources.length);
        // Registered and left alternate, beginning with a registration.
        const lifecycle = events.filter((e) => e.type !== 'JobSeekerPreferencesSet').map((e) => e.type);
        lifecycle.forEach((t, i) => expect(t).toBe(i % 2 === 0 ? 'JobSeekerRegistered' : 'JobSeekerLeft'));
        for (const e of events) if (e.type === 'JobSeekerPreferencesSet') expect(e.data.occupations).not.toContain('0000');
      }),
      { numRuns: 300 },
    );
  });
});
