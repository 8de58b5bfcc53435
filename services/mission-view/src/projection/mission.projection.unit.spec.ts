import type { FactEnvelope, RegistrationFact } from '@homeward/projections/registration';
import { missionChanges, missionRelevance } from './mission.projection';

const at = new Date('2024-03-01T09:00:00Z');
const envelope = (destinationCountry: string, streamVersion = 2): FactEnvelope => ({
  eventId: '018f0000-0000-7000-8000-000000000001',
  eventType: 'x',
  streamId: 'worker-w1',
  streamVersion,
  recordedAt: at,
  actor: { organisationId: 'ph-embassy-riyadh', kind: 'mission' },
  originCountry: 'PH',
  destinationCountry,
});

const departure = (country: string): RegistrationFact => ({
  type: 'DepartureRecorded',
  envelope: envelope(country),
  data: {
    workerId: 'w1',
    cycleNumber: 1,
    destinationCountry: country,
    departedOn: '2023-02-01',
    employerName: 'Al Noor Household Services',
    occupationIsco: '9111',
    contractStart: '2023-02-05',
    contractEnd: '2025-02-04',
    recruitmentAgency: 'Manila Overseas Placement Inc.',
    channel: 'regular',
  },
});

describe('what the mission in SA takes', () => {
  it.each(['DepartureRecorded', 'ArrivalRecorded', 'EmploymentChanged', 'WelfareIncidentRecorded', 'ReturnRecorded'] as const)(
    'keeps a %s in its country and drops one in another',
    (type) => {
      const fact = { type, envelope: envelope('SA'), data: { workerId: 'w1' } } as unknown as RegistrationFact;
      expect(missionRelevance(fact, 'SA')).toBe('keep');
      expect(missionRelevance({ ...fact, envelope: envelope('AE') } as RegistrationFact, 'SA')).toBe('drop');
    },
  );

  it('takes an erasure only for workers it already holds', () => {
    const erased: RegistrationFact = {
      type: 'PersonalDataErased',
      envelope: envelope(''),
      data: { workerId: 'w1', erasedOn: '2024-01-01', basis: 'subject_request' },
    };
    expect(missionRelevance(erased, 'SA')).toBe('if-known');
  });

  it('drops registrations, skills and reintegration, even of a cycle in its country', () => {
    const registered: RegistrationFact = {
      type: 'WorkerRegistered',
      envelope: envelope(''),
      data: { workerId: 'w1', sex: 'F', birthYear: 1990, originArea: 'PH-03', languages: [] },
    };
    const referral: RegistrationFact = {
      type: 'ReintegrationReferralMade',
      envelope: envelope('SA'),
      data: { workerId: 'w1', cycleNumber: 1, referralId: 'r', referredOn: '2024-07-06', service: 'counselling' },
    };
    expect(missionRelevance(registered, 'SA')).toBe('drop');
    expect(missionRelevance(referral, 'SA')).toBe('drop');
  });
});

describe('the rows a fact changes', () => {
  it("opens a stay on departure, with the contract and without the employer's name, even one an older event carried in the clear", () => {
    expect(missionChanges(departure('SA'))).toEqual([
      {
        kind: 'stay-opened',
        workerId: 'w1',
        cycleNumber: 1,
        departedOn: '2023-02-01',
        occupationIsco: '9111',
        contractStart: '2023-02-05',
        contractEnd: '2025-02-04',
        channel: 'regular',
        at,
      },
    ]);
  });

  it('records an employment change with only what changed, and its stream version as its key', () => {
    const fact: RegistrationFact = {
      type: 'EmploymentChanged',
      envelope: envelope('SA', 5),
      data: { workerId: 'w1', cycleNumber: 1, changedOn: '2023-08-01', change: 'contract_renewal', contractEnd: '2026-02-04' },
    };
    expect(missionChanges(fact)).toEqual([
      {
        kind: 'employment-changed',
        workerId: 'w1',
        cycleNumber: 1,
        streamVersion: 5,
        changedOn: '2023-08-01',
        change: 'contract_renewal',
        contractEnd: '2026-02-04',
        at,
      },
    ]);
  });

  it('closes the stay on return, flagging an undocumented one', () => {
    const fact: RegistrationFact = {
      type: 'ReturnRecorded',
      envelope: envelope('SA'),
      data: {
        workerId: 'w1',
        cycleNumber: 1,
        returnedOn: '2024-06-30',
        fromCountry: 'SA',
        assistance: 'assisted',
        reason: 'deportation',
        withoutRecordedDeparture: true,
      },
    };
    expect(missionChanges(fact)).toEqual([
      {
        kind: 'returned',
        workerId: 'w1',
        cycleNumber: 1,
        returnedOn: '2024-06-30',
        assistance: 'assisted',
        reason: 'deportation',
        withoutRecordedDeparture: true,
        at,
      },
    ]);
  });

  it('keeps an incident without its case notes', () => {
    const fact: RegistrationFact = {
      type: 'WelfareIncidentRecorded',
      envelope: envelope('SA'),
      data: {
        workerId: 'w1',
        cycleNumber: 1,
        incidentId: 'i1',
        occurredOn: '2023-11-03',
        kind: 'abuse',
        fundAssistanceRequested: true,
        hasCaseNotes: true,
      },
    };
    expect(missionChanges(fact)).toEqual([
      {
        kind: 'incident-recorded',
        workerId: 'w1',
        cycleNumber: 1,
        incidentId: 'i1',
        occurredOn: '2023-11-03',
        incidentKind: 'abuse',
        fundAssistanceRequested: true,
        at,
      },
    ]);
  });

  it('writes nothing for an erasure itself: the erase hook removes what the model holds', () => {
    expect(
      missionChanges({ type: 'PersonalDataErased', envelope: envelope(''), data: { workerId: 'w1', erasedOn: '2024-01-01', basis: 'x' } }),
    ).toEqual([]);
  });
});
