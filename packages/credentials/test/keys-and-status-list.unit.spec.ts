import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  Bitstring,
  KeyRing,
  KeyRingError,
  MIN_STATUS_LIST_LENGTH,
  StatusIndexAllocator,
  StatusListError,
  didKeyDocument,
  didWeb,
  didWebDocumentUrl,
  keyRingFromEnv,
  localDocumentLoader,
  readQrPayload,
  qrPayload,
  statusListCredential,
} from '../src/credentials';

describe('the key ring', () => {
  it('names did:web keys by fragment and lists them all in did.json, the last one active', () => {
    const ring = keyRingFromEnv(
      { method: 'web', host: 'localhost:3000' },
      `key-1:${randomBytes(32).toString('base64url')}, key-2:${randomBytes(32).toString('base64url')}`,
    );
    expect(ring.issuerId).toBe('did:web:localhost%3A3000');
    expect(ring.activeKey().verificationMethod.id).toBe('did:web:localhost%3A3000#key-2');
    expect(ring.didDocument(ring.issuerId)).toMatchObject({
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      assertionMethod: ['did:web:localhost%3A3000#key-1', 'did:web:localhost%3A3000#key-2'],
    });
    expect(didWebDocumentUrl(ring.issuerId)).toBe('https://localhost:3000/.well-known/did.json');
    expect(didWebDocumentUrl(didWeb('example.org', ['issuers', 'skills']))).toBe('https://example.org/issuers/skills/did.json');
  });

  it('derives the same key from the same seed, and takes a PKCS#8 PEM too', () => {
    const seed = randomBytes(32);
    const a = new KeyRing({ did: { method: 'key' }, keys: [{ name: 'a', key: { seed } }] });
    const b = new KeyRing({ did: { method: 'key' }, keys: [{ name: 'b', key: { seed: seed.toString('base64url') } }] });
    expect(a.issuerId).toBe(b.issuerId);
    expect(a.issuerId).toMatch(/^did:key:z6Mk/);
    expect(didKeyDocument(a.issuerId)).toEqual(a.didDocument(a.issuerId));
    const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(new KeyRing({ did: { method: 'web', host: 'x.test' }, keys: [{ name: 'k', key: { pem } }] }).activeKey().publicJwk.crv).toBe(
      'Ed25519',
    );
  });

  it('refuses a short seed, a non-Ed25519 key, an empty ring and a key twice', () => {
    expect(() => new KeyRing({ did: { method: 'key' }, keys: [{ name: 'a', key: { seed: randomBytes(16) } }] })).toThrow(KeyRingError);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => new KeyRing({ did: { method: 'key' }, keys: [{ name: 'a', key: { pem: rsa } }] })).toThrow(KeyRingError);
    expect(() => keyRingFromEnv({ method: 'key' }, '')).toThrow(KeyRingError);
    const seed = randomBytes(32);
    expect(
      () =>
        new KeyRing({
          did: { method: 'web', host: 'x.test' },
          keys: [
            { name: 'a', key: { seed } },
            { name: 'b', key: { seed } },
          ],
        }),
    ).toThrow(/twice/);
  });

  it('resolves its DIDs and key ids locally, and nothing else', async () => {
    const ring = new KeyRing({ did: { method: 'web', host: 'skills.test' }, keys: [{ name: 'key-1', key: { seed: randomBytes(32) } }] });
    const load = localDocumentLoader({ keys: ring, didKey: false });
    expect((await load('did:web:skills.test')).document).toEqual(ring.didDocument('did:web:skills.test'));
    expect((await load('did:web:skills.test#key-1')).document).toMatchObject({ type: 'Multikey', controller: 'did:web:skills.test' });
    await expect(load('did:web:other.test')).rejects.toThrow(/not held locally/);
    await expect(load('did:web:skills.test#key-9')).rejects.toThrow(/not held locally/);
  });
});

describe('the bitstring status list', () => {
  it('encodes as the spec says: bit 0 is the most significant bit of the first byte, GZIP, multibase base64url', () => {
    const bits = new Bitstring(MIN_STATUS_LIST_LENGTH);
    bits.set(0, true);
    bits.set(9, true);
    bits.set(MIN_STATUS_LIST_LENGTH - 1, true);
    const expected = new Uint8Array(MIN_STATUS_LIST_LENGTH / 8);
    expected[0] = 0x80;
    expected[1] = 0x40;
    expected[expected.length - 1] = 0x01;
    const encoded = bits.encode();
    expect(encoded[0]).toBe('u');
    expect(Bitstring.decode(encoded).bytes).toEqual(expected);
    // a list encoded by someone else decodes the same
    expect(Bitstring.decode('u' + gzipSync(expected).toString('base64url')).get(9)).toBe(true);
    bits.set(9, false);
    expect(Bitstring.decode(bits.encode()).get(9)).toBe(false);
  });

  it('refuses lists smaller than 131,072 entries and indexes outside the list', () => {
    expect(() =>
      statusListCredential({
        url: 'https://x.test/s/1',
        purpose: 'revocation',
        issuer: 'did:web:x.test',
        bits: new Bitstring(8 * 1024),
        validFrom: new Date(),
      }),
    ).toThrow(StatusListError);
    expect(() => new StatusIndexAllocator(1024)).toThrow(StatusListError);
    expect(() => new Bitstring(MIN_STATUS_LIST_LENGTH).get(MIN_STATUS_LIST_LENGTH)).toThrow(StatusListError);
    expect(() => Bitstring.decode('zabc')).toThrow(StatusListError);
  });

  it('allocates distinct random indexes, skips those taken, and stops when the list is nearly full', () => {
    const allocator = new StatusIndexAllocator(MIN_STATUS_LIST_LENGTH, [5, 6], 0.9);
    const drawn = new Set(Array.from({ length: 1000 }, () => allocator.allocate()));
    expect(drawn.size).toBe(1000);
    expect(drawn.has(5) || drawn.has(6)).toBe(false);
    expect(Math.max(...drawn)).toBeGreaterThan(MIN_STATUS_LIST_LENGTH / 2); // scattered, not sequential
    const sequence = [1, 1, 2];
    const nearlyFull = new StatusIndexAllocator(
      MIN_STATUS_LIST_LENGTH,
      Array.from({ length: Math.floor(MIN_STATUS_LIST_LENGTH * 0.9) - 2 }, (_, i) => i + 10),
      0.9,
      () => sequence.shift()!,
    );
    expect([nearlyFull.allocate(), nearlyFull.allocate()]).toEqual([1, 2]);
    expect(() => nearlyFull.allocate()).toThrow(/full/);
  });
});

describe('the QR payload', () => {
  it('puts the compact JWT in the fragment of the verification URL, and reads it back', () => {
    const payload = qrPayload('https://skills.test/verify/HW-1?code=AB12', 'eyJ.eyJ.sig');
    expect(payload).toBe('https://skills.test/verify/HW-1?code=AB12#vc=eyJ.eyJ.sig');
    expect(readQrPayload(payload)).toEqual({ verificationUrl: 'https://skills.test/verify/HW-1?code=AB12', jwt: 'eyJ.eyJ.sig' });
  });
});
