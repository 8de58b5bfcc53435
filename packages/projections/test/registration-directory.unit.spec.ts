import { randomBytes } from 'node:crypto';
import { create, timestampFromDate, toBinary } from '@homeward/contracts';
import { SealedPersonalDataSchema } from '@homeward/contracts/common/v1';
import { DirectoryEntrySchema } from '@homeward/contracts/registration/v1/directory';
import { PoisonMessageError, type IncomingMessage } from '@homeward/messaging/consumer';
import { SharedKey } from '@homeward/personal-data';
import { decodeDirectoryFact, directoryMeta } from '@homeward/projections/registration-directory';

describe('the registration directory as a source', () => {
  const key = new SharedKey(`directory-1:${randomBytes(32).toString('base64')}`);
  const workerId = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
  const identity = { givenName: 'Rahima', familyName: 'Khatun', dateOfBirth: '1994-02-03', passportNumber: 'BD1234567' };
  const recordedAt = new Date('2026-03-01T08:00:00.000Z');

  const message = (value: Buffer | null, headers: Record<string, string> = {}, key_ = workerId): IncomingMessage => ({
    topic: 'homeward.registration.directory.v1',
    partition: 0,
    offset: '7',
    key: key_,
    value,
    headers,
    eventId: headers.ce_id ?? 'e-1',
  });
  const entry = (sealedFor = workerId, by = key, worker = workerId) => {
    const sealed = by.seal(sealedFor, identity);
    return Buffer.from(
      toBinary(
        DirectoryEntrySchema,
        create(DirectoryEntrySchema, {
          workerId: worker,
          streamVersion: 3n,
          eventId: 'e-3',
          recordedAt: timestampFromDate(recordedAt),
          identity: create(SealedPersonalDataSchema, sealed),
        }),
      ),
    );
  };

  it('opens an entry into the worker’s identity, on a stream of its own', () => {
    const fact = decodeDirectoryFact(message(entry()), key);
    expect(fact).toEqual({ type: 'IdentityPublished', workerId, eventId: 'e-3', streamVersion: 3, recordedAt, identity, employers: [] });
    expect(directoryMeta(fact)).toEqual({ eventId: 'e-3', streamId: `directory-${workerId}`, streamVersion: 3, recordedAt });
  });

  it('reads a tombstone as the withdrawal of the worker’s identity at its stream version', () => {
    const fact = decodeDirectoryFact(message(null, { ce_id: 'e-9', ce_time: recordedAt.toISOString(), homeward_stream_version: '9' }), key);
    expect(fact).toEqual({ type: 'IdentityWithdrawn', workerId, eventId: 'e-9', streamVersion: 9, recordedAt });
  });

  it.each([
    ['sealed with another key', () => message(entry(workerId, new SharedKey(`directory-1:${randomBytes(32).toString('base64')}`)))],
    ['sealed for another worker', () => message(entry('0193a1b2-c3d4-7e5f-8a9b-000000000000'))],
    ['of another worker than its key', () => message(entry(workerId, key, '0193a1b2-c3d4-7e5f-8a9b-000000000000'))],
    ['not a directory entry', () => message(Buffer.from([0xde, 0xad, 0xbe, 0xef]))],
    ['a tombstone without its stream version', () => message(null, { ce_time: recordedAt.toISOString() })],
    ['without a key', () => message(entry(), {}, null as unknown as string)],
  ])('refuses a message %s as poison (it goes to the dead-letter topic)', (_, make) => {
    expect(() => decodeDirectoryFact(make(), key)).toThrow(PoisonMessageError);
  });
});
