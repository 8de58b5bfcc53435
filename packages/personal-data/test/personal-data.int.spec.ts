import { randomBytes } from 'node:crypto';
import { migrate } from '@homeward/pg-kit/migrations';
import { createTestDatabase, type TestDatabase } from '@homeward/testing/infrastructure';
import { MasterKeyWrapper, PersonalDataVault, SubjectErased, personalDataMigrations } from '@homeward/personal-data';

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

    it('is idempotent, and works for a subject never sealed', async () => {
      await vault.erase('worker-3');
      await vault.erase('never-seen');
      expect(await vault.isErased('never-seen')).toBe(true);
    });
  });
});
