import { randomUUID } from 'node:crypto';
import { buildSchema, projectEvents } from '@homeward/projections';
import type { FactEnvelope, RegistrationFact } from '@homeward/projections/registration';
import { ReadModelSpecification } from '@homeward/testing/read-model';
import { createTestDatabase, type TestDatabase } from '@homeward/testing/infrastructure';
import { missionViewProjection } from '../src/projection/mission.read-model';

// Given the facts of the registration topic, then these rows in the mission in Saudi Arabia: against the
// real PostgreSQL, through the machinery's own chunk handling (the country filter, stream versions,
// erasures first). Every expectation holds both for the facts as one chunk and for one transaction per fact.

const definition = missionViewProjection('SA', '');
const [source] = definition.sources;
const decoded = (fact: RegistrationFact) => {
  const event = { source: 'registration' as const, fact };
  return { event, meta: source!.meta(event), erasedSubject: source!.erasedSubject(event) };
};

const W1 = '01930000-0000-7000-8000-000000000001';
const W2 = '01930000-0000-7000-8000-000000000002';

/** The facts of one worker's stream, numbered in the order they are made. */
function worker(workerId: string) {
  let version = 0;
  const envelope = (on: string, destinationCountry: string): FactEnvelope => ({
    eventId: randomUUID(),
    eventType: 'x',
    streamId: `worker-${workerId}`,
    streamVersion: ++version,
    occurredAt: new Date(`${on}T00:00:00Z`),
    recordedAt: new Date(`${on}T08:00:00Z`),
    actor: { organisationId: 'ph-dmw-registry', kind: 'agency' },
    originCountry: 'PH',
    destinationCountry,
  });
  return {
    registered: (on: string): RegistrationFact => ({
      type: 'WorkerRegistered',
      envelope: envelope(on, ''),
      data: { workerId, sex: 'F', birthYear: 1990, originArea: 'PH-03', languages: [] },
    }),
    departed: (on: string, cycleNumber: number, country: string, employerName = 'Al Noor Household Services'): RegistrationFact => ({
      type: 'DepartureRecorded',
      envelope: envelope(on, country),
      data: {
        workerId,
        cycleNumber,
        destinationCountry: country,
        departedOn: on,
        employerName,
        occupationIsco: '9111',
        contractStart: '2025-01-12',
        contractEnd: '2027-01-11',
        recruitmentAgency: 'Manila Overseas Placement Inc.',
        channel: 'regular',
      },
    }),
    arrived: (on: string, cycleNumber: number, country: string): RegistrationFact => ({
      type: 'ArrivalRecorded',
      envelope: envelope(on, country),
      data: { workerId, cycleNumber, arrivedOn: on, country },
    }),
    employmentChanged: (
      on: string,
      cycleNumber: number,
      country: string,
      data: { employerName?: string; contractEnd?: string },
    ): RegistrationFact => ({
      type: 'EmploymentChanged',
      envelope: envelope(on, country),
      data: { workerId, cycleNumber, changedOn: on, change: data.employerName ? 'employer' : 'contract_renewal', ...data },
    }),
    incident: (on: string, cycleNumber: number, country: string, incidentId: string): RegistrationFact => ({
      type: 'WelfareIncidentRecorded',
      envelope: envelope(on, country),
      data: { workerId, cycleNumber, incidentId, occurredOn: on, kind: 'abuse', fundAssistanceRequested: true, hasCaseNotes: true },
    }),
    returned: (on: string, cycleNumber: number, country: string, withoutRecordedDeparture = false): RegistrationFact => ({
      type: 'ReturnRecorded',
      envelope: envelope(on, country),
      data: {
        workerId,
        cycleNumber,
        returnedOn: on,
        fromCountry: country,
        assistance: 'assisted',
        reason: 'deportation',
        withoutRecordedDeparture,
      },
    }),
    referred: (on: string, cycleNumber: number, country: string): RegistrationFact => ({
      type: 'ReintegrationReferralMade',
      envelope: envelope(on, country),
      data: { workerId, cycleNumber, referralId: randomUUID(), referredOn: on, service: 'counselling' },
    }),
    erased: (on: string): RegistrationFact => ({
      type: 'PersonalDataErased',
      envelope: envelope(on, ''),
      data: { workerId, erasedOn: on, basis: 'subject_request' },
    }),
  };
}

const INCIDENT = '01930000-0000-7000-8000-0000000000a1';

