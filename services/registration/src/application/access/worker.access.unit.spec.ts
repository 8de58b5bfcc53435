import type { Principal } from '@homeward/auth';
import { evolve, initialState, type WorkerState } from '../../domain/worker/worker.state';
import type { WorkerEvent } from '../../domain/worker/worker.events';
import { authorise } from './worker.access';

const workerId = 'w';
const personalData = { givenName: 'A', familyName: 'B', dateOfBirth: '1990-01-01' };
const registered: WorkerEvent = {
  type: 'WorkerRegistered',
  data: { workerId, registeredOn: '2023-01-01', sex: 'F', birthYear: 1990, originArea: 'X', languages: [], personalData },
};
const departedTo = (country: string): WorkerEvent => ({
  type: 'DepartureRecorded',
  data: {
    workerId,
    cycleNumber: 1,
    destinationCountry: country,
    departedOn: '2023-02-01',
    employerName: 'E',
    occupationIsco: '9111',
    contractStart: '2023-02-01',
    contractEnd: '2024-02-01',
    channel: 'regular',
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
const statistics = principal('statistics', ['workers:read', 'aggregates:read']);

describe('authorise', () => {
  describe('an agency', () => {
    it('may do everything, with personal data', () => {
      for (const action of ['register', 'record-departure', 'record-return', 'read'] as const) {
        expect(authorise(agency, action, state(registered, departedTo('AE')))).toEqual({ allowed: true, personalData: true });
      }
    });
    it('may not write without the write scope', () =>
      expect(authorise(principal('agency', ['workers:read']), 'register', initialState())).toMatchObject({ allowed: false }));
  });

  describe('a mission', () => {
    it('reads and records the return of a worker whose open cycle is in its country', () => {
      expect(authorise(missionSA, 'read', state(registered, departedTo('SA')))).toMatchObject({ allowed: true });
      expect(authorise(missionSA, 'record-return', state(registered, departedTo('SA')), 'SA')).toMatchObject({ allowed: true });
    });
    it("is refused another country's worker, whatever country the return claims to be from", () => {
      expect(authorise(missionSA, 'read', state(registered, departedTo('AE')))).toMatchObject({ allowed: false });
      expect(authorise(missionSA, 'record-return', state(registered, departedTo('AE')), 'SA')).toMatchObject({ allowed: false });
    });
    it('records an undocumented return only from its own country', () => {
      expect(authorise(missionSA, 'record-return', state(registered), 'SA')).toMatchObject({ allowed: true });
      expect(authorise(missionSA, 'record-return', state(registered), 'AE')).toMatchObject({ allowed: false });
    });
    it('never registers workers or records departures', () => {
      expect(authorise(missionSA, 'register', initialState())).toMatchObject({ allowed: false });
      expect(authorise(missionSA, 'record-departure', state(registered))).toMatchObject({ allowed: false });
    });
  });

  describe('a statistics principal', () => {
    it('reads pseudonymous records and never personal data, even if granted the scope', () => {
      expect(authorise(statistics, 'read', state(registered))).toEqual({ allowed: true, personalData: false });
      const overGranted = principal('statistics', ['workers:read', 'personal-data:read']);
      expect(authorise(overGranted, 'read', state(registered))).toEqual({ allowed: true, personalData: false });
    });
    it('writes nothing', () => expect(authorise(statistics, 'record-return', state(registered), 'SA')).toMatchObject({ allowed: false }));
  });
});
