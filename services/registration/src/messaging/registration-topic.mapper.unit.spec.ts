import { randomBytes, randomUUID } from 'node:crypto';
import type { StoredEvent } from '@homeward/event-store';
import { toStoredSeal } from '../persistence/stored-worker-event';
import { STORED_RESIDUE_HEADER, storedRowFromMessage, storedRowJson } from '@homeward/contracts/stored-row';
import { REGISTRATION_STORED_ROW, registrationMessage } from './registration-topic.mapper';
import { decodeRegistrationEvent } from './worker-event.proto-mapper';

// Employers' names on the registration topic (docs/adr/0006): an event stored since they are sealed goes
// out with the seal only; one stored before goes out as it first did, with the clear name (which the
// consumers still read: @homeward/projections' registration-employers test).

const workerId = randomUUID();
const stored = (type: string, data: Record<string, unknown>, streamVersion: number): StoredEvent => ({
  globalPosition: streamVersion,
  transactionId: '1000',
  streamId: `worker-${workerId}`,
  streamVersion,
  eventId: randomUUID(),
  type,
  data,
  metadata: {
    actor: { organisationId: 'ph-dmw-registry', kind: 'agency', userId: 'officer' },
    originCountry: 'PH',
    destinationCountry: 'SA',
    correlationId: randomUUID(),
    causationId: randomUUID(),
  },
  occurredAt: new Date('2023-02-01T00:00:00Z'),
  recordedAt: new Date('2026-12-06T05:00:00Z'),
});
const departure = {
  workerId,
  cycleNumber: 1,
  destinationCountry: 'SA',
  departedOn: '2023-02-01',
  occupationIsco: '9111',
  contractStart: '2023-02-05',
  contractEnd: '2025-02-04',
  channel: 'regular',
};
const toMessage = registrationMessage('homeward.registration.events.v1', '/homeward/ph/registration');
const seal = { keyId: randomUUID(), nonce: randomBytes(12), ciphertext: randomBytes(48) };

describe("an employer's name on the registration topic", () => {
  it('goes out sealed, and the clear field empty, from an event stored since names are sealed', () => {
    const message = toMessage(stored('DepartureRecorded', { ...departure, sealed: { employerName: toStoredSeal(seal) } }, 2));
    const event = decodeRegistrationEvent(message.value!).event;
    expect(event.case).toBe('departureRecorded');
    if (event.case !== 'departureRecorded') return;
    expect(event.value.employerName).toBe('');
    expect(event.value.sealedEmployerName).toMatchObject({ keyId: seal.keyId, nonce: new Uint8Array(seal.nonce) });
  });

  it('goes out in the clear from an event stored before', () => {
    const departed = toMessage(stored('DepartureRecorded', { ...departure, employerName: 'Al Noor Household Services' }, 2));
    const changed = toMessage(
      stored(
        'EmploymentChanged',
        { workerId, cycleNumber: 1, changedOn: '2023-08-01', change: 'new_employer', employerName: 'Gulf Care' },
        3,
      ),
    );
    const events = [departed, changed].map((m) => decodeRegistrationEvent(m.value!).event);
    expect(events.map((e) => [e.case, e.value && 'employerName' in e.value ? e.value.employerName : undefined])).toEqual([
      ['departureRecorded', 'Al Noor Household Services'],
      ['employmentChanged', 'Gulf Care'],
    ]);
    expect(events.map((e) => (e.value as { sealedEmployerName?: unknown }).sealedEmployerName)).toEqual([undefined, undefined]);
  });
});

describe('a departure on the registration topic', () => {
  it('carries its stored row once, as its value: the residue header is empty, and the row comes back from the message', () => {
    const row = stored(
      'DepartureRecorded',
      {
        ...departure,
        recruitmentAgency: 'Manila Overseas Placement Agency Inc.',
        monthlyWage: { currency: 'SAR', amountMinor: 150_000 },
        sealed: { employerName: toStoredSeal(seal) },
      },
      2,
    );
    const message = toMessage(row);
    const headerBytes = Object.entries(message.headers).reduce((n, [k, v]) => n + k.length + String(v).length, 0);
    expect(message.headers[STORED_RESIDUE_HEADER]).toBe('');
    // CloudEvents headers and the residue's name: nothing near the value's size (the whole row as JSON was twice it).
    expect(headerBytes).toBeLessThan(message.value!.byteLength);
    expect(storedRowFromMessage(REGISTRATION_STORED_ROW, message.value!, '')).toEqual({ row: storedRowJson(row), withheld: [] });
  });
});
