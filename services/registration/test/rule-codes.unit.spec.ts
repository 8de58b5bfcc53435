import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadOpenApiDocument } from '@homeward/service-kit/openapi-validation';
import { DeciderSpecification } from '@homeward/testing/decider';
import { WorkerRuleViolation, workerDecider, type WorkerCommand } from '../src/domain/worker/worker.decider';
import type { DepartureRecorded, WorkerEvent } from '../src/domain/worker/worker.events';
import { WORKER_RULES, ruleCode, type WorkerRule } from '../src/domain/worker/worker.rules';

// Every rule of the registration decider has a code of its own, a client meets it, and the service's README
// and OpenAPI document list it. A rule added to WORKER_RULES without a case below fails to compile; one
// added without its line in the README or the OpenAPI document fails here.

const spec = DeciderSpecification(workerDecider);
const workerId = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const otherId = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c';
const today = '2025-12-31';
const personalData = { givenName: 'Maria', familyName: 'Santos', dateOfBirth: '1990-04-12' };

// The worker, born in 1990: registered, gone to Saudi Arabia on 2023-02-01, home again on 2024-02-01.
const registered: WorkerEvent = {
  type: 'WorkerRegistered',
  data: { workerId, registeredOn: '2023-01-10', sex: 'F', birthYear: 1990, originArea: 'PH-03', languages: ['tl'], personalData },
};
const contract = { destinationCountry: 'SA', employerName: 'Al Noor', occupationIsco: '9111', channel: 'regular' as const };
const departed: DepartureRecorded = {
  type: 'DepartureRecorded',
  data: { workerId, cycleNumber: 1, departedOn: '2023-02-01', contractStart: '2023-02-01', contractEnd: '2030-01-01', ...contract },
};
const arrived: WorkerEvent = { type: 'ArrivalRecorded', data: { workerId, cycleNumber: 1, arrivedOn: '2023-02-03', country: 'SA' } };
const changedEmployer: WorkerEvent = {
  type: 'EmploymentChanged',
  data: { workerId, cycleNumber: 1, changedOn: '2023-06-01', change: 'new_employer', employerName: 'Al Safa' },
};
const incidentId = '0190a1b2-c3d4-7e5f-8a9b-00000000000a';
const incident: WorkerEvent = {
  type: 'WelfareIncidentRecorded',
  data: { workerId, cycleNumber: 1, incidentId, occurredOn: '2023-05-01', kind: 'accident', fundAssistanceRequested: false },
};
const returned: WorkerEvent = {
  type: 'ReturnRecorded',
  data: {
    workerId,
    cycleNumber: 1,
    returnedOn: '2024-02-01',
    fromCountry: 'SA',
    assistance: 'unassisted',
    reason: 'contract_completed',
    withoutRecordedDeparture: false,
  },
};
const referralId = '0190a1b2-c3d4-7e5f-8a9b-00000000000b';
const referred: WorkerEvent = {
  type: 'ReintegrationReferralMade',
  data: { workerId, cycleNumber: 1, referralId, referredOn: '2024-03-01', service: 'employment' },
};
const outcome: WorkerEvent = {
  type: 'ReintegrationOutcomeRecorded',
  data: { workerId, cycleNumber: 1, referralId, recordedOn: '2024-04-01', outcome: 'completed' },
};
const flagged: WorkerEvent = {
  type: 'PossibleDuplicateFlagged',
  data: { workerId, flaggedOn: '2023-01-10', candidates: [{ workerId: otherId, score: 0.93 }] },
};
const merged: WorkerEvent = {
  type: 'DuplicateResolved',
  data: { workerId, resolvedOn: '2023-01-11', candidateId: otherId, samePerson: true },
};
const erased: WorkerEvent = { type: 'PersonalDataErased', data: { workerId, erasedOn: '2025-01-01', basis: 'subject_request' } };

