import { createPublicKey, verify as ed25519Verify } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import * as dccVc from '@digitalcredentials/vc';
import { DataIntegrityProof } from '@digitalcredentials/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalcredentials/eddsa-rdfc-2022-cryptosuite';
import { decode as base58Decode } from 'base58-universal';
import { LOCAL_CONTEXTS } from '@homeward/credentials';
import { testIssuer } from '@homeward/testing/infrastructure';
import { startHarness, type RegistrationHarness } from '@homeward/registration/test/harness';
import { startSkillsHarness, type SkillsHarness } from './skills.harness';
import { UNITS, givenAssessedCompetent, givenKnownWorker, givenStandardAndCentre, ok } from './skills.story';

// The certificates as credentials, checked by an outside verifier that did not issue them: the Digital
// Credentials Consortium's vc stack for the Data Integrity proof (not the @digitalbazaar packages that
// signed), node:crypto for the VC-JWT, node:zlib for the status bits — with only what the service publishes
// (its did.json and status lists, fetched through its public API) and the JSON-LD contexts as local data.
// Its document loader answers from those alone and throws for anything else: verification needs no network.

type Json = Record<string, any>;
const namespaceOf = (topic: string) => topic.slice(0, topic.indexOf('homeward.'));
const BASE = 'https://skills.homeward.test';

