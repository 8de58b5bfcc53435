import { DeciderSpecification } from '@homeward/testing/decider';
import type { DepartureRecorded, ReturnRecorded, WorkerRegistered } from './worker.events';
import {
  UnknownCodes,
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
  data: { workerId, today: '2023-01-10', sex: 'F', originArea: 'PH-03', languages: ['tl'], personalData, duplicateCandidates: [] },
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
        .when(depart('2026-01-02'))
        .thenThrows(WorkerRuleViolation, (e) => expect([e.field, e.code]).toEqual(['departedOn', 'registration.date-in-future'])));
    it('accepts a departure dated tomorrow in UTC: it may be today already east of Greenwich', () =>
      spec
        .given([registered])
        .when(depart('2026-01-01'))
        .then([departed(1, '2026-01-01')]));
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

describe('the stages abroad', () => {
  const atSA = [registered, departed(1, '2023-02-01')];
  const arrive = (arrivedOn: string, country = 'SA') => ({
    type: 'RecordArrival' as const,
    data: { today: '2025-12-31', arrivedOn, country },
  });
  const arrived = { type: 'ArrivalRecorded' as const, data: { workerId, cycleNumber: 1, arrivedOn: '2023-02-02', country: 'SA' } };

  describe('RecordArrival', () => {
    it('records the arrival in the destination country', () => spec.given(atSA).when(arrive('2023-02-02')).then([arrived]));
    it('refuses an arrival before the departure', () =>
      spec
        .given(atSA)
        .when(arrive('2023-01-31'))
        .thenThrows(WorkerRuleViolation, (e) => expect(e.field).toBe('arrivedOn')));
    it('refuses an arrival in another country', () =>
      spec
        .given(atSA)
        .when(arrive('2023-02-02', 'QA'))
        .thenThrows(WorkerRuleViolation, (e) => expect(e.field).toBe('country')));
    it('refuses a second arrival in the same cycle', () =>
      spec
        .given([...atSA, arrived])
        .when(arrive('2023-02-03'))
        .thenThrows(WorkerRuleViolation, (e) => expect(e.field).toBe('arrivedOn')));
    it('refuses a late-recorded arrival dated after what is already recorded of the stay (found by the property test)', () =>
      spec
        .given([
          ...atSA,
          {
            type: 'EmploymentChanged',
            data: { workerId, cycleNumber: 1, changedOn: '2023-02-01', change: 'new_employer', employerName: 'F' },
          },
        ])
        .when(arrive('2023-02-02'))
        .thenThrows(WorkerRuleViolation, (e) => expect(e.field).toBe('arrivedOn')));
    it('refuses an arrival with no open cycle', () =>
      spec
        .given([registered])
        .when(arrive('2023-02-02'))
        .thenThrows(WorkerRuleViolation, (e) => expect(e.field).toBe('arrivedOn')));
  });

  describe('RecordEmploymentChange', () => {
    const change = (extra: object) => ({
      type: 'RecordEmploymentChange' as const,
      data: { today: '2025-12-31', changedOn: '2023-08-01', change: 'new_employer' as const, ...extra },
    });
    it('records a new employer', () =>
      spec
        .given([...atSA, arrived])
        .when(change({ employerName: 'Gulf Care' }))
        .then([
          {
            type: 'EmploymentChanged',
            data: { workerId, cycleNumber: 1, changedOn: '2023-08-01', change: 'new_employer', employerName: 'Gulf Care' },
          },
        ]));
    it('needs the employer for a new employer', () =>
      spec
        .given(atSA)
        .when(change({}))
        .thenThrows(WorkerRuleViolation, (e) => expect(e.field).toBe('employerName')));
    it('refuses a change dated before the arrival', () =>
      spec
        .given([...atSA, arrived])
        .when(change({ employerName: 'X', changedOn: '2023-02-01' }))
        .thenThrows(WorkerRuleViolation, (e) => expect(e.field).toBe('changedOn')));
  });

  describe('RecordIncident', () => {
    const incident = (occurredOn: string, incidentId = 'inc-1') => ({
      type: 'RecordIncident' as const,
      data: { today: '2025-12-31', incidentId, occurredOn, kind: 'abuse' as const, fundAssistanceRequested: true, caseNotes: 'notes' },
    });
    const recorded = {
      type: 'WelfareIncidentRecorded' as const,
      data: {
        workerId,
        cycleNumber: 1,
        incidentId: 'inc-1',
        occurredOn: '2023-05-01',
        kind: 'abuse' as const,
        fundAssistanceRequested: true,
        caseNotes: 'notes',
      },
    };
    it('records the incident in the open cycle', () => spec.given(atSA).when(incident('2023-05-01')).then([recorded]));
    it('refuses the same incident twice', () =>
      spec
        .given([...atSA, recorded])
        .when(incident('2023-05-02'))
        .thenThrows(WorkerRuleViolation));
    it('refuses an incident before the departure', () =>
      spec
        .given(atSA)
        .when(incident('2023-01-01', 'inc-2'))
        .thenThrows(WorkerRuleViolation, (e) => expect(e.field).toBe('occurredOn')));
    it('makes the return wait for it: a return cannot be dated before a recorded incident', () =>
      spec
        .given([...atSA, recorded])
        .when(comeBack('2023-04-01'))
        .thenThrows(WorkerRuleViolation, (e) => expect(e.field).toBe('returnedOn')));
  });

  describe('RecordSkills', () => {
    it('records skills learnt abroad', () =>
      spec
        .given(atSA)
        .when({
          type: 'RecordSkills',
          data: { today: '2025-12-31', recordedOn: '2023-09-01', skills: [{ kind: 'language', title: 'Arabic (A2)' }] },
        })
        .then([
          {
            type: 'SkillsAcquired',
            data: { workerId, cycleNumber: 1, recordedOn: '2023-09-01', skills: [{ kind: 'language', title: 'Arabic (A2)' }] },
          },
        ]));
    it('needs at least one skill', () =>
      spec
        .given(atSA)
        .when({ type: 'RecordSkills', data: { today: '2025-12-31', recordedOn: '2023-09-01', skills: [] } })
        .thenThrows(WorkerRuleViolation));
  });
});

