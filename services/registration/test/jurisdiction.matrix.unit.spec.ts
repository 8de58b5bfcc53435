import fc from 'fast-check';
import type { Principal } from '@homeward/auth';
import { assertNever } from '@homeward/assert-never';
import { authorise, visibleCycles, type AccessDecision, type WorkerAction } from '../src/application/access/worker.access';
import { actionOf, type StageCommand } from '../src/application/record-on-worker/record-on-worker.handler';
import { decide, WorkerRuleViolation, type WorkerCommand } from '../src/domain/worker/worker.decider';
import type { WorkerEvent } from '../src/domain/worker/worker.events';
import { evolve, initialState, type WorkerState } from '../src/domain/worker/worker.state';
import {
  CALLERS,
  COUNTRIES,
  SITUATIONS,
  describeCaller,
  verdict,
  type Caller,
  type Country,
  type CycleModel,
  type Operation,
  type OperationId,
  type WorkerModel,
} from './jurisdiction.oracle';

// The jurisdiction matrix, pure: every caller (kind × country × scope set) × every operation × every
// worker with up to two cycles in any of three countries (each open or closed, documented or not, with
// or without an incident), judged by `authorise` and by the independent oracle; they must agree on the
// refusal and its code, and on what an allowed caller is shown.

const workerId = 'w';

/** The worker the model describes, folded from the events that would have made it. */
function stateOf(model: WorkerModel): WorkerState {
  if (!model.registered) return initialState();
  const events: WorkerEvent[] = [
    {
      type: 'WorkerRegistered',
      data: { workerId, registeredOn: '2015-01-01', sex: 'F', birthYear: 1990, originArea: 'X', languages: [] },
    },
  ];
  model.cycles.forEach((cycle, i) => {
    const cycleNumber = i + 1;
    const year = 2016 + 2 * i;
    if (cycle.stay) {
      events.push({
        type: 'DepartureRecorded',
        data: {
          workerId,
          cycleNumber,
          destinationCountry: cycle.stay,
          departedOn: `${year}-01-01`,
          employerName: 'E',
          occupationIsco: '9111',
          contractStart: `${year}-01-01`,
          contractEnd: `${year + 2}-01-01`,
          channel: 'regular',
        },
      });
    }
    if (cycle.incident) {
      events.push({
        type: 'WelfareIncidentRecorded',
        data: {
          workerId,
          cycleNumber,
          incidentId: `incident-${i}`,
          occurredOn: `${year}-06-01`,
          kind: 'abuse',
          fundAssistanceRequested: true,
        },
      });
    }
    if (cycle.from) {
      events.push({
        type: 'ReturnRecorded',
        data: {
          workerId,
          cycleNumber,
          returnedOn: `${year + 1}-01-01`,
          fromCountry: cycle.from,
          assistance: 'assisted',
          reason: 'contract_completed',
          withoutRecordedDeparture: !cycle.stay,
        },
      });
    }
  });
  return events.reduce(evolve, initialState());
}

/** Every cycle a worker can have in the three countries; `last` may be open. */
function cycleChoices(last: boolean): CycleModel[] {
  const choices: CycleModel[] = COUNTRIES.map((from) => ({ from })); // home with no recorded departure
  for (const stay of COUNTRIES) {
    for (const from of [...(last ? [undefined] : []), ...COUNTRIES]) {
      for (const incident of [false, true]) choices.push({ stay, ...(from ? { from } : {}), incident });
    }
  }
  return choices;
}

const MODELS: readonly WorkerModel[] = [
  { registered: false, cycles: [] },
  { registered: true, cycles: [] },
  ...cycleChoices(true).map((c) => ({ registered: true, cycles: [c] })),
  ...cycleChoices(false).flatMap((first) => cycleChoices(true).map((second) => ({ registered: true, cycles: [first, second] }))),
];