const depart = (departedOn: string, extra: Partial<Extract<WorkerCommand, { type: 'RecordDeparture' }>['data']> = {}): WorkerCommand => ({
  type: 'RecordDeparture',
  data: { today, departedOn, contractStart: departedOn, contractEnd: '2030-01-01', ...contract, ...extra },
});
const arrive = (arrivedOn: string, country = 'SA'): WorkerCommand => ({ type: 'RecordArrival', data: { today, arrivedOn, country } });
const comeBack = (returnedOn: string): WorkerCommand => ({
  type: 'RecordReturn',
  data: { today, returnedOn, fromCountry: 'SA', assistance: 'unassisted', reason: 'contract_completed' },
});
const refer = (referredOn: string, id = referralId): WorkerCommand => ({
  type: 'ReferForReintegration',
  data: { today, referralId: id, referredOn, service: 'employment' },
});
const recordOutcome = (recordedOn: string, id = referralId): WorkerCommand => ({
  type: 'RecordReferralOutcome',
  data: { today, referralId: id, recordedOn, outcome: 'completed' },
});
const correct = (data: Omit<Extract<WorkerCommand, { type: 'CorrectWorkerDetails' }>['data'], 'today'>): WorkerCommand => ({
  type: 'CorrectWorkerDetails',
  data: { today, ...data },
});

interface Case {
  readonly given: readonly WorkerEvent[];
  readonly when: WorkerCommand;
  /** The field the refusal names: a dotted path into the command's data. */
  readonly field: string;
}

/** One command that breaks each rule, and only that one. Keyed by rule, so that a rule without a case does not compile. */
const cases: { readonly [R in WorkerRule]: Case } = {
  'date-before-earliest': { given: [registered], when: depart('0001-01-01'), field: 'departedOn' },
  'date-in-future': { given: [registered], when: depart('2027-01-01'), field: 'departedOn' },
  'date-before-working-age': { given: [registered], when: depart('2004-12-31'), field: 'departedOn' },
  'date-too-far-ahead': { given: [registered], when: depart('2023-02-01', { contractEnd: '2036-01-01' }), field: 'contractEnd' },
  'date-before-last-return': { given: [registered, departed, returned], when: depart('2024-01-15'), field: 'departedOn' },
  'arrival-before-departure': { given: [registered, departed], when: arrive('2023-01-15'), field: 'arrivedOn' },
  'arrival-after-recorded-stay': { given: [registered, departed, changedEmployer], when: arrive('2023-07-01'), field: 'arrivedOn' },
  'date-before-stay': {
    given: [registered, departed, arrived],
    when: { type: 'RecordSkills', data: { today, recordedOn: '2023-02-02', skills: [{ kind: 'language', title: 'Arabic' }] } },
    field: 'recordedOn',
  },
  'incident-before-departure': {
    given: [registered, departed],
    when: {
      type: 'RecordIncident',
      data: { today, incidentId, occurredOn: '2023-01-20', kind: 'accident', fundAssistanceRequested: false },
    },
    field: 'occurredOn',
  },
  'return-before-recorded-stay': { given: [registered, departed, arrived], when: comeBack('2023-02-02'), field: 'returnedOn' },
  'contract-ends-before-start': { given: [registered], when: depart('2023-02-01', { contractEnd: '2023-01-31' }), field: 'contractEnd' },
  'contract-ends-before-change': {
    given: [registered, departed],
    when: {
      type: 'RecordEmploymentChange',
      data: { today, changedOn: '2023-06-01', change: 'contract_renewal', contractEnd: '2023-05-01' },
    },
    field: 'contractEnd',
  },
  'date-before-return': {
    given: [registered, departed, returned],
    when: {
      type: 'AssessReintegrationNeeds',
      data: { today, assessedOn: '2024-01-01', economic: 'high', social: 'some', psychosocial: 'none' },
    },
    field: 'assessedOn',
  },
  'outcome-before-referral': { given: [registered, departed, returned, referred], when: recordOutcome('2024-02-15'), field: 'recordedOn' },
  'worker-merged': { given: [registered, flagged, merged], when: depart('2023-02-01'), field: 'workerId' },
  'cycle-already-open': { given: [registered, departed], when: depart('2023-03-01'), field: 'departedOn' },
  'no-open-cycle': { given: [registered], when: arrive('2023-02-03'), field: 'arrivedOn' },
  'not-returned': { given: [registered, departed], when: refer('2023-08-01'), field: 'referredOn' },
  'orientation-while-abroad': {
    given: [registered, departed],
    when: { type: 'CompleteOrientation', data: { today, completedOn: '2023-03-01', topics: ['rights'], provider: 'OWWA' } },
    field: 'completedOn',
  },
  'arrival-already-recorded': { given: [registered, departed, arrived], when: arrive('2023-02-04'), field: 'arrivedOn' },
  'arrival-outside-cycle-country': { given: [registered, departed], when: arrive('2023-02-03', 'QA'), field: 'country' },
  'change-detail-missing': {
    given: [registered, departed],
    when: { type: 'RecordEmploymentChange', data: { today, changedOn: '2023-06-01', change: 'new_employer' } },
    field: 'employerName',
  },
  'no-skills': {
    given: [registered, departed],
    when: { type: 'RecordSkills', data: { today, recordedOn: '2023-03-01', skills: [] } },
    field: 'skills',
  },
  'incident-already-recorded': {
    given: [registered, departed, incident],
    when: { type: 'RecordIncident', data: { today, incidentId, occurredOn: '2023-05-02', kind: 'illness', fundAssistanceRequested: true } },
    field: 'incidentId',
  },
  'referral-already-recorded': { given: [registered, departed, returned, referred], when: refer('2024-03-02'), field: 'referralId' },
  'referral-not-found': { given: [registered, departed, returned], when: recordOutcome('2024-04-01'), field: 'referralId' },
  'outcome-already-recorded': {
    given: [registered, departed, returned, referred, outcome],
    when: recordOutcome('2024-05-01'),
    field: 'referralId',
  },
  'correction-version-unknown': { given: [registered], when: correct({ correctsVersion: 9, sex: 'M' }), field: 'correctsVersion' },
  'correction-empty': { given: [registered], when: correct({ correctsVersion: 1 }), field: '' },
  'correction-of-erased-data': { given: [registered, erased], when: correct({ correctsVersion: 1, personalData }), field: 'personalData' },
  'duplicate-not-flagged': {
    given: [registered],
    when: { type: 'ResolveDuplicate', data: { today, candidateId: otherId, samePerson: false } },
    field: 'candidateId',
  },
};

