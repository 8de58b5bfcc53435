import { fromBinary } from '@homeward/contracts';
import { DirectoryEntrySchema } from '@homeward/contracts/registration/v1/directory';
import { SharedKey } from '@homeward/personal-data';
import { readTopic, testDirectoryKey, topicSetting } from '@homeward/testing/infrastructure';
import { aWorker, departure, startHarness, type RegistrationHarness } from './registration.harness';

// The directory of people (docs/adr/0004): what registration publishes for the agencies' read models on the
// compacted directory topic, read back with a plain Kafka consumer and the directory key.

interface DirectoryMessage {
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
}

describe('the registration directory', () => {
  let h: RegistrationHarness;
  const key = new SharedKey(testDirectoryKey());

  beforeAll(async () => {
    h = await startHarness('registration_directory');
  });
  afterAll(() => h?.stop());

  const messagesOf = (workerId: string, until: (mine: DirectoryMessage[]) => boolean) =>
    readTopic<DirectoryMessage>(
      h.runtime.directoryTopic,
      (m) => m,
      (read) => until(read.filter((m) => m.key === workerId)),
    ).then((read) => read.filter((m) => m.key === workerId));

  const opened = (m: DirectoryMessage) => {
    const entry = fromBinary(DirectoryEntrySchema, m.value!);
    return { entry, identity: key.open<Record<string, string>>(m.key!, entry.identity!) };
  };

  it('is a compacted topic', async () => {
    expect(await topicSetting(h.runtime.directoryTopic, 'cleanup.policy')).toBe('compact');
  });

  it("publishes a registered worker's names, birth date and documents sealed with the directory key, and no contacts", async () => {
    const person = { ...aWorker(), personalData: { ...aWorker().personalData, passportNumber: 'P 1234567-A', phone: '+639171234567' } };
    const created = await h.call('POST', '/workers', person);
    expect(created.status).toBe(201);
    const workerId = created.body!.workerId as string;

    const [message] = await messagesOf(workerId, (mine) => mine.length >= 1);
    expect(message!.headers).toMatchObject({ ce_type: 'homeward.registration.v1.DirectoryEntry', homeward_stream_version: '1' });
    expect(message!.value!.toString('latin1')).not.toMatch(/Santos|Maria|1234567|9171234567/);
    const { entry, identity } = opened(message!);
    expect(entry).toMatchObject({ workerId, streamVersion: 1n, eventId: message!.headers.ce_id });
    expect(identity).toEqual({
      givenName: 'Maria',
      familyName: 'Santos',
      dateOfBirth: person.personalData.dateOfBirth,
      nationalId: person.personalData.nationalId,
      passportNumber: 'P 1234567-A',
    });
    // Sealed for this worker only: the same bytes do not open as anyone else's.
    expect(() => key.open('00000000-0000-7000-8000-000000000000', entry.identity!)).toThrow();
  });

  it('publishes a correction of personal data as a newer entry, and an erasure as a tombstone that ends the worker there', async () => {
    const workerId = (await h.call('POST', '/workers', aWorker())).body!.workerId as string;
    // Each entry published before the next event: of one relay batch's events only a worker's last gets an entry.
    await messagesOf(workerId, (read) => read.length >= 1);
    const corrected = await h.call('POST', `/workers/${workerId}/corrections`, {
      correctsVersion: 1,
      personalData: { ...aWorker().personalData, familyName: 'Santos-Reyes' },
    });
    expect(corrected.status).toBe(201);
    // A correction of other details only is no news for the directory.
    expect((await h.call('POST', `/workers/${workerId}/corrections`, { correctsVersion: 1, originArea: 'PH-07' })).status).toBe(201);
    // Published before the erasure (what the relay has not published by then, it never will: next test).
    await messagesOf(workerId, (read) => read.length >= 2);
    expect((await h.call('POST', `/workers/${workerId}/erasure`, { basis: 'subject_request' })).status).toBe(200);

    const mine = await messagesOf(workerId, (read) => read.some((m) => m.value === null));
    expect(mine.map((m) => [m.headers.homeward_stream_version, m.value === null ? 'tombstone' : opened(m).identity.familyName])).toEqual([
      ['1', 'Santos'],
      ['2', 'Santos-Reyes'],
      ['4', 'tombstone'],
    ]);
    expect(mine[2]!.headers.ce_type).toBe('homeward.registration.v1.DirectoryEntryWithdrawn');
  });

  it('publishes each departure and change of employer as a whole entry: the identity and every employer so far, sealed', async () => {
    const workerId = (await h.call('POST', '/workers', aWorker())).body!.workerId as string;
    const employer = `Household ${workerId.slice(0, 8)}`;
    await messagesOf(workerId, (read) => read.length >= 1);
    expect((await h.call('POST', `/workers/${workerId}/departures`, { ...departure, employerName: employer })).status).toBe(201);
    await messagesOf(workerId, (read) => read.length >= 2);
    const changed = await h.call(
      'POST',
      `/workers/${workerId}/employment-changes`,
      { changedOn: '2023-08-01', change: 'new_employer', employerName: `${employer} II` },
      h.tokens.missionSA,
    );
    expect(changed.status).toBe(201);

    const mine = await messagesOf(workerId, (read) => read.length >= 3);
    for (const m of mine) expect(m.value!.toString('latin1')).not.toContain(employer);
    const employersOf = (m: DirectoryMessage) => {
      const { entry, identity } = opened(m);
      return [identity.familyName, entry.employers ? key.open(workerId, entry.employers) : []];
    };
    expect(mine.map((m) => [m.headers.homeward_stream_version, ...employersOf(m)])).toEqual([
      ['1', 'Santos', []],
      ['2', 'Santos', [{ streamVersion: 2, cycleNumber: 1, employerName: employer }]],
      [
        '3',
        'Santos',
        [
          { streamVersion: 2, cycleNumber: 1, employerName: employer },
          { streamVersion: 3, cycleNumber: 1, employerName: `${employer} II` },
        ],
      ],
    ]);
  });

  it('publishes no entry for a worker erased before the relay got to the registration', async () => {
    await h.runtime.relay.stop();
    let workerId = '';
    try {
      workerId = (await h.call('POST', '/workers', aWorker())).body!.workerId as string;
      expect((await h.call('POST', `/workers/${workerId}/erasure`, { basis: 'subject_request' })).status).toBe(200);
    } finally {
      await h.runtime.relay.start();
    }
    const mine = await messagesOf(workerId, (read) => read.some((m) => m.value === null));
    expect(mine.map((m) => (m.value === null ? 'tombstone' : 'entry'))).toEqual(['tombstone']);
  });
});