const ALL_OPERATIONS: readonly OperationId[] = [
  'registerWorker',
  'importLegacyRegister',
  'recordDeparture',
  'completeOrientation',
  'assessReintegrationNeeds',
  'referForReintegration',
  'recordReferralOutcome',
  'correctWorkerDetails',
  'resolveDuplicate',
  'erasePersonalData',
  'recordArrival',
  'recordEmploymentChange',
  'recordSkills',
  'recordIncident',
  'recordReturn',
  'getWorker',
  'listWorkers',
  'getIncident',
  'searchWorkers',
];

function operationsOn(model: WorkerModel): Operation[] {
  return ALL_OPERATIONS.flatMap((id): Operation[] => {
    if (id === 'recordReturn') return COUNTRIES.map((fromCountry) => ({ id, fromCountry }));
    if (id === 'getIncident') {
      const withIncident = model.cycles.flatMap((c, i) => (c.incident ? [i] : []));
      return [{ id }, ...withIncident.map((incidentOfCycle) => ({ id, incidentOfCycle }))];
    }
    return [{ id }];
  });
}

/** The stage command behind an operation, as far as its access rule can see it. */
const stage = (type: StageCommand['type'], data: object = {}): WorkerAction => actionOf({ type, data } as StageCommand);

/** The access request each operation's handler makes (the stage commands through the handler's own mapping). */
function actionFor(op: Operation): WorkerAction {
  switch (op.id) {
    case 'registerWorker':
    case 'importLegacyRegister':
      return { type: 'register' };
    case 'erasePersonalData':
      return { type: 'erase' };
    case 'getWorker':
      return { type: 'read' };
    case 'listWorkers':
      return { type: 'list' };
    case 'searchWorkers':
      return { type: 'search' };
    case 'getIncident':
      return {
        type: 'read-incident',
        incidentId: op.incidentOfCycle === undefined ? 'no-such-incident' : `incident-${op.incidentOfCycle}`,
      };
    case 'recordDeparture':
      return stage('RecordDeparture');
    case 'completeOrientation':
      return stage('CompleteOrientation');
    case 'assessReintegrationNeeds':
      return stage('AssessReintegrationNeeds');
    case 'referForReintegration':
      return stage('ReferForReintegration');
    case 'recordReferralOutcome':
      return stage('RecordReferralOutcome');
    case 'correctWorkerDetails':
      return stage('CorrectWorkerDetails');
    case 'resolveDuplicate':
      return stage('ResolveDuplicate');
    case 'recordArrival':
      return stage('RecordArrival');
    case 'recordEmploymentChange':
      return stage('RecordEmploymentChange');
    case 'recordSkills':
      return stage('RecordSkills');
    case 'recordIncident':
      return stage('RecordIncident');
    case 'recordReturn':
      return stage('RecordReturn', { fromCountry: op.fromCountry });
    default:
      assertNever(op.id, 'operation');
  }
}

const principalOf = (caller: Caller): Principal => ({
  subject: 'matrix',
  organisationId: `${caller.kind}-${caller.country ?? 'home'}`,
  kind: caller.kind,
  ...(caller.country ? { country: caller.country } : {}),
  scopes: new Set(caller.scopes),
});

/** What `authorise` decided, in the oracle's terms. */
function observed(decision: AccessDecision, state: WorkerState): unknown {
  if (!decision.allowed) return { allowed: false, refusal: decision.code };
  const shown = visibleCycles(state, decision);
  return {
    allowed: true,
    personalData: decision.personalData,
    cycles: shown.map((c) => c.number - 1),
    incidents: shown.filter((c) => c.incidents.length > 0).map((c) => c.number - 1),
  };
}

