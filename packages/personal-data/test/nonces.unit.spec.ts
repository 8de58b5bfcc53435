import { randomBytes } from 'node:crypto';
import { MasterKeyWrapper, SharedKey } from '@homeward/personal-data';

/**
 * Nonces come from a pool of random bytes refilled 341 nonces at a time (personal-data.ts): what must hold is
 * that no two seals ever share a nonce, across refills too, and that everything sealed still opens.
 */
describe('the nonces of sealed data', () => {
  it('differ between every two seals, across several refills of the pool, and each seal opens', () => {
    const key = new SharedKey(`directory-1:${randomBytes(32).toString('base64')}`);
    const seen = new Set<string>();
    const count = 341 * 3 + 7;
    for (let i = 0; i < count; i++) {
      const sealed = key.seal(`subject-${i}`, { n: i });
      expect(sealed.nonce).toHaveLength(12);
      seen.add(Buffer.from(sealed.nonce).toString('hex'));
      expect(key.open(`subject-${i}`, sealed)).toEqual({ n: i });
    }
    expect(seen.size).toBe(count);
  });

  it('are not shared between a wrapped data key and the data sealed next', async () => {
    const wrapper = new MasterKeyWrapper(randomBytes(32).toString('base64'));
    const key = new SharedKey(`directory-1:${randomBytes(32).toString('base64')}`);
    const nonces = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const dataKey = randomBytes(32);
      const wrapped = await wrapper.wrap(dataKey);
      nonces.add(wrapped.subarray(0, 12).toString('hex'));
      expect(await wrapper.unwrap(wrapped)).toEqual(dataKey);
      nonces.add(Buffer.from(key.seal('subject', i).nonce).toString('hex'));
    }
    expect(nonces.size).toBe(800);
  });
});
