import fc from 'fast-check';
import { decide, WorkerAlreadyRegistered, WorkerNotRegistered, WorkerRuleViolation, type WorkerCommand } from './worker.decider';
import type { WorkerEvent } from './worker.events';
import { allCycles, evolve, initialState, type Cycle, type WorkerState } from './worker.state';

// Whatever commands arrive, in whatever order and with whatever dates, the registry's rules hold:
// no cycle runs backwards in time, no cycle has two returns, and the stored events rebuild the state.

const TODAY = '2026-01-01';
const day = fc.integer({ min: 0, max: 3000 }).map((n) => new Date(Date.UTC(2018, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
const country = fc.constantFrom('SA', 'AE', 'QA');
const id = fc.uuid();

const command: fc.Arbitrary<WorkerCommand> = fc.oneof(
  fc.record({
    type: fc.constant('CompleteOrientation' as const),
    data: fc.record({ today: fc.constant(TODAY), completedOn: day, topics: fc.constant(['rights' as const]), provider: fc.constant('P') }),
  }),
  fc.record({
    type: fc.constant('RecordDeparture' as const),
    data: fc.tuple(day, country, day).map(([departedOn, destinationCountry, end]) => ({
      today: TODAY,
      departedOn,
      destinationCountry,
      employerName: 'E',
      occupationIsco: '9111',
      contractStart: departedOn,
      contractEnd: end,
      channel: 'regular' as const,
    })),
  }),
  fc.record({ type: fc.constant('RecordArrival' as const), data: fc.record({ today: fc.constant(TODAY), arrivedOn: day, country }) }),
  fc.record({
    type: fc.constant('RecordEmploymentChange' as const),
    data: fc.record({
      today: fc.constant(TODAY),
      changedOn: day,
      change: fc.constant('new_employer' as const),
      employerName: fc.constant('F'),
    }),
  }),
  fc.record({
    type: fc.constant('RecordIncident' as const),
    data: fc.record({
      today: fc.constant(TODAY),
      incidentId: id,
      occurredOn: day,
      kind: fc.constant('accident' as const),
      fundAssistanceRequested: fc.boolean(),
    }),
  }),
  fc.record({
    type: fc.constant('RecordReturn' as const),
    data: fc.record({
      today: fc.constant(TODAY),
      returnedOn: day,
      fromCountry: country,
      assistance: fc.constantFrom('assisted' as const, 'unassisted' as const),
      reason: fc.constantFrom('contract_completed' as const, 'deportation' as const),
    }),
  }),
  fc.record({
    type: fc.constant('ReferForReintegration' as const),
    data: fc.record({ today: fc.constant(TODAY), referralId: id, referredOn: day, service: fc.constant('employment' as const) }),
  }),
  fc.record({
    type: fc.constant('ErasePersonalData' as const),
    data: fc.record({ today: fc.constant(TODAY), basis: fc.constant('subject_request' as const) }),
  }),
);

const register: WorkerCommand = {
  type: 'RegisterWorker',
  data: {
    today: TODAY,
    workerId: 'w',
    sex: 'F',
    originArea: 'PH-03',
    languages: [],
    personalData: { givenName: 'A', familyName: 'B', dateOfBirth: '1990-01-01' },
    duplicateCandidates: [],
  },
};

function run(commands: readonly WorkerCommand[]): { state: WorkerState; events: WorkerEvent[] } {
  let state = initialState();
  const events: WorkerEvent[] = [];
  for (const c of commands) {
    try {
      const decided = decide(c, state);
      events.push(...decided);
      state = decided.reduce(evolve, state);
    } catch (error) {
      // Refusals are part of the game; anything else is a bug.
      if (!(error instanceof WorkerRuleViolation || error instanceof WorkerNotRegistered || error instanceof WorkerAlreadyRegistered))
        throw error;
    }
  }
  return { state, events };
}

function datesInOrder(cycle: Cycle): boolean {
  const start = cycle.departure?.departedOn ?? '0000-00-00';
  const abroad = [cycle.arrivedOn, ...cycle.employmentChanges.map((c) => c.changedOn), ...cycle.incidents.map((i) => i.occurredOn)].filter(
    (d): d is string => d !== undefined,
  );
  const end = cycle.returnedOn ?? '9999-99-99';
  const reintegration = cycle.reintegration.referrals.map((r) => r.referredOn);
  return (
    abroad.every((d) => d >= start && d <= end) &&
    (cycle.arrivedOn === undefined || cycle.employmentChanges.every((c) => c.changedOn >= cycle.arrivedOn!)) &&
    start <= end &&
    reintegration.every((d) => cycle.returnedOn !== undefined && d >= cycle.returnedOn)
  );
}

describe('any sequence of commands', () => {
  const sequences = fc.array(command, { minLength: 1, maxLength: 40 }).map((cs) => [register, ...cs]);

  it('keeps every cycle in date order, and each cycle after the previous one', () =>
    fc.assert(
      fc.property(sequences, (commands) => {
        const cycles = allCycles(run(commands).state);
        expect(cycles.every(datesInOrder)).toBe(true);
        for (let i = 1; i < cycles.length; i++) {
          const previousEnd = cycles[i - 1]!.returnedOn!;
          const next = cycles[i]!.departure?.departedOn ?? cycles[i]!.returnedOn!;
          expect(next >= previousEnd).toBe(true);
        }
        expect(cycles.map((c) => c.number)).toEqual(cycles.map((_, i) => i + 1));
      }),
      { numRuns: 500 },
    ));

  it('never records two returns, or two arrivals, in one cycle', () =>
    fc.assert(
      fc.property(sequences, (commands) => {
        const { events } = run(commands);
        for (const type of ['ReturnRecorded', 'ArrivalRecorded'] as const) {
          const cycles = events.filter((e) => e.type === type).map((e) => (e as { data: { cycleNumber: number } }).data.cycleNumber);
          expect(new Set(cycles).size).toBe(cycles.length);
        }
      }),
      { numRuns: 500 },
    ));

  it('leaves a state that the stored events rebuild exactly', () =>
    fc.assert(
      fc.property(sequences, (commands) => {
        const { state, events } = run(commands);
        // What the event store holds is JSON; folding it back must give the same state.
        const stored = JSON.parse(JSON.stringify(events)) as WorkerEvent[];
        expect(stored.reduce(evolve, initialState())).toEqual(state);
      }),
      { numRuns: 500 },
    ));

  it('never brings personal data back after erasure', () =>
    fc.assert(
      fc.property(sequences, (commands) => {
        const { state, events } = run(commands);
        if (state.status !== 'unregistered' && events.some((e) => e.type === 'PersonalDataErased'))
          expect(state.profile.personalData).toBeUndefined();
      }),
      { numRuns: 300 },
    ));
});

describe('the generator', () => {
  it('reaches the histories the properties are about: re-migrations, stays with incidents, returns without departure', () => {
    const samples = fc.sample(
      fc.array(command, { minLength: 1, maxLength: 40 }).map((cs) => run([register, ...cs]).state),
      // A fixed seed: this checks the generator's reach, not the registry, so it must not flicker.
      { numRuns: 500, seed: 20261123 },
    );
    const cycles = samples.map(allCycles);
    const counts = {
      remigrations: cycles.filter((c) => c.length >= 2).length,
      incidents: cycles.filter((c) => c.some((x) => x.incidents.length > 0)).length,
      undocumented: cycles.filter((c) => c.some((x) => x.withoutRecordedDeparture)).length,
    };
    expect(counts.remigrations).toBeGreaterThan(25);
    expect(counts.incidents).toBeGreaterThan(15);
    expect(counts.undocumented).toBeGreaterThan(50);
  });
});