describe('credentials of the certificates', () => {
  let registry: RegistrationHarness;
  let skills: SkillsHarness;
  let centreId: string;
  const standardId = 'rmcs-housekeeping-vc';

  beforeAll(async () => {
    const issuer = await testIssuer();
    registry = await startHarness('skills_vc_registry', { issuer });
    skills = await startSkillsHarness('skills_vc', { issuer, env: { TOPIC_NAMESPACE: namespaceOf(registry.runtime.topic) } });
    ({ centreId } = await givenStandardAndCentre(skills, standardId));
  }, 120_000);
  afterAll(async () => {
    await skills?.stop();
    await registry?.stop();
  });

  /** What anyone can fetch from the service without a token, by URL. */
  async function published(url: string): Promise<Json> {
    expect(url.startsWith(BASE)).toBe(true);
    const response = await skills.call('GET', url.slice(BASE.length), undefined, null);
    expect(response.status).toBe(200);
    return JSON.parse(response.text) as Json;
  }

  async function outsideVerifier() {
    const did = await published(`${BASE}/.well-known/did.json`);
    const lists = new Map<string, Json>();
    const documentLoader = async (url: string) => {
      const document =
        LOCAL_CONTEXTS.get(url) ??
        (url === did.id ? did : undefined) ??
        (url.startsWith(`${did.id}#`)
          ? { '@context': did['@context'], ...did.verificationMethod.find((vm: Json) => vm.id === url) }
          : undefined) ??
        lists.get(url);
      if (!document) throw new Error(`the outside verifier holds no ${url}`);
      return { contextUrl: null, documentUrl: url, document };
    };
    const statusBit = async (entry: Json): Promise<boolean> => {
      const list = await published(entry.statusListCredential);
      lists.set(entry.statusListCredential, list);
      expect(list.credentialSubject.statusPurpose).toBe(entry.statusPurpose);
      const bits = gunzipSync(Buffer.from(list.credentialSubject.encodedList.slice(1), 'base64url'));
      const i = Number(entry.statusListIndex);
      return (bits[i >> 3]! & (0x80 >> (i & 7))) !== 0;
    };
    const verifyDataIntegrity = (credential: Json) =>
      dccVc.verifyCredential({
        credential,
        suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
        documentLoader,
        checkStatus: async ({ credential: c }: { credential: Json }) => {
          const set = await Promise.all(([] as Json[]).concat(c.credentialStatus).map(statusBit));
          return { verified: !set.some(Boolean) };
        },
      });
    const verifyJwt = (jwt: string): Json | undefined => {
      const [header, payload, signature] = jwt.split('.');
      const { kid, alg } = JSON.parse(Buffer.from(header!, 'base64url').toString()) as Json;
      expect(alg).toBe('EdDSA');
      const vm = did.verificationMethod.find((m: Json) => m.id === kid);
      if (!vm) return undefined;
      const bytes = base58Decode(vm.publicKeyMultibase.slice(1));
      const key = createPublicKey({
        key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(bytes.subarray(2))]),
        format: 'der',
        type: 'spki',
      });
      const valid = ed25519Verify(null, Buffer.from(`${header}.${payload}`), key, Buffer.from(signature!, 'base64url'));
      return valid ? (JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Json) : undefined;
    };
    return { did, verifyDataIntegrity, verifyJwt, statusBit };
  }

  it('issues each certificate as a signed OpenBadgeCredential and a VC-JWT that an independent verifier accepts, until it is revoked', async () => {
    const workerId = await givenKnownWorker(registry, skills);
    await givenAssessedCompetent(skills, workerId, standardId, centreId);
    const issued = await ok(
      skills,
      'POST',
      `/candidates/${workerId}/certificates`,
      { kind: 'full_qualification', standardId, unitCodes: UNITS, issuedOn: '2024-08-05', expiresOn: '2029-08-04' },
      skills.tokens.certifier,
    );
    const number = issued.body!.certificates[0].certificateNumber as string;

    const jsonld = await skills.call('GET', `/certificates/${number}/credential.jsonld`, undefined, skills.tokens.reader);
    expect(jsonld.status).toBe(200);
    expect(jsonld.headers['content-type']).toMatch(/^application\/vc\+ld\+json/);
    const credential = JSON.parse(jsonld.text) as Json;
    expect(credential.type).toEqual(expect.arrayContaining(['VerifiableCredential', 'OpenBadgeCredential']));
    expect(credential.proof).toMatchObject({ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022' });
    expect(JSON.stringify(credential)).not.toMatch(/Maria|Santos/);
    expect(JSON.stringify(credential)).toContain(number);

    const outside = await outsideVerifier();
    expect(outside.did.id).toBe('did:web:skills.homeward.test');
    const verified = await outside.verifyDataIntegrity(credential);
    expect(verified.error).toBeUndefined();
    expect(verified.verified).toBe(true);

    const jwt = await skills.call('GET', `/certificates/${number}/credential.jwt`, undefined, skills.tokens.reader);
    expect(jwt.headers['content-type']).toMatch(/^application\/vc\+jwt/);
    const payload = outside.verifyJwt(jwt.text);
    expect(payload).toMatchObject({ type: expect.arrayContaining(['OpenBadgeCredential']) });
    expect(payload!.credentialSubject).toEqual(credential.credentialSubject);

    // The printable certificate (@homeward/certificate-print): number, code, the QR code of the verification
    // link and the one of the compact credential; no name; no script. test/printable.browser.e2e.spec.ts
    // decodes its QR codes in Chromium.
    const printable = await skills.call('GET', `/certificates/${number}/printable`, undefined, skills.tokens.reader);
    expect(printable.status).toBe(200);
    expect(printable.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(printable.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-[^']+';/);
    expect(printable.text).toContain(number);
    expect(printable.text).toContain(issued.body!.certificates[0].verificationCode);
    expect(printable.text.match(/<svg [^>]*class="qr"/g)).toHaveLength(2);
    expect(printable.text).not.toMatch(/Maria|Santos|<script/);

    // Tampered: a unit's title changed after signing.
    const tampered = structuredClone(credential);
    tampered.credentialSubject.achievement.name = 'Master chef';
    expect((await outside.verifyDataIntegrity(tampered)).verified).toBe(false);
    const [h, p, s] = jwt.text.split('.');
    const forged = JSON.parse(Buffer.from(p!, 'base64url').toString());
    forged.validUntil = '2099-01-01T00:00:00Z';
    expect(outside.verifyJwt(`${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${s}`)).toBeUndefined();

    // Revoked: the revocation bit is set in the published list, and the outside verifier refuses the credential.
    const revocation = ([] as Json[]).concat(credential.credentialStatus).find((e) => e.statusPurpose === 'revocation')!;
    expect(await outside.statusBit(revocation)).toBe(false);
    await ok(
      skills,
      'POST',
      `/certificates/${number}/revocation`,
      { revokedOn: '2025-01-15', reason: 'issued_in_error' },
      skills.tokens.certifier,
    );
    expect(await outside.statusBit(revocation)).toBe(true);
    const afterRevocation = await outside.verifyDataIntegrity(credential);
    expect(afterRevocation.verified).toBe(false);
    expect(afterRevocation.statusResult?.verified).toBe(false);
  }, 120_000);

  it('publishes status lists and the DID document to anyone, and keeps the credentials to agencies', async () => {
    expect((await skills.call('GET', '/status-lists/revocation-1', undefined, null)).status).toBe(200);
    expect((await skills.call('GET', '/status-lists/suspension-1', undefined, null)).status).toBe(200);
    expect((await skills.call('GET', '/status-lists/revocation-99', undefined, null)).body).toMatchObject({
      status: 404,
      code: 'status-list.not-found',
    });
    expect((await skills.call('GET', '/.well-known/did.json', undefined, null)).status).toBe(200);
    const anyNumber = (await skills.db.pool.query(`SELECT certificate_number FROM certificates LIMIT 1`)).rows[0].certificate_number;
    expect((await skills.call('GET', `/certificates/${anyNumber}/credential.jwt`, undefined, null)).status).toBe(401);
    expect((await skills.call('GET', `/certificates/${anyNumber}/credential.jwt`, undefined, skills.tokens.missionSA)).status).toBe(403);
  });
});
