import { randomUUID } from 'node:crypto';
import { SharedKey } from '@homeward/personal-data';
import { buildSchema, projectEvents } from '@homeward/projections';
import type { FactEnvelope, RegistrationFact } from '@homeward/projections/registration';
import type { DirectoryIdentity } from '@homeward/projections/registration-directory';
import { ReadModelSpecification } from '@homeward/testing/read-model';
import { createTestDatabase, testDirectoryKey, type TestDatabase } from '@homeward/testing/infrastructure';
import { agencyViewProjection, type AgencyEvent } from '../src/projection/agency.read-model';

// Given the facts of the registration topic and of the directory, then these rows: against the real
// PostgreSQL, through the machinery's own chunk handling (relevance, stream versions, erasures first).
// Every expectation holds both for the facts as one chunk and for one transaction per fact.

const definition = agencyViewProjection('', new SharedKey(testDirectoryKey()));
const [registrationSource, directorySource] = definition.sources;
const decoded = (event: AgencyEvent) => {
  const source = event.source === 'registration' ? registrationSource! : directorySource!;
  return { event, meta: source.meta(event), erasedSubject: source.erasedSubject(event) };
};

const W1 = '01930000-0000-7000-8000-000000000001';
const W2 = '01930000-0000-7000-8000-000000000002';
const W3 = '01930000-0000-7000-8000-000000000003';

/** The facts of one worker's stream, numbered in the order they are made. */
function worker(workerId: string) {
  let version = 0;
  const envelope = (occurredOn: string, destinationCountry = ''): FactEnvelope => ({
    eventId: randomUUID(),
    eventType: 'x',
    streamId: `worker-${workerId}`,
    streamVersion: ++version,
    occurredAt: new Date(`${occurredOn}T00:00:00Z`),
    recordedAt: new Date(`${occurredOn}T08:00:00Z`),
    actor: { organisationId: 'ph-dmw-registry', kind: 'agency' },
    originCountry: 'PH',
    destinationCountry,
  });
  const fact = (f: RegistrationFact): AgencyEvent => ({ source: 'registration', fact: f });
  return {
    registered: (on: string, languages: string[] = ['tl']) =>
      fact({
        type: 'WorkerRegistered',
        envelope: envelope(on),
        data: { workerId, sex: 'F', birthYear: 1990, originArea: 'PH-03', languages },
      }),
    departed: (on: string, cycleNumber: number, destinationCountry: string, occupationIsco: string) =>
      fact({
        type: 'DepartureRecorded',
        envelope: envelope(on, destinationCountry),
        data: {
          workerId,
          cycleNumber,
          destinationCountry,
          departedOn: on,
          employerName: `Employer ${cycleNumber}`,
          occupationIsco,
          contractStart: on,
          contractEnd: '2027-01-09',
          recruitmentAgency: 'Agency A',
          channel: 'regular',
        },
      }),
    arrived: (on: string, cycleNumber: number, country: string) =>
      fact({ type: 'ArrivalRecorded', envelope: envelope(on, country), data: { workerId, cycleNumber, arrivedOn: on, country } }),
    employmentChanged: (on: string, cycleNumber: number, country: string, employerName: string, occupationIsco: string) =>
      fact({
        type: 'EmploymentChanged',
        envelope: envelope(on, country),
        data: { workerId, cycleNumber, changedOn: on, change: 'employer', employerName, occupationIsco },
      }),
    returned: (on: string, cycleNumber: number, fromCountry: string, withoutRecordedDeparture = false) =>
      fact({
        type: 'ReturnRecorded',
        envelope: envelope(on, fromCountry),
        data: {
          workerId,
          cycleNumber,
          returnedOn: on,
          fromCountry,
          assistance: 'assisted',
          reason: 'contract_completed',
          withoutRecordedDeparture,
        },
      }),
    referred: (on: string, cycleNumber: number) =>
      fact({
        type: 'ReintegrationReferralMade',
        envelope: envelope(on),
        data: { workerId, cycleNumber, referralId: randomUUID(), referredOn: on, service: 'employment' },
      }),
    skills: (on: string, cycleNumber: number, country: string) =>
      fact({
        type: 'SkillsAcquired',
        envelope: envelope(on, country),
        data: { workerId, cycleNumber, recordedOn: on, skills: [{ kind: 'language', title: 'Arabic (A2)' }] },
      }),
    erased: (on: string) =>
      fact({ type: 'PersonalDataErased', envelope: envelope(on), data: { workerId, erasedOn: on, basis: 'subject_request' } }),
    newer: (on: string) => fact({ type: 'Unrecognised', envelope: envelope(on), data: { workerId } }),
  };
}

const identity = (workerId: string, streamVersion: number, familyName: string, more: Partial<DirectoryIdentity> = {}): AgencyEvent => ({
  source: 'directory',
  fact: {
    type: 'IdentityPublished',
    workerId,
    eventId: randomUUID(),
    streamVersion,
    recordedAt: new Date('2025-01-01T08:00:00Z'),
    identity: { givenName: 'María', familyName, dateOfBirth: '1990-04-12', ...more },
    employers: [],
  },
});
const withdrawn = (workerId: string, streamVersion: number): AgencyEvent => ({
  source: 'directory',
  fact: { type: 'IdentityWithdrawn', workerId, eventId: randomUUID(), streamVersion, recordedAt: new Date('2025-06-01T08:00:00Z') },
});

