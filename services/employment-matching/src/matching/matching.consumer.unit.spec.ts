import fc from 'fast-check';
import type { FactEnvelope, RegistrationFact } from '@homeward/projections/registration';
import { fromRegistration } from './matching.consumer';

const envelope: FactEnvelope = {
  eventId: 'e-1',
  eventType: 'homeward.registration.v1.WorkerRegistered',
  streamId: 'worker-w',
  streamVersion: 1,
  recordedAt: new Date('2026-01-01T00:00:00Z'),
  actor: { organisationId: 'ph-dmw', kind: 'agency' },
  originCountry: 'PH',
  destinationCountry: '',
};

describe("registration's facts as the matching engine reads them", () => {
  it('never carry sex into the facts the score folds: only beside them, for the audit', () => {
    const sexes = ['F', 'M', 'O', 'U'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...sexes), fc.constantFrom(...sexes), fc.subarray(['tl', 'en', 'ar']), (a, b, languages) => {
        const registered = (sex: (typeof sexes)[number]): RegistrationFact => ({
          type: 'WorkerRegistered',
          envelope,
          data: { workerId: 'w', sex, birthYear: 1990, originArea: 'PH-CEB', languages },
        });
        const [one, other] = [fromRegistration(registered(a)), fromRegistration(registered(b))];
        expect(one.facts).toEqual(other.facts);
        expect(JSON.stringify(one.facts)).not.toMatch(/"sex"/);
        expect(one.sex).toEqual({ workerId: 'w', sex: a });
        expect(one.originCountry).toBe('PH');
      }),
    );
  });

  it('turns skills with an ESCO URI into claims and ignores those without', () => {
    const fact: RegistrationFact = {
      type: 'SkillsAcquired',
      envelope: { ...envelope, eventId: 'e-2' },
      data: {
        workerId: 'w',
        cycleNumber: 1,
        recordedOn: '2025-01-01',
        skills: [
          { kind: 'work_process', title: 'welding', escoUri: 'http://data.europa.eu/esco/skill/x' },
          { kind: 'language', title: 'Arabic' },
        ],
      },
    };
    expect(fromRegistration(fact).facts).toEqual([
      { type: 'SkillsClaimed', eventId: 'e-2', workerId: 'w', escoUris: ['http://data.europa.eu/esco/skill/x'] },
    ]);
  });
});
