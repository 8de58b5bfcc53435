import { randomBytes } from 'node:crypto';
import { KeyRing, VerifiedProofs, verifyCredential, type IssuedCredential } from '../src/credentials';
import { HOST, Issuer } from './fixtures';

describe('a certificate issued as an Open Badges 3.0 credential', () => {
  let issuer: Issuer;
  let issued: IssuedCredential & { index: number };

  beforeAll(async () => {
    issuer = new Issuer();
    await issuer.publish();
    issued = await issuer.issue();
  });

  it('has the OB 3.0 shape: contexts, types, Profile issuer, AchievementSubject with the units as results', () => {
    const vc = issued.credential as Record<string, any>;
    expect(vc['@context']).toEqual(['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json']);
    expect(vc.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
    expect(vc.issuer).toMatchObject({ id: `did:web:${HOST}`, type: ['Profile'] });
    expect(vc.credentialSubject.type).toEqual(['AchievementSubject']);
    expect(vc.credentialSubject.achievement.type).toEqual(['Achievement']);
    expect(vc.credentialSubject.achievement.resultDescription).toHaveLength(6);
    expect(vc.credentialSubject.result).toHaveLength(6);
    expect(vc.credentialStatus.map((s: any) => s.statusPurpose)).toEqual(['revocation', 'suspension']);
    expect(vc.proof).toMatchObject({
      type: 'DataIntegrityProof',
      cryptosuite: 'eddsa-rdfc-2022',
      proofPurpose: 'assertionMethod',
      verificationMethod: `did:web:${HOST}#key-1`,
    });
    expect(JSON.stringify(vc)).not.toMatch(/holder|familyName|givenName/);
  });

  it('verifies as valid in both formats, and in its compact form', async () => {
    for (const presented of [issued.credential, issued.jwt, issued.compactJwt]) {
      const result = await verifyCredential(presented, issuer.verifyOptions());
      expect(result).toMatchObject({ status: 'valid', checks: { proof: 'ok', validity: 'ok', revoked: false, suspended: false } });
    }
  });

  it('says revoked, with the reason the caller gives, once the revocation bit is set', async () => {
    const other = await issuer.issue();
    await issuer.set('revocation', other.index, true, 'fraudulent-evidence');
    for (const presented of [other.credential, other.jwt]) {
      expect(await verifyCredential(presented, issuer.verifyOptions())).toMatchObject({
        status: 'revoked',
        reason: 'fraudulent-evidence',
        checks: { revoked: true },
      });
    }
    // the first credential, on the same list, is untouched
    expect((await verifyCredential(issued.credential, issuer.verifyOptions())).status).toBe('valid');
  });

  it('says suspended while the suspension bit is set, and valid again when it is cleared', async () => {
    const other = await issuer.issue();
    await issuer.set('suspension', other.index, true, 'under-review');
    expect(await verifyCredential(other.credential, issuer.verifyOptions())).toMatchObject({ status: 'suspended', reason: 'under-review' });
    expect((await verifyCredential(other.jwt, issuer.verifyOptions())).status).toBe('suspended');
    await issuer.set('suspension', other.index, false);
    expect((await verifyCredential(other.credential, issuer.verifyOptions())).status).toBe('valid');
  });

  it('says expired after validUntil, and the proof still holds', async () => {
    const old = await issuer.issue({ validFrom: new Date('2019-01-01T00:00:00Z'), validUntil: new Date('2024-01-01T00:00:00Z') });
    for (const presented of [old.credential, old.jwt]) {
      expect(await verifyCredential(presented, issuer.verifyOptions())).toMatchObject({
        status: 'expired',
        checks: { proof: 'ok', validity: 'expired' },
      });
    }
  });

  it('says tampered when a signed field is changed', async () => {
    const forged = structuredClone(issued.credential) as Record<string, any>;
    forged.validUntil = '2099-01-01T00:00:00Z';
    expect(await verifyCredential(forged, issuer.verifyOptions())).toMatchObject({ status: 'tampered', checks: { proof: 'tampered' } });

    const swapped = structuredClone(issued.credential) as Record<string, any>;
    swapped.credentialSubject.result[0].value = 'not yet competent';
    expect((await verifyCredential(swapped, issuer.verifyOptions())).status).toBe('tampered');

    const [header, payload, signature] = issued.jwt.split('.');
    const body = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    body.credentialSubject.licenseNumber = 'HW-2026-999999';
    const forgedJwt = [header, Buffer.from(JSON.stringify(body)).toString('base64url'), signature].join('.');
    expect((await verifyCredential(forgedJwt, issuer.verifyOptions())).status).toBe('tampered');
  });

  it('remembers a verified proof by the digest of the credential: the same bytes skip the proof, other bytes do not', async () => {
    const verifiedProofs = new VerifiedProofs(2);
    const options = { ...issuer.verifyOptions(), verifiedProofs };
    expect((await verifyCredential(issued.credential, options)).status).toBe('valid');
    expect(verifiedProofs.has(VerifiedProofs.digest(issued.credential))).toBe(true);
    // a remembered proof still goes through the dates and the status lists
    const other = await issuer.issue();
    expect((await verifyCredential(other.credential, options)).status).toBe('valid');
    await issuer.set('revocation', other.index, true, 'issued-in-error');
    expect(await verifyCredential(other.credential, options)).toMatchObject({ status: 'revoked', checks: { proof: 'ok', revoked: true } });
    // changed bytes are verified again, and a failure is never remembered
    const forged = structuredClone(issued.credential) as Record<string, any>;
    forged.validUntil = '2099-01-01T00:00:00Z';
    expect((await verifyCredential(forged, options)).status).toBe('tampered');
    expect((await verifyCredential(forged, options)).status).toBe('tampered');
    expect(verifiedProofs.has(VerifiedProofs.digest(forged))).toBe(false);
    // bounded: the least recently used digest goes first
    const third = await issuer.issue();
    await verifyCredential(third.credential, options);
    expect(verifiedProofs.size).toBe(2);
    expect(verifiedProofs.has(VerifiedProofs.digest(issued.credential))).toBe(false);
    // a key dropped from the ring is refused before the remembered proof is consulted
    const stranger = new Issuer(
      new KeyRing({ did: { method: 'web', host: 'other.test' }, keys: [{ name: 'key-1', key: { seed: randomBytes(32) } }] }),
    );
    expect((await verifyCredential(third.credential, { ...stranger.verifyOptions(), verifiedProofs })).status).toBe('invalid-signature');
  });

  it('says invalid-signature for a proof by a key that is not the issuer’s, or no proof at all', async () => {
    const stranger = new Issuer(
      new KeyRing({ did: { method: 'web', host: 'forger.test' }, keys: [{ name: 'key-1', key: { seed: randomBytes(32) } }] }),
    );
    const forged = await stranger.issue();
    expect((await verifyCredential(forged.credential, issuer.verifyOptions())).status).toBe('invalid-signature');
    expect((await verifyCredential(forged.jwt, issuer.verifyOptions())).status).toBe('invalid-signature');
    const { proof: _proof, ...unsigned } = issued.credential;
    void _proof;
    expect((await verifyCredential(unsigned, issuer.verifyOptions())).status).toBe('invalid-signature');
  });

  it('fails closed when a status list cannot be had', async () => {
    const lost = new Issuer(issuer.keys);
    const credential = (await issuer.issue()).credential;
    expect((await verifyCredential(credential, lost.verifyOptions())).status).toBe('status-unavailable');
  });

  it('refuses a status list that is not signed by the issuer', async () => {
    const other = await issuer.issue();
    const forgedList = structuredClone(issuer.published.get('https://skills.homeward.test/credentials/status/revocation/1')) as Record<
      string,
      any
    >;
    forgedList.credentialSubject.encodedList = 'u' + 'H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA';
    const tampered = new Issuer(issuer.keys);
    tampered.published.set(forgedList.id, forgedList);
    tampered.published.set(
      'https://skills.homeward.test/credentials/status/suspension/1',
      issuer.published.get('https://skills.homeward.test/credentials/status/suspension/1')!,
    );
    const result = await verifyCredential(other.credential, tampered.verifyOptions());
    expect(result.status).toBe('status-unavailable');
    expect(result.errors.join()).toMatch(/revocation\/1: the list does not verify: tampered/);
  });
});

describe('key rotation', () => {
  it('keeps a credential signed with the old key verifiable, and signs new ones with the new key', async () => {
    const issuer = new Issuer();
    await issuer.publish();
    const before = await issuer.issue();

    issuer.keys = issuer.keys.rotate({ name: 'key-2', key: { seed: randomBytes(32) } });
    const rotated = new Issuer(issuer.keys);
    for (const [url, list] of issuer.published) rotated.published.set(url, list);
    const after = await rotated.issue();

    expect(before.verificationMethod).toBe(`did:web:${HOST}#key-1`);
    expect(after.verificationMethod).toBe(`did:web:${HOST}#key-2`);
    const did = rotated.keys.didDocument(rotated.keys.issuerId)!;
    expect(did.verificationMethod.map((vm) => vm.id)).toEqual([`did:web:${HOST}#key-1`, `did:web:${HOST}#key-2`]);
    expect(did.assertionMethod).toEqual([`did:web:${HOST}#key-1`, `did:web:${HOST}#key-2`]);
    for (const presented of [before.credential, before.jwt, after.credential, after.jwt]) {
      expect((await verifyCredential(presented, rotated.verifyOptions())).status).toBe('valid');
    }
    // the status lists signed with key-1 before the rotation are still accepted, and re-signing with key-2 too
    await rotated.publish();
    expect((await verifyCredential(before.credential, rotated.verifyOptions())).status).toBe('valid');
  });

  it('with did:key, the new key is a new issuer DID and the old DID still resolves from the ring', async () => {
    const ring = new KeyRing({ did: { method: 'key' }, keys: [{ name: 'a', key: { seed: randomBytes(32) } }] });
    const issuer = new Issuer(ring);
    await issuer.publish();
    const before = await issuer.issue();
    const rotated = new Issuer(ring.rotate({ name: 'b', key: { seed: randomBytes(32) } }));
    await rotated.publish();
    expect(rotated.keys.issuerIds).toHaveLength(2);
    expect(before.credential['issuer']).toMatchObject({ id: ring.issuerId });
    expect((await verifyCredential(before.credential, { ...rotated.verifyOptions(), statusLists: issuer.cache })).status).toBe('valid');
    const after = await rotated.issue();
    expect((await verifyCredential(after.jwt, rotated.verifyOptions())).status).toBe('valid');
  });
});
