import { randomBytes } from 'node:crypto';
import { create, timestampFromDate, toBinary } from '@homeward/contracts';
import { SealedPersonalDataSchema } from '@homeward/contracts/common/v1';
import { RegistrationEventSchema } from '@homeward/contracts/registration/v1';
import { DirectoryEntrySchema } from '@homeward/contracts/registration/v1/directory';
import type { IncomingMessage } from '@homeward/messaging/consumer';
import { SharedKey } from '@homeward/personal-data';
import { decodeRegistrationFact } from '@homeward/projections/registration';
import { decodeDirectoryFact } from '@homeward/projections/registration-directory';

// Employers' names (docs/adr/0006): events recorded before they were sealed carry them in the clear, and
// are still read so; newer events carry them sealed with the worker's key, which no read model opens; the
// directory names them for the agencies' read models, sealed with the directory key.

const workerId = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const recordedAt = new Date('2026-03-01T08:00:00.000Z');
const envelope = { eventId: 'e-2', streamId: `worker-${workerId}`, streamVersion: 2n, recordedAt: timestampFromDate(recordedAt) };
const message = (value: Uint8Array | null, topic = 'homeward.registration.events.v1'): IncomingMessage => ({
  topic,
  partition: 0,
  offset: '2',
  key: workerId,
  value: value === null ? null : Buffer.from(value),
  headers: {},
  eventId: 'e-2',
});
// The message as the publisher of its time wrote it (v1 with the clear field, or with the seal).
const encode = (event: { case: string; value: Record<string, unknown> }) =>
  toBinary(RegistrationEventSchema, create(RegistrationEventSchema, { envelope, event } as never));
const aSeal = () => create(SealedPersonalDataSchema, { keyId: 'k', nonce: randomBytes(12), ciphertext: randomBytes(40) });
const departure = { workerId, cycleNumber: 1, destinationCountry: 'SA', departedOn: '2023-02-01', occupationIsco: '9111' };

describe("employers' names on the registration topic", () => {
  it('reads the clear name of a departure and a change of employer recorded before names were sealed', () => {
    const departed = decodeRegistrationFact(
      message(encode({ case: 'departureRecorded', value: { ...departure, employerName: 'Al Noor' } })),
    );
    expect(departed).toMatchObject({ type: 'DepartureRecorded', data: { employerName: 'Al Noor', occupationIsco: '9111' } });
    const changed = decodeRegistrationFact(
      message(
        encode({ case: 'employmentChanged', value: { workerId, cycleNumber: 1, changedOn: '2023-08-01', employerName: 'Gulf Care' } }),
      ),
    );
    expect(changed).toMatchObject({ type: 'EmploymentChanged', data: { employerName: 'Gulf Care' } });
  });

  it('has no name for a sealed one: it is registration’s to open', () => {
    const departed = decodeRegistrationFact(
      message(encode({ case: 'departureRecorded', value: { ...departure, sealedEmployerName: aSeal() } })),
    );
    expect(departed.type).toBe('DepartureRecorded');
    expect(departed.data).not.toHaveProperty('employerName');
    const changed = decodeRegistrationFact(
      message(
        encode({ case: 'employmentChanged', value: { workerId, cycleNumber: 1, changedOn: '2023-08-01', sealedEmployerName: aSeal() } }),
      ),
    );
    expect(changed.data).not.toHaveProperty('employerName');
  });
});

describe("employers' names in the directory", () => {
  const key = new SharedKey(`directory-1:${randomBytes(32).toString('base64')}`);
  const identity = { givenName: 'Rahima', familyName: 'Khatun', dateOfBirth: '1994-02-03' };
  const entry = (employers?: unknown) =>
    toBinary(
      DirectoryEntrySchema,
      create(DirectoryEntrySchema, {
        workerId,
        streamVersion: 3n,
        eventId: 'e-3',
        recordedAt: timestampFromDate(recordedAt),
        identity: create(SealedPersonalDataSchema, key.seal(workerId, identity)),
        ...(employers ? { employers: create(SealedPersonalDataSchema, key.seal(workerId, employers)) } : {}),
      }),
    );

  it('opens the employers of an entry with the directory key', () => {
    const employers = [
      { streamVersion: 2, cycleNumber: 1, employerName: 'Household of Al-Harbi' },
      { streamVersion: 3, cycleNumber: 1, employerName: 'Gulf Care' },
    ];
    expect(decodeDirectoryFact(message(entry(employers), 'homeward.registration.directory.v1'), key)).toMatchObject({
      type: 'IdentityPublished',
      identity,
      employers,
    });
  });

  it('reads an entry published before employer names were sealed as naming none', () => {
    expect(decodeDirectoryFact(message(entry(), 'homeward.registration.directory.v1'), key)).toMatchObject({ employers: [] });
  });
});
