// The registry's own rules are the judge: every generated history is folded through the registration
// domain's pure decide/evolve and its pure access policy (imported by path: both are pure and the
// registration workspace exports no entry point for them), each command dated with the day the step
// would have been recorded and authorised for the step's actor.
import { defaultScopes } from '@homeward/auth/dev-issuer';
import type { Principal } from '@homeward/auth';
import { assertNever } from '@homeward/assert-never';
import { authorise, type WorkerAction } from '@homeward/registration/access';
import { decide, type WorkerCommand } from '@homeward/registration/decider';
import { allCycles, evolve, initialState, type WorkerState } from '@homeward/registration/state';
import { readLegacyRecord } from '@homeward/registration/legacy-row';
import { generateHistories, ORIGIN_COUNTRIES, type ExpectedWorker, type Step, type WorkerHistory } from '../src/history.generator';
import { expectedAfterImport, toLegacyRecord } from '../src/import.writer';

const TODAY = '2025-06-30';

function commandOf(step: Step, workerId: string): WorkerCommand {
  const today = step.recordedOn;
  switch (step.path) {
    case '/workers': {
      const { languages, ...body } = step.body;
      return { type: 'RegisterWorker', data: { ...body, languages: languages ?? [], workerId, duplicateCandidates: [], today } };
    }
    case '/workers/{workerId}/orientations':
      return { type: 'CompleteOrientation', data: { ...step.body, today } };
    case '/workers/{workerId}/departures':
      return { type: 'RecordDeparture', data: { ...step.body, today } };
    case '/workers/{workerId}/arrivals':
      return { type: 'RecordArrival', data: { ...step.body, today } };
    case '/workers/{workerId}/employment-changes':
      return { type: 'RecordEmploymentChange', data: { ...step.body, today } };
    case '/workers/{workerId}/skills':
      return { type: 'RecordSkills', data: { ...step.body, today } };
    case '/workers/{workerId}/incidents':
      return { type: 'RecordIncident', data: { ...step.body, incidentId: step.key, today } };
    case '/workers/{workerId}/returns':
      return { type: 'RecordReturn', data: { ...step.body, today } };
    case '/workers/{workerId}/reintegration/needs':
      return { type: 'AssessReintegrationNeeds', data: { ...step.body, today } };
    case '/workers/{workerId}/reintegration/referrals':
      return { type: 'ReferForReintegration', data: { ...step.body, referralId: step.key, today } };
    case '/workers/{workerId}/reintegration/referrals/{referralId}/outcome':
      return { type: 'RecordReferralOutcome', data: { ...step.body, referralId: step.referral, today } };
    default:
      assertNever(step, 'step');
  }
}

/** The access rule the registration API applies to the step. */
function actionOf(step: Step): WorkerAction {
  switch (step.path) {
    case '/workers':
      return { type: 'register' };
    case '/workers/{workerId}/departures':
      return { type: 'record-departure' };
    case '/workers/{workerId}/arrivals':
    case '/workers/{workerId}/employment-changes':
    case '/workers/{workerId}/skills':
    case '/workers/{workerId}/incidents':
      return { type: 'record-abroad' };
    case '/workers/{workerId}/returns':
      return { type: 'record-return', fromCountry: step.body.fromCountry };
    case '/workers/{workerId}/orientations':
    case '/workers/{workerId}/reintegration/needs':
    case '/workers/{workerId}/reintegration/referrals':
    case '/workers/{workerId}/reintegration/referrals/{referralId}/outcome':
      return { type: 'record-at-home' };
    default:
      assertNever(step, 'step');
  }
}

/** The step's actor as the registry sees it: a token of the development issuer's default scopes. */
function principalOf(step: Step): Principal {
  const { actor } = step;
  return {
    subject: 'demo',
    organisationId: actor.kind === 'mission' ? `mission-${actor.country}` : 'agency',
    kind: actor.kind,
    ...(actor.kind === 'mission' ? { country: actor.country } : {}),
    scopes: new Set(defaultScopes[actor.kind]),
  };
}

/**
 * Folds the history; throws the registry's WorkerRuleViolation, or the access policy's refusal, naming
 * the step, if a step breaks a rule.
 */
