import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT, generateKeyPair, importJWK, type JWK } from 'jose';
import { Claims } from '@homeward/auth';
import { OFFICER_SCOPES, startFundHarness, type FundHarness } from './fund.harness';
import { allocate, coveredWorker, deathClaim, documentedClaim, php } from './fund.story';

// Token attacks through a service (the emergency fund: personal data, money): each forged, stale or
// misdirected token is refused 401 problem+json with the RFC 6750 challenge — after a genuine token for
// the same claims was verified and remembered — and a mission acting on another country's claim is refused
// (403 to file, 404 to read: the claim's existence is not disclosed); nothing is written by any of them.

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('token attacks on the emergency fund', () => {
  let h: FundHarness;
  let claimId: string;
  let workerId: string;
  let privateJwk: JWK & { kid: string };
  let publicJwk: JWK & { kid: string };

  beforeAll(async () => {
    h = await startFundHarness('fund-token-attacks');
    await allocate(h, 'PH-OWWA', php(500_000));
    workerId = await coveredWorker(h);
    claimId = await documentedClaim(h, deathClaim(workerId));
    // The development issuer keeps its private key beside the JWKS the service reads.
    const directory = dirname(fileURLToPath(h.config.AUTH_JWKS_URL));
    privateJwk = JSON.parse(readFileSync(join(directory, 'private.jwk.json'), 'utf8')) as JWK & { kid: string };
    publicJwk = (JSON.parse(readFileSync(join(directory, 'jwks.json'), 'utf8')) as { keys: (JWK & { kid: string })[] }).keys[0]!;
  }, 90_000);
  afterAll(() => h?.stop());

  const officerClaims = () => ({
    [Claims.organisation]: 'ph-owwa',
    [Claims.kind]: 'agency',
    [Claims.scope]: OFFICER_SCOPES.join(' '),
  });
  const now = () => Math.floor(Date.now() / 1000);

  /** Signed with the issuer's own key: only the claims named are wrong. */
  async function signed(o: { iss?: string; aud?: string; exp?: number; nbf?: number; iat?: number }): Promise<string> {
    const jwt = new SignJWT(officerClaims())
      .setProtectedHeader({ alg: 'ES256', kid: privateJwk.kid })
      .setIssuer(o.iss ?? h.config.AUTH_ISSUER)
      .setAudience(o.aud ?? h.config.AUTH_AUDIENCE)
      .setSubject('officer-a')
      .setIssuedAt(o.iat ?? now())
      .setExpirationTime(o.exp ?? now() + 3600);
    if (o.nbf !== undefined) jwt.setNotBefore(o.nbf);
    return jwt.sign(await importJWK(privateJwk, 'ES256'));
  }

  const attacks: [string, () => Promise<string>][] = [
    ['an expired token', () => signed({ iat: now() - 7200, exp: now() - 120 })],
    ['a token not yet valid (nbf an hour ahead)', () => signed({ nbf: now() + 3600 })],
    ['a token for another audience', () => signed({ aud: 'another-api' })],
    ['a token of another issuer', () => signed({ iss: 'https://evil.example/realms/homeward' })],
    [
      'an unsecured token (alg: none) with the genuine claims',
      async () => `${b64({ alg: 'none', typ: 'JWT' })}.${h.tokens.officerA.split('.')[1]}.`,
    ],
    [
      'HS256 signed with the public key as the secret',
      async () => {
        const header = b64({ alg: 'HS256', typ: 'JWT', kid: publicJwk.kid });
        const payload = b64({
          ...officerClaims(),
          iss: h.config.AUTH_ISSUER,
          aud: h.config.AUTH_AUDIENCE,
          sub: 'officer-a',
          exp: now() + 3600,
        });
        const signature = createHmac('sha256', JSON.stringify(publicJwk)).update(`${header}.${payload}`).digest('base64url');
        return `${header}.${payload}.${signature}`;
      },
    ],
    [
      'a token signed by a key not in the JWKS, under its kid',
      async () => {
        const { privateKey } = await generateKeyPair('ES256');
        return new SignJWT(officerClaims())
          .setProtectedHeader({ alg: 'ES256', kid: privateJwk.kid })
          .setIssuer(h.config.AUTH_ISSUER)
          .setAudience(h.config.AUTH_AUDIENCE)
          .setSubject('officer-a')
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(privateKey);
      },
    ],
  ];

  it.each(attacks)('refuses %s: 401 problem+json, nothing read, nothing written', async (_name, forge) => {
    // The genuine officer's token is verified (and remembered) first.
    expect((await h.call('GET', `/claims/${claimId}`)).status).toBe(200);
    const token = await forge();
    const before = await h.counts();
    for (const [method, url, body] of [
      ['GET', `/claims/${claimId}`, undefined],
      ['POST', `/claims/${claimId}/assess`, {}],
      ['POST', '/claims', deathClaim(workerId)],
    ] as const) {
      const r = await h.call(method, url, body, token);
      expect({ method, url, status: r.status }).toEqual({ method, url, status: 401 });
      expect(r.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(r.body).toMatchObject({ status: 401, code: 'auth.invalid-token' });
      expect(String(r.headers['www-authenticate'])).toContain('error="invalid_token"');
      expect(r.text).not.toContain(workerId);
    }
    expect(await h.counts()).toEqual(before);
  });

  it("refuses a mission acting on another country's claim: 403 to file one, 404 to read or write one", async () => {
    const before = await h.counts();
    const filed = await h.call('POST', '/claims', deathClaim(workerId), h.tokens.missionAE);
    expect(filed.status).toBe(403);
    expect(filed.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    const read = await h.call('GET', `/claims/${claimId}`, undefined, h.tokens.missionAE);
    expect(read.status).toBe(404);
    expect(read.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    const notes = await h.call('POST', `/claims/${claimId}/case-notes`, { notes: 'not ours' }, h.tokens.missionAE);
    expect(notes.status).toBe(404);
    expect(await h.counts()).toEqual(before);
    // The mission of the claim's country is served.
    expect((await h.call('GET', `/claims/${claimId}`, undefined, h.tokens.missionSA)).status).toBe(200);
  });
});
