import { createSecretKey, randomBytes } from 'node:crypto';
import { KeyCache } from '@homeward/personal-data';

const key = (keyId: string) => ({ keyId, key: createSecretKey(randomBytes(32)) });

/** A cache of 10 keys kept 30 s, on a clock the test moves, holding subject a's key k1. */
function cacheOnClock() {
  const clock = { now: 1_000_000 };
  jest.spyOn(Date, 'now').mockImplementation(() => clock.now);
  const cache = new KeyCache(10, 30_000);
  cache.set('a', key('k1'));
  return { clock, cache };
}

describe('KeyCache', () => {
  afterEach(() => jest.restoreAllMocks());

  it('holds at most its size however many keys pass through, and always the latest half of them', () => {
    for (const size of [2, 3, 10, 101]) {
      const cache = new KeyCache(size, 60_000);
      for (let i = 0; i < size * 10; i++) {
        cache.set(`s${i}`, key(`k${i}`));
        expect(cache.size).toBeLessThanOrEqual(size);
        for (let back = 0; back < Math.floor(size / 2) && back <= i; back++) expect(cache.get(`s${i - back}`)?.keyId).toBe(`k${i - back}`);
      }
      expect(cache.get('s0')).toBeUndefined();
    }
  });

  it('answers the key last set for a subject', () => {
    const cache = new KeyCache(4, 60_000);
    cache.set('a', key('k1'));
    cache.set('b', key('k2'));
    cache.set('c', key('k3')); // a and b now in the older generation
    cache.set('a', key('k4'));
    expect(cache.get('a')?.keyId).toBe('k4');
    cache.set('d', key('k5'));
    cache.set('e', key('k6')); // the generation that held the first a is gone
    expect(cache.get('a')?.keyId).toBe('k4');
  });

  it('forgets a deleted subject in either generation', () => {
    const cache = new KeyCache(4, 60_000);
    cache.set('old', key('k1'));
    cache.set('x', key('k2'));
    cache.set('young', key('k3'));
    cache.forget('old');
    cache.forget('young');
    expect(cache.get('old')).toBeUndefined();
    expect(cache.get('young')).toBeUndefined();
    expect(cache.get('x')?.keyId).toBe('k2');
  });

  it('takes no key back in for a forgotten (erased) subject until its age bound has passed', () => {
    const { clock, cache } = cacheOnClock();
    cache.forget('a');
    clock.now += 1_000;
    cache.set('a', key('k1'));
    expect(cache.get('a')).toBeUndefined();
    cache.set('b', key('k2'));
    expect(cache.get('b')?.keyId).toBe('k2');
    clock.now += 29_000;
    cache.set('a', key('k3'));
    expect(cache.get('a')?.keyId).toBe('k3');
  });

  it('answers no key older than its age bound', () => {
    const { clock, cache } = cacheOnClock();
    clock.now += 29_999;
    expect(cache.get('a')?.keyId).toBe('k1');
    clock.now += 1;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
    const never = new KeyCache(10, 0);
    never.set('b', key('k2'));
    expect(never.get('b')).toBeUndefined();
  });

  it('holds a key that no later change to the bytes it was made from reaches (a KeyObject of its own)', () => {
    const cache = new KeyCache(10, 60_000);
    const pooled = Buffer.concat([randomBytes(16), randomBytes(16)]); // 32 bytes of Buffer's 8 KiB pool
    expect(pooled.buffer.byteLength).toBeGreaterThan(32);
    const original = Buffer.from(pooled);
    cache.set('a', { keyId: 'k1', key: createSecretKey(pooled) });
    pooled.fill(0);
    const held = cache.get('a')!.key;
    expect(held.type).toBe('secret');
    expect(held.export().equals(original)).toBe(true);
  });
});