describe('the rules of the registration decider', () => {
  it('each have a case here, and nothing here is not a rule', () => {
    expect(Object.keys(cases).sort()).toEqual([...WORKER_RULES].sort());
  });

  it.each(WORKER_RULES.map((rule) => [rule, cases[rule]] as const))(
    'refuses by %s, naming the field and the code',
    (rule, { given, when, field }) =>
      spec
        .given(given)
        .when(when)
        .thenThrows(WorkerRuleViolation, (e) => expect([e.rule, e.field, e.code]).toEqual([rule, field, `registration.${rule}`])),
  );

  it('each have a code of their own, of the form every problem code takes', () => {
    const codes = WORKER_RULES.map(ruleCode);
    expect(new Set(codes).size).toBe(WORKER_RULES.length);
    expect(codes.filter((code) => !/^registration\.[a-z0-9]+(-[a-z0-9]+)*$/.test(code))).toEqual([]);
  });
});

describe('the rule codes as documented', () => {
  const service = join(__dirname, '..');
  const codes = [...WORKER_RULES.map(ruleCode)].sort();

  it('are exactly those the OpenAPI document lists for a refused change (422)', () => {
    const document = loadOpenApiDocument(join(service, 'openapi', 'registration.v1.yaml'));
    const schemas = (document.components as { schemas: Record<string, { enum?: string[]; 'x-enum-descriptions'?: string[] }> }).schemas;
    const listed = schemas.RuleCode?.enum ?? [];
    expect(listed.filter((code) => code.startsWith('registration.')).sort()).toEqual(codes);
    // Each code says when it applies, beside it.
    expect(schemas.RuleCode?.['x-enum-descriptions']).toHaveLength(listed.length);
  });

  it('are exactly those the README tabulates', () => {
    const readme = readFileSync(join(service, 'README.md'), 'utf8');
    const tabulated = [...readme.matchAll(/^\| `(registration\.[a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    expect(tabulated.sort()).toEqual(codes);
  });
});