describe('reintegration', () => {
  const home = [registered, departed(1, '2023-02-01'), returned(1, '2024-02-01')];
  const refer = (referredOn: string) => ({
    type: 'ReferForReintegration' as const,
    data: { today: '2025-12-31', referralId: 'ref-1', referredOn, service: 'counselling' as const },
  });
  const referred = {
    type: 'ReintegrationReferralMade' as const,
    data: { workerId, cycleNumber: 1, referralId: 'ref-1', referredOn: '2024-02-10', service: 'counselling' as const },
  };
  const outcome = (recordedOn: string, referralId = 'ref-1') => ({
    type: 'RecordReferralOutcome' as const,
    data: { today: '2025-12-31', referralId, recordedOn, outcome: 'completed' as const },
  });

  it('assesses needs after the return', () =>
    spec
      .given(home)
      .when({
        type: 'AssessReintegrationNeeds',
        data: { today: '2025-12-31', assessedOn: '2024-02-05', economic: 'high', social: 'some', psychosocial: 'high' },
      })
      .then([
        {
          type: 'ReintegrationNeedsAssessed',
          data: { workerId, cycleNumber: 1, assessedOn: '2024-02-05', economic: 'high', social: 'some', psychosocial: 'high' },
        },
      ]));
  it('refers the returnee to a service', () => spec.given(home).when(refer('2024-02-10')).then([referred]));
  it('refuses a referral before the return', () =>
    spec
      .given(home)
      .when(refer('2024-01-10'))
      .thenThrows(WorkerRuleViolation, (e) => expect(e.field).toBe('referredOn')));
  it('refuses reintegration while the worker is abroad', () =>
    spec
      .given([registered, departed(1, '2023-02-01')])
      .when(refer('2024-02-10'))
      .thenThrows(WorkerRuleViolation));
  it('records the outcome of a referral once', () => {
    spec
      .given([...home, referred])
      .when(outcome('2024-03-01'))
      .then([
        {
          type: 'ReintegrationOutcomeRecorded',
          data: { workerId, cycleNumber: 1, referralId: 'ref-1', recordedOn: '2024-03-01', outcome: 'completed' },
        },
      ]);
    const done = {
      type: 'ReintegrationOutcomeRecorded' as const,
      data: { workerId, cycleNumber: 1, referralId: 'ref-1', recordedOn: '2024-03-01', outcome: 'completed' as const },
    };
    spec
      .given([...home, referred, done])
      .when(outcome('2024-03-02'))
      .thenThrows(WorkerRuleViolation);
  });
  it('refuses an outcome for an unknown referral', () =>
    spec
      .given([...home, referred])
      .when(outcome('2024-03-01', 'ref-9'))
      .thenThrows(WorkerRuleViolation, (e) => expect(e.field).toBe('referralId')));
});

