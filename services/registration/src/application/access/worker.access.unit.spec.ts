import type { Principal } from '@homeward/auth';
import { evolve, initialState, type WorkerState } from '../../domain/worker/worker.state';
import type { WorkerEvent } from '../../domain/worker/worker.events';
import { authorise, visibleCycles } from './worker.access';

const workerId = 'w';
const personalData = { givenName: 'A', familyName: 'B', dateOfBirth: '1990-01-01' };
const registered: WorkerEvent = {
  type: 'WorkerRegistered',
  data: { workerId, registeredOn: '2023-01-01', sex: 'F', birthYear: 1990, originArea: 'X', languages: [], personalData },
};
const departedTo = (country: string, cycleNumber = 1): WorkerEvent => ({
  type: 'DepartureRecorded',
  data: {
    workerId,
    cycleNumber,
    destinationCountry: country,
    departedOn: '2023-02-01',
    employerName: 'E',
    occupationIsco: '9111',
    contractStart: '2023-02-01',
    contractEnd: '2024-02-01',
    channel: 'regular',
  },
});
const incident = (incidentId: string, cycleNumber = 1): WorkerEvent => ({
  type: 'WelfareIncidentRecorded',
  data: { workerId, cycleNumber, incidentId, occurredOn: '2023-03-01', kind: 'abuse', fundAssistanceRequested: true, caseNotes: 'notes' },
});
const returnedFrom = (country: string, cycleNumber = 1, withoutRecordedDeparture = false): WorkerEvent => ({
  type: 'ReturnRecorded',
  data: {
    workerId,
    cycleNumber,
    returnedOn: '2024-01-01',
    fromCountry: country,
    assistance: 'assisted',
    reason: 'contract_completed',
    withoutRecordedDeparture,
  },
});
const state = (...events: WorkerEvent[]): WorkerState => events.reduce(evolve, initialState());
const principal = (kind: Principal['kind'], scopes: string[], country?: string): Principal => ({
  subject: 's',
  organisationId: 'o',
  kind,
  ...(country ? { country } : {}),
  scopes: new Set(scopes),
});

const agency = principal('agency', ['workers:read', 'workers:write', 'personal-data:read']);
const missionSA = principal('mission', ['workers:read', 'workers:write-abroad', 'personal-data:read'], 'SA');
const missionAE = principal('mission', ['workers:read', 'workers:write-abroad', 'personal-data:read'], 'AE');
const statistics = principal('statistics', ['workers:read', 'aggregates:read']);
const read = { type: 'read' } as const;
const returnFrom = (fromCountry: string) => ({ type: 'record-return', fromCountry }) as const;
const caseNotesOf = (incidentId: string) => ({ type: 'read-incident', incidentId }) as const;

/** An earlier cycle in Saudi Arabia (with an incident), and the current one in the Emirates (with another). */
const onceInSaudiArabiaNowInTheEmirates = state(
  registered,
  departedTo('SA'),
  incident('in-sa'),
  returnedFrom('SA'),
  departedTo('AE', 2),
  incident('in-ae', 2),
);

