import { randomBytes } from 'node:crypto';
import { migrate } from '@homeward/pg-kit/migrations';
import { createTestDatabase, type TestDatabase } from '@homeward/testing/infrastructure';
import {
  MasterKeyWrapper,
  PersonalDataVault,
  SharedKey,
  SubjectErased,
  personalDataMigrations,
  type KeyWrapper,
} from '@homeward/personal-data';

describe('PersonalDataVault on a real PostgreSQL', () => {
  let db: TestDatabase;
  let vault: PersonalDataVault;
  const masterKey = randomBytes(32).toString('base64');

  beforeAll(async () => {
    db = await createTestDatabase('personal_data');
    await migrate(db.pool, 'personal-data', personalDataMigrations);
    vault = new PersonalDataVault(db.pool, new MasterKeyWrapper(masterKey));
  });
  afterAll(() => db.drop());

  it('seals with a key of the subject’s own and opens again, from another vault too', async () => {
    const sealed = await vault.seal('worker-1', { familyName: 'Santos' });
    expect(Buffer.from(sealed.ciphertext).toString('latin1')).not.toContain('Santos');
    expect(await vault.open('worker-1', sealed)).toEqual({ familyName: 'Santos' });
    const other = new PersonalDataVault(db.pool, new MasterKeyWrapper(masterKey));
    expect(await other.open('worker-1', sealed)).toEqual({ familyName: 'Santos' });
    const second = await vault.seal('worker-2', { familyName: 'Reyes' });
    expect(second.keyId).not.toBe(sealed.keyId);
  });

  it('stores data keys only wrapped by the master key', async () => {
    const { rows } = await db.pool.query<{ wrapped_key: Buffer }>("SELECT wrapped_key FROM data_keys WHERE subject_id = 'worker-1'");
    expect(rows[0]!.wrapped_key.length).toBe(12 + 32 + 16);
    const wrongMaster = new PersonalDataVault(db.pool, new MasterKeyWrapper(randomBytes(32).toString('base64')));
    await expect(wrongMaster.open('worker-1', await vault.seal('worker-1', 'x'))).rejects.toThrow();
  });

  it('refuses data sealed for another subject', async () => {
    const sealed = await vault.seal('worker-1', 'secret');
    await expect(vault.open('worker-2', sealed)).rejects.toThrow();
  });

  it('opens many subjects at once, the erased ones as undefined, from a vault that has none of their keys cached', async () => {
    const items = [
      { subjectId: 'many-1', sealed: await vault.seal('many-1', { n: 1 }) },
      { subjectId: 'many-2', sealed: await vault.seal('many-2', { n: 2 }) },
      { subjectId: 'many-3', sealed: await vault.seal('many-3', { n: 3 }) },
    ];
    await vault.erase('many-2');
    const cold = new PersonalDataVault(db.pool, new MasterKeyWrapper(masterKey));
    expect(await cold.openMany([...items, items[0]!])).toEqual([{ n: 1 }, undefined, { n: 3 }, { n: 1 }]);
    // Now cached: a second call needs no key from the database, and still refuses a seal of another subject.
    expect(await cold.openMany([items[2]!])).toEqual([{ n: 3 }]);
    await expect(cold.openMany([{ subjectId: 'many-1', sealed: items[2]!.sealed }])).rejects.toThrow();
  });

  it('gives a key wrapper (a KMS) the data keys whole, also when it reads them only after its call returned', async () => {
    // Like a KMS client, which sends the key in a request a moment later: the vault must not zero or reuse
    // the bytes it handed over until the wrap is done.
    const master = new MasterKeyWrapper(masterKey);
    const later: KeyWrapper = {
      wrap: async (dataKey) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return master.wrap(dataKey);
      },
      unwrap: (wrapped) => master.unwrap(wrapped),
    };
    const kms = new PersonalDataVault(db.pool, later);
    const one = await kms.seal('kms-1', { familyName: 'Lim' });
    const client = await db.pool.connect();
    let many;
    try {
      await client.query('BEGIN');
      many = await kms.sealForNewSubjects(
        [
          { subjectId: 'kms-2', data: { n: 2 } },
          { subjectId: 'kms-3', data: { n: 3 } },
        ],
        client,
      );
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    // A vault with no key cached unwraps what was stored: it opens only if the stored keys are the ones that sealed.
    const cold = new PersonalDataVault(db.pool, new MasterKeyWrapper(masterKey));
    expect(await cold.open('kms-1', one)).toEqual({ familyName: 'Lim' });
    expect(
      await cold.openMany([
        { subjectId: 'kms-2', sealed: many[0]! },
        { subjectId: 'kms-3', sealed: many[1]! },
      ]),
    ).toEqual([{ n: 2 }, { n: 3 }]);
  });

  describe('a shared key', () => {
    const configured = `directory-2026:${randomBytes(32).toString('base64')}`;

    it('opens for its holders what it sealed for one subject, and for no other subject', () => {
      const publisher = new SharedKey(configured);
      const reader = new SharedKey(configured);
      const sealed = publisher.seal('worker-9', { familyName: 'Gurung' });
      expect(sealed.keyId).toBe('directory-2026');
      expect(Buffer.from(sealed.ciphertext).toString('latin1')).not.toContain('Gurung');
      expect(reader.open('worker-9', sealed)).toEqual({ familyName: 'Gurung' });
      expect(() => reader.open('worker-8', sealed)).toThrow();
      expect(() => new SharedKey(`directory-2026:${randomBytes(32).toString('base64')}`).open('worker-9', sealed)).toThrow();
      expect(() => new SharedKey(`other:${configured.split(':')[1]}`).open('worker-9', sealed)).toThrow(/shared key directory-2026/);
    });

    it('refuses a configuration without a key id or with a key of the wrong size', () => {
      expect(() => new SharedKey(randomBytes(32).toString('base64'))).toThrow(/key id/);
      expect(() => new SharedKey(`k:${randomBytes(16).toString('base64')}`)).toThrow(/32 bytes/);
    });
  });

  describe('after erasure', () => {
    it('can no longer open anything sealed for the subject, and keeps no key material', async () => {
      const sealed = await vault.seal('worker-3', { familyName: 'Perera' });
      const replica = new PersonalDataVault(db.pool, new MasterKeyWrapper(masterKey), 10, 0);
      expect(await replica.open('worker-3', sealed)).toEqual({ familyName: 'Perera' });
      await vault.erase('worker-3');
      expect(await vault.open('worker-3', sealed)).toBeUndefined();
      expect(await replica.open('worker-3', sealed)).toBeUndefined();
      const { rows } = await db.pool.query("SELECT wrapped_key, erased_at FROM data_keys WHERE subject_id = 'worker-3'");
      expect(rows[0]).toEqual({ wrapped_key: null, erased_at: expect.any(Date) });
      await expect(vault.seal('worker-3', 'new data')).rejects.toBeInstanceOf(SubjectErased);
      expect(await vault.isErased('worker-3')).toBe(true);
    });

    it('seals nothing more with a key read while the erasure was being committed', async () => {
      const sealed = await vault.seal('worker-4', { familyName: 'Rai' });
      const client = await db.pool.connect();
      try {
        await client.query('BEGIN');
        await vault.erase('worker-4', client);
        // Another request of this process before the erasure commits: it still finds the key, and may use it.
        expect(await vault.open('worker-4', sealed)).toEqual({ familyName: 'Rai' });
        await client.query('COMMIT');
      } finally {
        client.release();
      }
      // Once committed, the key is gone for this process too: it was not cached again by that read.
      await expect(vault.seal('worker-4', 'new data')).rejects.toBeInstanceOf(SubjectErased);
      expect(await vault.open('worker-4', sealed)).toBeUndefined();
    });

    it('is idempotent, and works for a subject never sealed', async () => {
      await vault.erase('worker-3');
      await vault.erase('never-seen');
      expect(await vault.isErased('never-seen')).toBe(true);
    });
  });
});
