import type { FactEnvelope, RegistrationFact } from '@homeward/projections/registration';
import { directoryChanges, iscoPrefixes, registrationChanges } from './agency.projection';
import { agencyChanges } from './agency.read-model';

const recordedAt = new Date('2024-07-01T08:00:00Z');
const envelope = (occurredOn: string, streamVersion: number): FactEnvelope => ({
  eventId: `018f0000-0000-7000-8000-00000000000${streamVersion}`,
  eventType: 'x',
  streamId: 'worker-w1',
  streamVersion,
  occurredAt: new Date(`${occurredOn}T00:00:00Z`),
  recordedAt,
  actor: { organisationId: 'ph-dmw-registry', kind: 'agency' },
  originCountry: 'PH',
  destinationCountry: '',
});

describe('the agency view of registration facts', () => {
  it('creates the worker on registration, with the date it happened, and puts it on the timeline', () => {
    const fact: RegistrationFact = {
      type: 'WorkerRegistered',
      envelope: envelope('2023-01-10', 1),
      data: { workerId: 'w1', sex: 'F', birthYear: 1990, originArea: 'PH-03', educationIsced: 3, languages: ['tl', 'en'] },
    };
    expect(registrationChanges(fact)).toEqual([
      {
        kind: 'worker-registered',
        workerId: 'w1',
        registeredOn: '2023-01-10',
        sex: 'F',
        birthYear: 1990,
        originArea: 'PH-03',
        educationIsced: 3,
        languages: ['tl', 'en'],
        at: recordedAt,
      },
      {
        kind: 'timeline',
        workerId: 'w1',
        eventId: '018f0000-0000-7000-8000-000000000001',
        source: 'registration',
        type: 'WorkerRegistered',
        streamId: 'worker-w1',
        streamVersion: 1,
        occurredOn: '2023-01-10',
        recordedAt,
        details: { sex: 'F', birthYear: 1990, originArea: 'PH-03', educationIsced: 3, languages: ['tl', 'en'] },
      },
    ]);
  });

  it('opens a cycle on departure and files the stage under its cycle', () => {
    const fact: RegistrationFact = {
      type: 'DepartureRecorded',
      envelope: envelope('2023-02-01', 2),
      data: {
        workerId: 'w1',
        cycleNumber: 1,
        destinationCountry: 'SA',
        departedOn: '2023-02-01',
        employerName: 'Al Noor',
        occupationIsco: '9111',
        contractStart: '2023-02-05',
        contractEnd: '2025-02-04',
        recruitmentAgency: 'Manila Overseas',
        channel: 'regular',
      },
    };
    const [opened, entry] = registrationChanges(fact);
    expect(opened).toMatchObject({
      kind: 'cycle-opened',
      workerId: 'w1',
      cycleNumber: 1,
      destinationCountry: 'SA',
      occupationIsco: '9111',
    });
    expect(entry).toMatchObject({
      kind: 'timeline',
      cycleNumber: 1,
      type: 'DepartureRecorded',
      details: { employerName: 'Al Noor', channel: 'regular' },
    });
    expect(entry).not.toHaveProperty('details.workerId');
    expect(entry).not.toHaveProperty('details.cycleNumber');
  });

  it('closes the cycle on return, undocumented or not', () => {
    const fact: RegistrationFact = {
      type: 'ReturnRecorded',
      envelope: envelope('2024-06-30', 3),
      data: {
        workerId: 'w1',
        cycleNumber: 1,
        returnedOn: '2024-06-30',
        fromCountry: 'SA',
        assistance: 'unassisted',
        reason: 'other',
        withoutRecordedDeparture: true,
      },
    };
    expect(registrationChanges(fact)[0]).toEqual({
      kind: 'returned',
      workerId: 'w1',
      cycleNumber: 1,
      returnedOn: '2024-06-30',
      fromCountry: 'SA',
      assistance: 'unassisted',
      reason: 'other',
      withoutRecordedDeparture: true,
      at: recordedAt,
    });
  });

  it('takes a referral out of the returnee pipeline', () => {
    const fact: RegistrationFact = {
      type: 'ReintegrationReferralMade',
      envelope: envelope('2024-07-06', 4),
      data: { workerId: 'w1', cycleNumber: 1, referralId: 'r1', referredOn: '2024-07-06', service: 'employment' },
    };
    expect(registrationChanges(fact)[0]).toEqual({ kind: 'referred', workerId: 'w1', cycleNumber: 1, referredOn: '2024-07-06' });
  });

  it('records the erasure itself; what is removed is the erase hook’s', () => {
    const fact: RegistrationFact = {
      type: 'PersonalDataErased',
      envelope: envelope('2024-08-01', 5),
      data: { workerId: 'w1', erasedOn: '2024-08-01', basis: 'subject_request' },
    };
    expect(registrationChanges(fact).map((c) => c.kind)).toEqual(['erasure-recorded', 'timeline']);
  });

  it('puts what changes no row on the timeline only, and skips event types newer than the code', () => {
    const skills: RegistrationFact = {
      type: 'SkillsAcquired',
      envelope: envelope('2023-09-01', 6),
      data: { workerId: 'w1', cycleNumber: 1, recordedOn: '2023-09-01', skills: [{ kind: 'language', title: 'Arabic (A2)' }] },
    };
    expect(registrationChanges(skills).map((c) => c.kind)).toEqual(['timeline']);
    expect(registrationChanges({ type: 'Unrecognised', envelope: envelope('2023-09-01', 7), data: { workerId: 'w1' } })).toEqual([]);
  });

  it('routes each source to its handler', () => {
    const fact: RegistrationFact = {
      type: 'ArrivalRecorded',
      envelope: envelope('2023-02-02', 8),
      data: { workerId: 'w1', cycleNumber: 1, arrivedOn: '2023-02-02', country: 'SA' },
    };
    expect(agencyChanges({ source: 'registration', fact })).toEqual(registrationChanges(fact));
  });

  it("takes a directory entry's employers beside the identity, and an entry naming none as the identity alone", () => {
    const identity = { givenName: 'Maria', familyName: 'Santos', dateOfBirth: '1990-04-12' };
    const employers = [{ streamVersion: 2, cycleNumber: 1, employerName: 'Al Noor Household Services' }];
    const entry = { type: 'IdentityPublished', workerId: 'w1', eventId: 'e-2', streamVersion: 2, recordedAt, identity } as const;
    expect(directoryChanges({ ...entry, employers })).toEqual([
      { kind: 'identity-known', workerId: 'w1', streamVersion: 2, identity },
      { kind: 'employers-known', workerId: 'w1', employers },
    ]);
    expect(directoryChanges({ ...entry, employers: [] })).toEqual([{ kind: 'identity-known', workerId: 'w1', streamVersion: 2, identity }]);
  });

  it('indexes an occupation under every ISCO level', () => {
    expect(iscoPrefixes('5152')).toEqual(['5', '51', '515', '5152']);
  });
});