describe('CompleteOrientation', () => {
  const orient = (completedOn: string) => ({
    type: 'CompleteOrientation' as const,
    data: { today: '2025-12-31', completedOn, topics: ['rights' as const, 'credit_and_savings' as const], provider: 'OWWA' },
  });
  it('records an orientation at home', () =>
    spec
      .given([registered])
      .when(orient('2023-01-20'))
      .then([
        {
          type: 'PreDepartureOrientationCompleted',
          data: { workerId, completedOn: '2023-01-20', topics: ['rights', 'credit_and_savings'], provider: 'OWWA' },
        },
      ]));
  it('refuses an orientation while abroad', () =>
    spec
      .given([registered, departed(1, '2023-02-01')])
      .when(orient('2023-03-01'))
      .thenThrows(WorkerRuleViolation));
});

describe('CorrectWorkerDetails', () => {
  const correct = (data: object) => ({ type: 'CorrectWorkerDetails' as const, data: { today: '2025-01-01', correctsVersion: 1, ...data } });
  it('records the corrected fields and names the event it corrects', () =>
    spec
      .given([registered])
      .when(correct({ sex: 'M', originArea: 'PH-40' }))
      .then([
        {
          type: 'WorkerDetailsCorrected',
          data: { workerId, correctedOn: '2025-01-01', correctsVersion: 1, sex: 'M', originArea: 'PH-40' },
        },
      ]));
  it('refuses a correction of an event the stream does not hold', () =>
    spec
      .given([registered])
      .when(correct({ sex: 'M', correctsVersion: 2 }))
      .thenThrows(WorkerRuleViolation, (e) => expect(e.field).toBe('correctsVersion')));
  it('refuses a correction that corrects nothing', () => spec.given([registered]).when(correct({})).thenThrows(WorkerRuleViolation));
  it('refuses to put personal data back after erasure', () =>
    spec
      .given([registered, { type: 'PersonalDataErased', data: { workerId, erasedOn: '2024-01-01', basis: 'subject_request' } }])
      .when(correct({ personalData }))
      .thenThrows(WorkerRuleViolation, (e) => expect(e.field).toBe('personalData')));
});

describe('possible duplicates', () => {
  const other = '0190a1b2-0000-7000-8000-000000000001';
  const flagged = {
    type: 'PossibleDuplicateFlagged' as const,
    data: { workerId, flaggedOn: '2023-01-10', candidates: [{ workerId: other, score: 0.82 }] },
  };
  describe('registering someone who resembles a registered worker', () => {
    it('registers and flags the candidates, never refusing', () =>
      spec
        .given([])
        .when({ ...register, data: { ...register.data, duplicateCandidates: [{ workerId: other, score: 0.82 }] } })
        .then([registered, flagged]));
  });
  describe('an officer decides', () => {
    const resolve = (samePerson: boolean, candidateId = other) => ({
      type: 'ResolveDuplicate' as const,
      data: { today: '2023-02-01', candidateId, samePerson },
    });
    it('records the decision that they are one person, and the record takes no more changes', () => {
      const merged = {
        type: 'DuplicateResolved' as const,
        data: { workerId, resolvedOn: '2023-02-01', candidateId: other, samePerson: true },
      };
      spec.given([registered, flagged]).when(resolve(true)).then([merged]);
      spec
        .given([registered, flagged, merged])
        .when(depart('2023-03-01'))
        .thenThrows(WorkerRuleViolation, (e) => expect(e.field).toBe('workerId'));
    });
    it('records that they are different people, and the record carries on', () => {
      const dismissed = {
        type: 'DuplicateResolved' as const,
        data: { workerId, resolvedOn: '2023-02-01', candidateId: other, samePerson: false },
      };
      spec.given([registered, flagged]).when(resolve(false)).then([dismissed]);
      spec
        .given([registered, flagged, dismissed])
        .when(depart('2023-03-01'))
        .then([departed(1, '2023-03-01')]);
    });
    it('refuses a decision on a record that was never flagged', () =>
      spec
        .given([registered])
        .when(resolve(true))
        .thenThrows(WorkerRuleViolation, (e) => expect(e.field).toBe('candidateId')));
  });
});

