import type { FactEnvelope, RegistrationFact } from '@homeward/projections/registration';
import { missionRelevance } from './mission.projection';

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