describe('the agency view, given the facts, stores', () => {
  let db: TestDatabase;
  let given: ReturnType<typeof ReadModelSpecification<AgencyEvent>>['given'];

  beforeAll(async () => {
    db = await createTestDatabase('agency_rows');
    // What the agency view's start does for its name search (a build's schema cannot hold the extension).
    await db.pool.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    given = ReadModelSpecification<AgencyEvent>(db.pool, {
      schema: buildSchema(definition),
      project: (events, tx) => projectEvents(definition, events.map(decoded), tx),
    }).given;
  });
  afterAll(() => db.drop());

  describe('a worker who migrated and came home', () => {
    const w = worker(W1);
    const history = [
      w.registered('2024-12-01', ['tl', 'ar']),
      w.departed('2025-01-10', 1, 'SA', '9111'),
      w.arrived('2025-01-11', 1, 'SA'),
      w.returned('2026-06-01', 1, 'SA'),
    ];

    it('holds them as returned, with the cycle from departure to return', () =>
      given(...history).thenTables({
        workers: [
          {
            worker_id: W1,
            registered_on: '2024-12-01',
            sex: 'F',
            languages: ['tl', 'ar'],
            status: 'returned',
            cycles: 1,
            current_destination: null,
            destinations: ['SA'],
            occupation_codes: ['9', '91', '911', '9111'],
            last_returned_on: '2026-06-01',
          },
        ],
        cycles: [
          {
            worker_id: W1,
            cycle_number: 1,
            destination_country: 'SA',
            departed_on: '2025-01-10',
            employer_name: 'Employer 1',
            arrived_on: '2025-01-11',
            returned_on: '2026-06-01',
            from_country: 'SA',
            return_assistance: 'assisted',
            return_reason: 'contract_completed',
            without_recorded_departure: false,
            first_referral_on: null,
          },
        ],
      }));

    it('puts every fact on the timeline, filed under its cycle, without the worker id', () =>
      given(...history).thenRows('timeline', [
        { type: 'WorkerRegistered', stream_version: 1, cycle_number: null, occurred_on: '2024-12-01' },
        { type: 'DepartureRecorded', stream_version: 2, cycle_number: 1, occurred_on: '2025-01-10' },
        { type: 'ArrivalRecorded', stream_version: 3, cycle_number: 1, occurred_on: '2025-01-11' },
        { type: 'ReturnRecorded', stream_version: 4, cycle_number: 1, occurred_on: '2026-06-01' },
      ]));

    it('takes the cycle out of the returnee pipeline with the first referral', () =>
      given(...history, w.referred('2026-07-01', 1), w.referred('2026-08-01', 1)).thenRows('cycles', [
        { worker_id: W1, cycle_number: 1, first_referral_on: '2026-07-01' },
      ]));

    it('puts skills on the timeline only, and skips an event type newer than the code', () =>
      given(...history, w.skills('2026-06-02', 1, 'SA'), w.newer('2026-06-03')).thenTables({
        workers: [{ worker_id: W1, status: 'returned', cycles: 1 }],
        timeline: [
          { type: 'WorkerRegistered' },
          { type: 'DepartureRecorded' },
          { type: 'ArrivalRecorded' },
          { type: 'ReturnRecorded' },
          { type: 'SkillsAcquired' },
        ],
      }));
  });

  describe('a worker who migrates again', () => {
    it('holds them abroad in the second cycle, with both destinations and every occupation', () => {
      const w = worker(W1);
      return given(
        w.registered('2024-12-01'),
        w.departed('2025-01-10', 1, 'SA', '9111'),
        w.returned('2026-06-01', 1, 'SA'),
        w.departed('2026-09-01', 2, 'QA', '7411'),
      ).thenRows('workers', [
        {
          worker_id: W1,
          status: 'abroad',
          cycles: 2,
          current_destination: 'QA',
          destinations: ['SA', 'QA'],
          occupation_codes: ['7', '74', '741', '7411', '9', '91', '911', '9111'],
        },
      ]);
    });
  });

  describe('a return with no recorded departure', () => {
    it('opens and closes its cycle, flagged as undocumented', () => {
      const w = worker(W2);
      return given(w.registered('2024-12-01'), w.returned('2025-06-01', 1, 'KW', true)).thenTables({
        workers: [{ worker_id: W2, status: 'returned', destinations: ['KW'], last_returned_on: '2025-06-01' }],
        cycles: [{ worker_id: W2, cycle_number: 1, departed_on: null, returned_on: '2025-06-01', without_recorded_departure: true }],
      });
    });
  });

  describe('a fact delivered twice', () => {
    it('is applied once', () => {
      const w = worker(W1);
      const registration = w.registered('2024-12-01');
      const departure = w.departed('2025-01-10', 1, 'SA', '9111');
      return given(registration, departure, departure).thenTables({
        cycles: [{ worker_id: W1, cycle_number: 1, departed_on: '2025-01-10' }],
        timeline: [{ type: 'WorkerRegistered' }, { type: 'DepartureRecorded' }],
      });
    });
  });

  describe('identities from the directory', () => {
    it('keeps the newest entry of each worker, whatever order the entries come in, with its search keys', () =>
      given(
        identity(W1, 1, 'Santos', { passportNumber: 'p-123 456' }),
        identity(W1, 5, 'Santos-Reyes', { passportNumber: 'p-123 456' }),
        identity(W1, 3, 'Outdated'),
        identity(W2, 1, 'Reyes'),
      ).thenRows('identities', [
        {
          worker_id: W1,
          stream_version: 5,
          given_name: 'María',
          family_name: 'Santos-Reyes',
          date_of_birth: '1990-04-12',
          passport_number: 'p-123 456',
          name_key: 'maria santos reyes',
          name_skeleton: 'mr snts rs',
          passport_key: 'P123456',
        },
        {
          worker_id: W2,
          stream_version: 1,
          given_name: 'María',
          family_name: 'Reyes',
          date_of_birth: '1990-04-12',
          passport_number: null,
          name_key: 'maria reyes',
          name_skeleton: 'mr rs',
          passport_key: null,
        },
      ]));

    it('forgets a worker whose entry is withdrawn', () =>
      given(identity(W1, 1, 'Santos'), identity(W2, 1, 'Reyes'), withdrawn(W1, 2)).thenRows('identities', [{ worker_id: W2 }]));
  });

  describe('an erased worker', () => {
    const erasedWorker = () => {
      const w = worker(W3);
      return [
        identity(W3, 1, 'Reyes'),
        w.registered('2024-12-01'),
        w.departed('2025-01-10', 1, 'AE', '5131'),
        w.erased('2025-03-01'),
        withdrawn(W3, 4),
        // Published before the erasure, delivered after it.
        identity(W3, 2, 'Reyes'),
        w.employmentChanged('2025-04-01', 1, 'AE', 'After Erasure', '5132'),
      ];
    };

    it('keeps the pseudonymous attributes and the erasure, and no identity', () =>
      given(...erasedWorker()).thenTables({
        workers: [{ worker_id: W3, sex: 'F', status: 'abroad', personal_data_erased: true, erased_on: '2025-03-01' }],
        identities: [],
      }));

    it('holds no employer or recruitment agency for them again, in the cycles or on the timeline', () =>
      given(...erasedWorker()).thenTables({
        cycles: [{ worker_id: W3, cycle_number: 1, employer_name: null, recruitment_agency: null, occupation_isco: '5132' }],
        timeline: [
          { type: 'WorkerRegistered', details: { sex: 'F', birthYear: 1990, originArea: 'PH-03', languages: ['tl'] } },
          {
            type: 'DepartureRecorded',
            details: {
              destinationCountry: 'AE',
              departedOn: '2025-01-10',
              occupationIsco: '5131',
              contractStart: '2025-01-10',
              contractEnd: '2027-01-09',
              channel: 'regular',
            },
          },
          { type: 'PersonalDataErased', details: { erasedOn: '2025-03-01', basis: 'subject_request' } },
          { type: 'EmploymentChanged', details: { changedOn: '2025-04-01', change: 'employer', occupationIsco: '5132' } },
        ],
      }));
  });

  describe('several workers changed many times in one chunk', () => {
    it('stores for each exactly what their own facts say', () => {
      const [a, b, c] = [worker(W1), worker(W2), worker(W3)];
      return given(
        a.registered('2024-12-01'),
        b.registered('2024-12-02'),
        a.departed('2025-01-10', 1, 'SA', '9111'),
        b.departed('2025-01-11', 1, 'AE', '5131'),
        c.registered('2024-12-03'),
        a.arrived('2025-01-11', 1, 'SA'),
        b.erased('2025-02-01'),
        a.returned('2025-06-01', 1, 'SA'),
        b.employmentChanged('2025-03-01', 1, 'AE', 'After Erasure', '5132'),
        a.departed('2025-09-01', 2, 'QA', '7411'),
        b.returned('2025-10-01', 1, 'AE'),
      ).thenTables({
        workers: [
          { worker_id: W1, status: 'abroad', cycles: 2, personal_data_erased: false },
          { worker_id: W2, status: 'returned', cycles: 1, personal_data_erased: true },
          { worker_id: W3, status: 'at_home', cycles: 0, personal_data_erased: false },
        ],
        cycles: [
          { worker_id: W1, cycle_number: 1, employer_name: 'Employer 1', returned_on: '2025-06-01' },
          { worker_id: W1, cycle_number: 2, employer_name: 'Employer 2', returned_on: null },
          { worker_id: W2, cycle_number: 1, employer_name: null, returned_on: '2025-10-01' },
        ],
      });
    });
  });
});