/* Issue 9, defect 6: dates a working life can hold. The worker was born in 1990; today is 2025-12-31. */
describe('dates of a working life', () => {
  const refused = (field: string, code: string) => (e: WorkerRuleViolation) => expect([e.field, e.code]).toEqual([field, code]);

  describe('RecordDeparture', () => {
    it('refuses a departure dated 0001-01-01, before the earliest date the registry records', () =>
      spec
        .given([registered])
        .when(depart('0001-01-01'))
        .thenThrows(WorkerRuleViolation, refused('departedOn', 'registration.date-before-earliest')));
    it('refuses a departure before the worker was born', () =>
      spec
        .given([registered])
        .when(depart('1989-06-01'))
        .thenThrows(WorkerRuleViolation, refused('departedOn', 'registration.date-before-working-age')));
    it('refuses a departure before the year the worker turns 15', () =>
      spec
        .given([registered])
        .when(depart('2004-12-31'))
        .thenThrows(WorkerRuleViolation, refused('departedOn', 'registration.date-before-working-age')));
    it('accepts a departure in the year the worker turns 15', () =>
      spec
        .given([registered])
        .when(depart('2005-01-01'))
        .then([departed(1, '2005-01-01')]));
    it('refuses a contract that starts before the worker is of working age', () =>
      spec
        .given([registered])
        .when(depart('2023-02-01', { contractStart: '1995-01-01' }))
        .thenThrows(WorkerRuleViolation, refused('contractStart', 'registration.date-before-working-age')));
    it('refuses a contract ending more than ten years ahead', () =>
      spec
        .given([registered])
        .when(depart('2023-02-01', { contractEnd: '2036-01-01' }))
        .thenThrows(WorkerRuleViolation, refused('contractEnd', 'registration.date-too-far-ahead')));
    it('accepts a contract ending ten years ahead', () =>
      spec
        .given([registered])
        .when(depart('2023-02-01', { contractEnd: '2035-12-31' }))
        .then([{ ...departed(1, '2023-02-01'), data: { ...departed(1, '2023-02-01').data, contractEnd: '2035-12-31' } }]));
  });

  describe('RecordReturn', () => {
    it('refuses an undocumented return from before the worker was of working age', () =>
      spec
        .given([registered])
        .when(comeBack('1999-05-01'))
        .thenThrows(WorkerRuleViolation, refused('returnedOn', 'registration.date-before-working-age')));
    it('refuses a return dated 0001-01-01', () =>
      spec
        .given([registered, departed(1, '2023-02-01')])
        .when(comeBack('0001-01-01'))
        .thenThrows(WorkerRuleViolation, refused('returnedOn', 'registration.date-before-earliest')));
  });

  describe('RecordEmploymentChange', () => {
    it('refuses a renewal ending more than ten years ahead', () =>
      spec
        .given([registered, departed(1, '2023-02-01')])
        .when({
          type: 'RecordEmploymentChange',
          data: { today: '2025-12-31', changedOn: '2025-01-01', change: 'contract_renewal', contractEnd: '2099-01-01' },
        })
        .thenThrows(WorkerRuleViolation, refused('contractEnd', 'registration.date-too-far-ahead')));
  });

  describe('CompleteOrientation', () => {
    it('refuses an orientation before the worker is of working age', () =>
      spec
        .given([registered])
        .when({
          type: 'CompleteOrientation',
          data: { today: '2025-12-31', completedOn: '2001-03-01', topics: ['rights'], provider: 'OWWA' },
        })
        .thenThrows(WorkerRuleViolation, refused('completedOn', 'registration.date-before-working-age')));
  });

  describe('RegisterWorker', () => {
    it('refuses a date of birth before 1900', () =>
      spec
        .given([])
        .when({ ...register, data: { ...register.data, personalData: { ...personalData, dateOfBirth: '1899-12-31' } } })
        .thenThrows(WorkerRuleViolation, refused('personalData.dateOfBirth', 'registration.date-before-earliest')));
    it('refuses a legacy register dating the registration before 1900', () =>
      spec
        .given([])
        .when({ ...register, data: { ...register.data, today: '0001-01-01' } })
        .thenThrows(WorkerRuleViolation, refused('registeredOn', 'registration.date-before-earliest')));
  });
});