describe('the jurisdiction matrix over authorise', () => {
  it(`enumerates ${MODELS.length} workers, the named situations among them`, () => {
    const known = new Set(MODELS.map((m) => JSON.stringify(stateOf(m))));
    for (const situation of Object.values(SITUATIONS)) expect(known.has(JSON.stringify(stateOf(situation)))).toBe(true);
  });

  it('agrees with the oracle for every caller, operation and worker', () => {
    const disagreements: string[] = [];
    let checked = 0;
    for (const model of MODELS) {
      const state = stateOf(model);
      for (const op of operationsOn(model)) {
        const action = actionFor(op);
        for (const caller of CALLERS) {
          const expected = verdict(caller, op, model);
          const actual = observed(authorise(principalOf(caller), action, state), state);
          checked++;
          if (JSON.stringify(actual) !== JSON.stringify(expected) && disagreements.length < 20) {
            disagreements.push(
              `${describeCaller(caller)} ${JSON.stringify(op)} on ${JSON.stringify(model)}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
            );
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(1_000_000);
    expect(disagreements).toEqual([]);
  });
});

// Longer histories, made by the registry's own decider from random commands: whatever a mission may
// write is about a worker it could already read, and no write it may make changes which missions may read.

const TODAY = '2030-01-01';
const day = fc.integer({ min: 0, max: 3000 }).map((n) => new Date(Date.UTC(2018, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
const country = fc.constantFrom<Country>(...COUNTRIES);
const historyCommand: fc.Arbitrary<WorkerCommand> = fc.oneof(
  fc.tuple(day, country).map(([departedOn, destinationCountry]): WorkerCommand => ({
    type: 'RecordDeparture',
    data: {
      today: TODAY,
      departedOn,
      destinationCountry,
      employerName: 'E',
      occupationIsco: '9111',
      contractStart: departedOn,
      contractEnd: departedOn,
      channel: 'regular',
    },
  })),
  fc.tuple(day, country).map(([returnedOn, fromCountry]): WorkerCommand => ({
    type: 'RecordReturn',
    data: { today: TODAY, returnedOn, fromCountry, assistance: 'assisted', reason: 'contract_completed' },
  })),
  fc.tuple(day, fc.uuid()).map(([occurredOn, incidentId]): WorkerCommand => ({
    type: 'RecordIncident',
    data: { today: TODAY, incidentId, occurredOn, kind: 'abuse', fundAssistanceRequested: false },
  })),
);
const missionWrite: fc.Arbitrary<StageCommand> = fc.oneof(
  fc.tuple(day, country).map(([arrivedOn, c]): StageCommand => ({ type: 'RecordArrival', data: { today: TODAY, arrivedOn, country: c } })),
  fc.tuple(day, fc.uuid()).map(([occurredOn, incidentId]): StageCommand => ({
    type: 'RecordIncident',
    data: { today: TODAY, incidentId, occurredOn, kind: 'accident', fundAssistanceRequested: false },
  })),
  fc.tuple(day, country).map(([returnedOn, fromCountry]): StageCommand => ({
    type: 'RecordReturn',
    data: { today: TODAY, returnedOn, fromCountry, assistance: 'unassisted', reason: 'deportation' },
  })),
);

function historyOf(commands: readonly WorkerCommand[]): WorkerState {
  let state = stateOf({ registered: true, cycles: [] });
  for (const command of commands) {
    try {
      state = decide(command, state).reduce(evolve, state);
    } catch (error) {
      if (!(error instanceof WorkerRuleViolation)) throw error;
    }
  }
  return state;
}

const missionFull = (c: Country): Principal =>
  principalOf({ kind: 'mission', country: c, scopes: ['workers:read', 'workers:write-abroad'] });
const readers = (state: WorkerState): Country[] => COUNTRIES.filter((c) => authorise(missionFull(c), { type: 'read' }, state).allowed);

describe('a mission writing', () => {
  it('writes only about workers it could already read, and never changes which missions may read them', () =>
    fc.assert(
      fc.property(fc.array(historyCommand, { maxLength: 12 }), country, missionWrite, (history, writer, write) => {
        const before = historyOf(history);
        if (!authorise(missionFull(writer), actionOf(write), before).allowed) return;
        expect(readers(before)).toContain(writer);
        let after: WorkerState;
        try {
          after = decide(write, before).reduce(evolve, before);
        } catch (error) {
          if (error instanceof WorkerRuleViolation) return;
          throw error;
        }
        expect(readers(after)).toEqual(readers(before));
      }),
      { numRuns: 3000 },
    ));
});