function fold(history: WorkerHistory): WorkerState {
  let state = initialState();
  for (const step of history.steps) {
    try {
      const access = authorise(principalOf(step), actionOf(step), state);
      if (!access.allowed) throw new Error(`${access.code}: ${access.reason}`);
      state = decide(commandOf(step, history.key), state).reduce(evolve, state);
    } catch (error) {
      throw new Error(`${history.key} ${step.key} (${step.path}): ${(error as Error).message}\n${JSON.stringify(history.steps, null, 1)}`);
    }
  }
  return state;
}

/** The registry's state in the shape of the generator's expectation. */
function asExpected(state: WorkerState): ExpectedWorker {
  const cycles = allCycles(state);
  return {
    status: state.status === 'abroad' ? 'abroad' : cycles.length > 0 ? 'returned' : 'at_home',
    cycles: cycles.map((c) => ({
      number: c.number,
      withoutRecordedDeparture: c.withoutRecordedDeparture,
      ...(c.departure ? { destinationCountry: c.departure.destinationCountry, departedOn: c.departure.departedOn } : {}),
      ...(c.arrivedOn ? { arrivedOn: c.arrivedOn } : {}),
      employmentChanges: c.employmentChanges.length,
      skills: c.skills.length,
      incidents: c.incidents.length,
      ...(c.returnedOn ? { returnedOn: c.returnedOn, fromCountry: c.fromCountry, assistance: c.assistance, reason: c.reason } : {}),
      needsAssessed: c.reintegration.needs !== undefined,
      referrals: c.reintegration.referrals.length,
      outcomes: c.reintegration.referrals.filter((r) => r.outcome).length,
    })),
  };
}

describe('the fold', () => {
  it('refuses a history whose return comes before its departure (so the checks below can fail)', () => {
    const history = [...generateHistories({ country: 'PH', seed: 11, today: TODAY }, 200)].find((h) =>
      h.steps.some((s) => s.path === '/workers/{workerId}/returns' && h.steps.some((d) => d.path === '/workers/{workerId}/departures')),
    )!;
    expect(() => fold(history)).not.toThrow();
    const broken: WorkerHistory = {
      ...history,
      steps: history.steps.map((s) =>
        s.path === '/workers/{workerId}/returns' ? { ...s, body: { ...s.body, returnedOn: '2000-01-01' } } : s,
      ),
    };
    expect(() => fold(broken)).toThrow(/is before/);
  });
});

describe.each(ORIGIN_COUNTRIES)('histories generated for %s, folded through the registry’s decider', (country) => {
  const histories = [...generateHistories({ country, seed: 11, today: TODAY }, 2000)];

  it('breaks no rule of the registry, and ends where the generator says it ends', () => {
    for (const history of histories) expect(asExpected(fold(history))).toEqual(history.expected);
  });

  it('dates nothing after the day it is recorded, and records nothing after today', () => {
    for (const history of histories) {
      for (const step of history.steps) {
        expect(step.occurredOn <= step.recordedOn).toBe(true);
        expect(step.recordedOn <= TODAY).toBe(true);
      }
      const recorded = history.steps.map((s) => s.recordedOn);
      expect([...recorded].sort()).toEqual(recorded);
    }
  });

  it('gives a legacy-register record the registry reads and imports under the same rules', () => {
    for (const history of histories) {
      const read = readLegacyRecord(toLegacyRecord(history), TODAY);
      if ('errors' in read) throw new Error(`${history.key}: ${JSON.stringify(read.errors)}`);
      const { register, departure, homecoming } = read.row;
      const commands: WorkerCommand[] = [
        { type: 'RegisterWorker', data: { ...register, workerId: history.key, duplicateCandidates: [] } },
        ...(departure ? [{ type: 'RecordDeparture' as const, data: departure }] : []),
        ...(homecoming ? [{ type: 'RecordReturn' as const, data: homecoming }] : []),
      ];
      let state = initialState();
      for (const command of commands) state = decide(command, state).reduce(evolve, state);
      expect(asExpected(state)).toEqual(expectedAfterImport(history));
    }
  });
});