/* Issue 9, defect 4: codes that are not codes. */
describe('codes that name nothing in their code list', () => {
  const unknown = (path: (string | number)[], code: string) => (e: UnknownCodes) =>
    expect(e.errors.map((x) => [x.path, x.code])).toEqual([[path, code]]);

  it.each(['XX', 'ZZ', 'AA', 'QM', 'UK', 'EU'])('refuses a departure for %s, which is no country', (country) =>
    spec
      .given([registered])
      .when(depart('2023-02-01', { destinationCountry: country }))
      .thenThrows(UnknownCodes, unknown(['destinationCountry'], 'validation.unknown-country')),
  );
  it('refuses ISCO-08 0000, which is no unit group', () =>
    spec
      .given([registered])
      .when(depart('2023-02-01', { occupationIsco: '0000' }))
      .thenThrows(UnknownCodes, unknown(['occupationIsco'], 'validation.unknown-occupation')));
  it('refuses money in a currency that is none, naming the amount it belongs to', () =>
    spec
      .given([registered])
      .when(depart('2023-02-01', { monthlyWage: { currency: 'XXX', amountMinor: 100 } }))
      .thenThrows(UnknownCodes, unknown(['monthlyWage', 'currency'], 'validation.unknown-currency')));
  it('names every code at fault at once', () =>
    spec
      .given([])
      .when({ ...register, data: { ...register.data, originArea: 'XX-99', languages: ['tl', 'qq'], educationIsced: 9 } })
      .thenThrows(UnknownCodes, (e) =>
        expect(e.errors.map((x) => [x.path, x.code])).toEqual([
          [['originArea'], 'validation.unknown-origin-area'],
          [['educationIsced'], 'validation.unknown-education-level'],
          [['languages', 1], 'validation.unknown-language'],
        ]),
      ));
  it('refuses a correction to an origin area that is none', () =>
    spec
      .given([registered])
      .when({ type: 'CorrectWorkerDetails', data: { today: '2025-01-01', correctsVersion: 1, originArea: 'PH-04' } })
      .thenThrows(UnknownCodes, unknown(['originArea'], 'validation.unknown-origin-area')));
  it('refuses a return from EU, and an arrival in UK', () => {
    spec
      .given([registered, departed(1, '2023-02-01')])
      .when({ ...comeBack('2024-02-01'), data: { ...comeBack('2024-02-01').data, fromCountry: 'EU' } })
      .thenThrows(UnknownCodes, unknown(['fromCountry'], 'validation.unknown-country'));
    spec
      .given([registered, departed(1, '2023-02-01')])
      .when({ type: 'RecordArrival', data: { today: '2025-12-31', arrivedOn: '2023-02-02', country: 'UK' } })
      .thenThrows(UnknownCodes, unknown(['country'], 'validation.unknown-country'));
  });
  it('refuses a skill URI that is not an ESCO skill', () =>
    spec
      .given([registered, departed(1, '2023-02-01')])
      .when({
        type: 'RecordSkills',
        data: {
          today: '2025-12-31',
          recordedOn: '2023-03-01',
          skills: [{ kind: 'technology', title: 'x', escoUri: 'http://data.europa.eu/esco/skill/x' }],
        },
      })
      .thenThrows(UnknownCodes, unknown(['skills', 0, 'escoUri'], 'validation.invalid-esco-skill-uri')));
  it('still reads a history that holds such a code: only new commands are checked', () =>
    spec
      .given([registered, { ...departed(1, '2023-02-01'), data: { ...departed(1, '2023-02-01').data, destinationCountry: 'XX' } }])
      .when(comeBack('2024-02-01'))
      .then([returned(1, '2024-02-01')]));
});