describe('authorise', () => {
  describe('an agency', () => {
    it('may do everything, with personal data', () => {
      for (const action of [{ type: 'register' }, { type: 'record-departure' }, returnFrom('SA'), read] as const) {
        expect(authorise(agency, action, state(registered, departedTo('AE')))).toEqual({ allowed: true, personalData: true });
      }
    });
    it('may not write without the write scope', () =>
      expect(authorise(principal('agency', ['workers:read']), { type: 'register' }, initialState())).toMatchObject({
        allowed: false,
        code: 'access.scope-required',
      }));
  });

  describe('a mission', () => {
    it('reads and records the return of a worker whose open cycle is in its country, seeing only its country', () => {
      expect(authorise(missionSA, read, state(registered, departedTo('SA')))).toEqual({
        allowed: true,
        personalData: true,
        onlyCountry: 'SA',
      });
      expect(authorise(missionSA, returnFrom('SA'), state(registered, departedTo('SA')))).toMatchObject({ allowed: true });
    });

    it("is refused another country's worker, whatever country the return claims to be from", () => {
      const refused = { allowed: false, code: 'access.outside-jurisdiction' };
      expect(authorise(missionSA, read, state(registered, departedTo('AE')))).toMatchObject(refused);
      expect(authorise(missionSA, returnFrom('SA'), state(registered, departedTo('AE')))).toMatchObject(refused);
      expect(authorise(missionSA, returnFrom('AE'), state(registered, departedTo('AE')))).toMatchObject(refused);
    });

    it('records returns only from its own country, even of a worker whose open cycle is there', () =>
      expect(authorise(missionSA, returnFrom('AE'), state(registered, departedTo('SA')))).toMatchObject({
        allowed: false,
        code: 'access.outside-jurisdiction',
      }));

    it('may not open its way into a record by a return of a worker never recorded in its country', () => {
      const neverAbroad = state(registered);
      expect(authorise(missionSA, returnFrom('SA'), neverAbroad)).toMatchObject({ allowed: false, code: 'access.outside-jurisdiction' });
      expect(authorise(missionSA, read, neverAbroad)).toMatchObject({ allowed: false, code: 'access.outside-jurisdiction' });
      const lastAbroadElsewhere = state(registered, departedTo('SA'), returnedFrom('SA'), departedTo('AE', 2), returnedFrom('AE', 2));
      expect(authorise(missionSA, returnFrom('SA'), lastAbroadElsewhere)).toMatchObject({ allowed: false });
    });

    it('records an undocumented return only of a worker at home whose latest cycle was in its country', () => {
      const backFromSaudiArabia = state(registered, departedTo('SA'), returnedFrom('SA'));
      expect(authorise(missionSA, returnFrom('SA'), backFromSaudiArabia)).toMatchObject({ allowed: true });
      expect(authorise(missionAE, returnFrom('AE'), backFromSaudiArabia)).toMatchObject({ allowed: false });
      const undocumented = state(registered, returnedFrom('SA', 1, true));
      expect(authorise(missionSA, returnFrom('SA'), undocumented)).toMatchObject({ allowed: true });
    });

    it('records what happens abroad only while the open cycle is in its country', () => {
      const abroad = { type: 'record-abroad' } as const;
      expect(authorise(missionAE, abroad, onceInSaudiArabiaNowInTheEmirates)).toMatchObject({ allowed: true });
      expect(authorise(missionSA, abroad, onceInSaudiArabiaNowInTheEmirates)).toMatchObject({
        allowed: false,
        code: 'access.outside-jurisdiction',
      });
      expect(authorise(missionSA, abroad, state(registered, departedTo('SA'), returnedFrom('SA')))).toMatchObject({ allowed: false });
    });

    it('never registers workers or records departures', () => {
      expect(authorise(missionSA, { type: 'register' }, initialState())).toMatchObject({ allowed: false, code: 'access.kind-not-allowed' });
      expect(authorise(missionSA, { type: 'record-departure' }, state(registered))).toMatchObject({ allowed: false });
    });
  });

  describe("a worker once in Saudi Arabia and now in the Emirates, with an incident in each (the Riyadh mission's)", () => {
    it('the Riyadh mission reads the case notes of the incident in Saudi Arabia only', () => {
      expect(authorise(missionSA, caseNotesOf('in-sa'), onceInSaudiArabiaNowInTheEmirates)).toMatchObject({ allowed: true });
      expect(authorise(missionSA, caseNotesOf('in-ae'), onceInSaudiArabiaNowInTheEmirates)).toMatchObject({
        allowed: false,
        code: 'access.outside-jurisdiction',
      });
    });
    it('the Abu Dhabi mission reads the case notes of the incident in the Emirates only', () => {
      expect(authorise(missionAE, caseNotesOf('in-ae'), onceInSaudiArabiaNowInTheEmirates)).toMatchObject({ allowed: true });
      expect(authorise(missionAE, caseNotesOf('in-sa'), onceInSaudiArabiaNowInTheEmirates)).toMatchObject({ allowed: false });
    });
    it('each mission is shown its own cycle, and an agency both', () => {
      const shown = (p: Principal) => {
        const access = authorise(p, read, onceInSaudiArabiaNowInTheEmirates);
        if (!access.allowed) throw new Error(access.reason);
        return visibleCycles(onceInSaudiArabiaNowInTheEmirates, access).map((c) => [c.number, c.incidents.map((i) => i.incidentId)]);
      };
      expect(shown(missionSA)).toEqual([[1, ['in-sa']]]);
      expect(shown(missionAE)).toEqual([[2, ['in-ae']]]);
      expect(shown(agency)).toEqual([
        [1, ['in-sa']],
        [2, ['in-ae']],
      ]);
    });
  });

  it('keeps a cycle in the country of its stay, even when the worker came home through another', () => {
    const cameHomeThroughTheEmirates = state(registered, departedTo('SA'), incident('in-sa'), returnedFrom('AE'));
    expect(authorise(missionAE, read, cameHomeThroughTheEmirates)).toMatchObject({ allowed: false, code: 'access.outside-jurisdiction' });
    expect(authorise(missionAE, caseNotesOf('in-sa'), cameHomeThroughTheEmirates)).toMatchObject({ allowed: false });
    expect(authorise(missionSA, caseNotesOf('in-sa'), cameHomeThroughTheEmirates)).toMatchObject({ allowed: true });
    expect(authorise(missionSA, returnFrom('SA'), cameHomeThroughTheEmirates)).toMatchObject({ allowed: true });
  });

  describe('a statistics principal', () => {
    it('reads pseudonymous records and never personal data, even if granted the scope', () => {
      expect(authorise(statistics, read, state(registered))).toEqual({ allowed: true, personalData: false });
      const overGranted = principal('statistics', ['workers:read', 'personal-data:read']);
      expect(authorise(overGranted, read, state(registered))).toEqual({ allowed: true, personalData: false });
      expect(authorise(overGranted, caseNotesOf('x'), state(registered))).toMatchObject({
        allowed: false,
        code: 'access.kind-not-allowed',
      });
    });
    it('writes nothing', () =>
      expect(authorise(statistics, returnFrom('SA'), state(registered))).toMatchObject({
        allowed: false,
        code: 'access.kind-not-allowed',
      }));
  });

  it('gives an employer nothing, whatever scopes it was granted', () => {
    const employer = principal('employer', ['workers:read', 'workers:write', 'workers:write-abroad', 'personal-data:read']);
    for (const action of [read, { type: 'list' }, { type: 'search' }, returnFrom('SA'), { type: 'register' }] as const) {
      expect(authorise(employer, action, state(registered))).toMatchObject({ allowed: false, code: 'access.kind-not-allowed' });
    }
  });

  it('judges an unknown worker on kind and scope only, so that the caller who passes learns it is unknown', () => {
    expect(authorise(missionSA, read, initialState())).toMatchObject({ allowed: true });
    expect(authorise(principal('mission', [], 'SA'), read, initialState())).toMatchObject({
      allowed: false,
      code: 'access.scope-required',
    });
  });
});