describe('the mission in Saudi Arabia, given the facts, stores', () => {
  let db: TestDatabase;
  let given: ReturnType<typeof ReadModelSpecification<RegistrationFact>>['given'];

  beforeAll(async () => {
    db = await createTestDatabase('mission_rows');
    given = ReadModelSpecification<RegistrationFact>(db.pool, {
      schema: buildSchema(definition),
      project: (facts, tx) => projectEvents(definition, facts.map(decoded), tx),
    }).given;
  });
  afterAll(() => db.drop());

  describe('a worker who came to the country and went home', () => {
    const w = worker(W1);
    const stay = [
      w.registered('2024-12-01'),
      w.departed('2025-01-10', 1, 'SA'),
      w.arrived('2025-01-11', 1, 'SA'),
      w.employmentChanged('2025-08-01', 1, 'SA', { contractEnd: '2028-01-11' }),
      w.incident('2025-11-03', 1, 'SA', INCIDENT),
      w.returned('2026-06-01', 1, 'SA'),
      w.referred('2026-07-01', 1, 'SA'),
    ];

    it('holds the stay from departure to return, with the contract as last changed', () =>
      given(...stay).thenRows('stays', [
        {
          worker_id: W1,
          cycle_number: 1,
          stage: 'returned',
          departed_on: '2025-01-10',
          arrived_on: '2025-01-11',
          occupation_isco: '9111',
          contract_start: '2025-01-12',
          contract_end: '2028-01-11',
          channel: 'regular',
          returned_on: '2026-06-01',
          return_assistance: 'assisted',
          return_reason: 'deportation',
          without_recorded_departure: false,
          personal_data_erased: false,
        },
      ]));

    it('records the employment change with only what changed, and the incident without its case notes', () =>
      given(...stay).thenTables({
        employment_changes: [
          {
            worker_id: W1,
            stream_version: 4,
            cycle_number: 1,
            changed_on: '2025-08-01',
            change: 'contract_renewal',
            occupation_isco: null,
            contract_end: '2028-01-11',
          },
        ],
        incidents: [
          {
            incident_id: INCIDENT,
            worker_id: W1,
            cycle_number: 1,
            occurred_on: '2025-11-03',
            kind: 'abuse',
            fund_assistance_requested: true,
          },
        ],
      }));
  });

  describe('a worker whose cycle is in another country', () => {
    it('leaves no trace, not even the worker id', () => {
      const w = worker(W2);
      return given(
        w.registered('2024-12-01'),
        w.departed('2025-01-10', 1, 'AE'),
        w.arrived('2025-01-11', 1, 'AE'),
        w.erased('2025-03-01'),
      ).thenTables({ stays: [], employment_changes: [], incidents: [] });
    });

    it('holds only the cycle in its country of a worker who went to both', () => {
      const w = worker(W2);
      return given(w.departed('2023-01-10', 1, 'AE'), w.returned('2024-06-01', 1, 'AE'), w.departed('2025-01-10', 2, 'SA')).thenRows(
        'stays',
        [{ worker_id: W2, cycle_number: 2, stage: 'departed' }],
      );
    });
  });

  describe('a return with no recorded departure', () => {
    it('opens and closes the stay, flagged as undocumented', () => {
      const w = worker(W1);
      return given(w.returned('2025-06-01', 1, 'SA', true)).thenRows('stays', [
        {
          worker_id: W1,
          cycle_number: 1,
          stage: 'returned',
          departed_on: null,
          returned_on: '2025-06-01',
          without_recorded_departure: true,
        },
      ]);
    });
  });

  describe('facts delivered twice, and arrivals of several workers in one run', () => {
    it('are applied once, each to its own stay', () => {
      const [a, b] = [worker(W1), worker(W2)];
      const departure = a.departed('2025-01-10', 1, 'SA', 'First Employer');
      const arrival = a.arrived('2025-01-13', 1, 'SA');
      return given(
        departure,
        b.departed('2025-01-10', 1, 'SA', 'Other Employer'),
        arrival,
        b.arrived('2025-01-12', 1, 'SA'),
        arrival,
        b.returned('2025-06-01', 1, 'SA'),
      ).thenRows('stays', [
        { worker_id: W1, stage: 'arrived', arrived_on: '2025-01-13', returned_on: null },
        { worker_id: W2, stage: 'returned', arrived_on: '2025-01-12', returned_on: '2025-06-01' },
      ]);
    });
  });

  describe('an erased worker', () => {
    it('keeps the stay and its dates, marked erased', () => {
      const w = worker(W1);
      return given(
        w.departed('2025-01-10', 1, 'SA'),
        w.employmentChanged('2025-02-01', 1, 'SA', { employerName: 'Second Employer' }),
        w.erased('2025-03-01'),
        w.employmentChanged('2025-04-01', 1, 'SA', { employerName: 'After Erasure' }),
        w.arrived('2025-04-02', 1, 'SA'),
      ).thenTables({
        stays: [{ worker_id: W1, stage: 'arrived', departed_on: '2025-01-10', personal_data_erased: true }],
        employment_changes: [
          { worker_id: W1, changed_on: '2025-02-01' },
          { worker_id: W1, changed_on: '2025-04-01' },
        ],
      });
    });
  });
});
