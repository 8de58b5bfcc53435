import { DeciderSpecification } from '@homeward/testing/decider';
import type { DepartureRecorded, ReturnRecorded, WorkerRegistered } from './worker.events';
import {
  WorkerAlreadyRegistered,
  WorkerNotRegistered,
  WorkerRuleViolation,
  workerDecider,
  type RecordDeparture,
  type RecordReturn,
  type RegisterWorker,
} from './worker.decider';

const spec = DeciderSpecification(workerDecider);
const workerId = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const personalData = { givenName: 'Maria', familyName: 'Santos', dateOfBirth: '1990-04-12' };

const register: RegisterWorker = {
  type: 'RegisterWorker',
  data: { workerId, today: '2023-01-10', sex: 'F', originArea: 'PH-03', languages: ['tl'], personalData },
};
const registered: WorkerRegistered = {
  type: 'WorkerRegistered',
  data: { workerId, registeredOn: '2023-01-10', sex: 'F', birthYear: 1990, originArea: 'PH-03', languages: ['tl'], personalData },
};
const contract = {
  destinationCountry: 'SA',
  employerName: 'Al Noor',
  occupationIsco: '9111',
  channel: 'regular' as const,
};
const depart = (departedOn: string, extra: Partial<RecordDeparture['data']> = {}): RecordDeparture => ({
  type: 'RecordDeparture',
  data: { today: '2025-12-31', departedOn, contractStart: departedOn, contractEnd: '2030-01-01', ...contract, ...extra },
});
const departed = (cycleNumber: number, departedOn: string): DepartureRecorded => ({
  type: 'DepartureRecorded',
  data: { workerId, cycleNumber, departedOn, contractStart: departedOn, contractEnd: '2030-01-01', ...contract },
});
const comeBack = (returnedOn: string): RecordReturn => ({
  type: 'RecordReturn',
  data: { today: '2025-12-31', returnedOn, fromCountry: 'SA', assistance: 'unassisted', reason: 'contract_completed' },
});
const returned = (cycleNumber: number, returnedOn: string, withoutRecordedDeparture = false): ReturnRecorded => ({
  type: 'ReturnRecorded',
  data: {
    workerId,
    cycleNumber,
    returnedOn,
    fromCountry: 'SA',
    assistance: 'unassisted',
    reason: 'contract_completed',
    withoutRecordedDeparture,
  },
});

describe('RegisterWorker', () => {
  describe('when nobody is registered under the id', () => {
    it('registers the worker with the birth year taken from the date of birth', () => spec.given([]).when(register).then([registered]));
    it('refuses a date of birth in the future', () =>
      spec
        .given([])
        .when({ ...register, data: { ...register.data, personalData: { ...personalData, dateOfBirth: '2024-01-01' } } })
        .thenThrows(WorkerRuleViolation, (e) => expect(e.field).toBe('personalData.dateOfBirth')));
  });
  describe('when the worker is already registered', () => {
    it('refuses a second registration', () => spec.given([registered]).when(register).thenThrows(WorkerAlreadyRegistered));
  });
});

describe('RecordDeparture', () => {
  describe('a registered worker at home', () => {
    it('opens cycle 1', () =>
      spec
        .given([registered])
        .when(depart('2023-02-01'))
        .then([departed(1, '2023-02-01')]));
    it('refuses a contract that ends before it starts', () =>
      spec
        .given([registered])
        .when(depart('2023-02-01', { contractStart: '2023-03-01', contractEnd: '2023-02-28' }))
        .thenThrows(WorkerRuleViolation, (e) => expect(e.field).toBe('contractEnd')));
    it('refuses a departure dated in the future', () =>
      spec
        .given([registered])
        .when(depart('2026-01-01'))
        .thenThrows(WorkerRuleViolation, (e) => expect(e.field).toBe('departedOn')));
  });
  describe('a worker who came back', () => {
    it('opens the next cycle on re-migration', () =>
      spec
        .given([registered, departed(1, '2023-02-01'), returned(1, '2024-02-01')])
        .when(depart('2024-05-01'))
        .then([departed(2, '2024-05-01')]));
    it('refuses a departure dated before the last return', () =>
      spec
        .given([registered, departed(1, '2023-02-01'), returned(1, '2024-02-01')])
        .when(depart('2024-01-01'))
        .thenThrows(WorkerRuleViolation, (e) => expect(e.field).toBe('departedOn')));
  });
  describe('a worker abroad', () => {
    it('refuses a second departure while the cycle is open', () =>
      spec
        .given([registered, departed(1, '2023-02-01')])
        .when(depart('2023-06-01'))
        .thenThrows(WorkerRuleViolation));
  });
  describe('nobody registered', () => {
    it('refuses', () => spec.given([]).when(depart('2023-02-01')).thenThrows(WorkerNotRegistered));
  });
});

describe('RecordReturn', () => {
  describe('a worker abroad', () => {
    it('closes the open cycle', () =>
      spec
        .given([registered, departed(1, '2023-02-01')])
        .when(comeBack('2024-02-01'))
        .then([returned(1, '2024-02-01')]));
    it('refuses a return dated before the departure', () =>
      spec
        .given([registered, departed(1, '2023-02-01')])
        .when(comeBack('2023-01-15'))
        .thenThrows(WorkerRuleViolation, (e) => expect(e.field).toBe('returnedOn')));
    it('refuses a return dated in the future', () =>
      spec
        .given([registered, departed(1, '2023-02-01')])
        .when(comeBack('2026-03-01'))
        .thenThrows(WorkerRuleViolation));
  });
  describe('a worker with no recorded departure', () => {
    it('accepts the return and flags it as undocumented, in a cycle of its own', () =>
      spec
        .given([registered])
        .when(comeBack('2024-02-01'))
        .then([returned(1, '2024-02-01', true)]));
  });
  describe('a worker whose cycle already has its return', () => {
    it('never adds a second return to that cycle: the new return opens an undocumented cycle', () =>
      spec
        .given([registered, departed(1, '2023-02-01'), returned(1, '2024-02-01')])
        .when(comeBack('2024-03-01'))
        .then([returned(2, '2024-03-01', true)]));
  });
  describe('nobody registered', () => {
    it('refuses', () => spec.given([]).when(comeBack('2024-02-01')).thenThrows(WorkerNotRegistered));
  });
});

describe('ErasePersonalData', () => {
  const erase = { type: 'ErasePersonalData' as const, data: { today: '2025-06-01', basis: 'subject_request' as const } };
  const erased = { type: 'PersonalDataErased' as const, data: { workerId, erasedOn: '2025-06-01', basis: 'subject_request' as const } };
  describe('a registered worker', () => {
    it('records the erasure', () =>
      spec
        .given([registered, departed(1, '2023-02-01')])
        .when(erase)
        .then([erased]));
  });
  describe('a worker already erased', () => {
    it('changes nothing', () => spec.given([registered, erased]).when(erase).thenNothingHappens());
  });
  describe('nobody registered', () => {
    it('refuses', () => spec.given([]).when(erase).thenThrows(WorkerNotRegistered));
  });
  describe('after erasure', () => {
    it('the worker still travels and returns, and still counts, without personal data', () =>
      spec
        .given([registered, erased])
        .when(depart('2024-01-01'))
        .then([departed(1, '2024-01-01')]));
  });
});
