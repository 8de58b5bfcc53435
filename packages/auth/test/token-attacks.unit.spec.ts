import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, generateKeyPair, importJWK, type JWK, type JWTPayload } from 'jose';
import { AuthenticationError, Claims, TokenVerifier } from '@homeward/auth';
import { DEV_AUDIENCE, DEV_ISSUER, devIssuer, type DevIssuer } from '@homeward/auth/dev-issuer';

// Token attacks against the real verifier (jose, the development issuer's JWKS on disk): every forged,
// stale or misdirected token is refused with an AuthenticationError (the services answer it 401), and the
// verifier's memory of verified tokens never lets one through — not even right after the genuine token
// was remembered.

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('token attacks on the TokenVerifier', () => {
  let directory: string;
  let issuer: DevIssuer;
  let privateJwk: JWK & { kid: string };
  let publicJwk: JWK & { kid: string };
  let genuine: string;
  /** A verifier that remembers verified tokens (the default): the attacks run after the genuine token is in its memory. */
  let verifier: TokenVerifier;

  const claims = (extra: JWTPayload = {}): JWTPayload => ({
    [Claims.organisation]: 'ph-dmw-registry',
    [Claims.kind]: 'agency',
    [Claims.scope]: 'workers:read workers:write personal-data:read',
    ...extra,
  });

  /** A token signed with the issuer's own private key, with the given claims and times (seconds since the epoch). */
  async function signed(
    options: { iss?: string; aud?: string; exp?: number; nbf?: number; iat?: number; payload?: JWTPayload } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT(claims(options.payload))
      .setProtectedHeader({ alg: 'ES256', kid: privateJwk.kid })
      .setIssuer(options.iss ?? DEV_ISSUER)
      .setAudience(options.aud ?? DEV_AUDIENCE)
      .setSubject('attacker-client')
      .setIssuedAt(options.iat ?? now)
      .setExpirationTime(options.exp ?? now + 3600);
    if (options.nbf !== undefined) jwt.setNotBefore(options.nbf);
    return jwt.sign(await importJWK(privateJwk, 'ES256'));
  }

  async function refused(token: string, reason: RegExp): Promise<void> {
    const attempt = verifier.verify(`Bearer ${token}`);
    await expect(attempt).rejects.toBeInstanceOf(AuthenticationError);
    await expect(attempt).rejects.toThrow(reason);
  }

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'auth-attacks-'));
    issuer = await devIssuer(directory);
    privateJwk = JSON.parse(readFileSync(join(directory, 'private.jwk.json'), 'utf8')) as JWK & { kid: string };
    publicJwk = (JSON.parse(readFileSync(join(directory, 'jwks.json'), 'utf8')) as { keys: (JWK & { kid: string })[] }).keys[0]!;
    verifier = new TokenVerifier({ jwksUrl: issuer.jwksUrl, issuer: DEV_ISSUER, audience: DEV_AUDIENCE });
    genuine = await issuer.issue({ organisationId: 'ph-dmw-registry', kind: 'agency' });
  });

  beforeEach(async () => {
    // The genuine token is verified (and remembered) before every attack.
    await expect(verifier.verify(`Bearer ${genuine}`)).resolves.toMatchObject({ organisationId: 'ph-dmw-registry' });
  });

  it('refuses an expired token (past the 30 s of clock skew allowed)', async () => {
    const now = Math.floor(Date.now() / 1000);
    await refused(await signed({ iat: now - 7200, exp: now - 60 }), /expired/);
  });

  it('refuses a token that is not yet valid (nbf in the future)', async () => {
    const now = Math.floor(Date.now() / 1000);
    await refused(await signed({ nbf: now + 600 }), /nbf claim is not accepted/);
  });

  it('refuses a token for another audience', async () => {
    await refused(await signed({ aud: 'another-api' }), /aud claim is not accepted/);
  });

  it('refuses a token from another issuer, even signed with a key of the JWKS', async () => {
    await refused(await signed({ iss: 'https://evil.example/realms/homeward' }), /iss claim is not accepted/);
  });

  it('refuses a token without an expiry', async () => {
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'ES256', kid: privateJwk.kid })
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setIssuedAt()
      .sign(await importJWK(privateJwk, 'ES256'));
    await refused(token, /exp claim is not accepted|not valid/);
  });

  it("refuses an unsecured token (alg: none), the genuine token's own claims with the signature dropped", async () => {
    const [, payload] = genuine.split('.');
    await refused(`${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`, /not valid/);
    await refused(`${b64({ alg: 'none', typ: 'JWT', kid: privateJwk.kid })}.${payload}.`, /not valid/);
    await refused(`${b64({ alg: 'NONE' })}.${payload}.`, /not valid/);
  });

  it('refuses HS256 signed with the public key as the HMAC secret (algorithm confusion)', async () => {
    const payload = b64(claims({ iss: DEV_ISSUER, aud: DEV_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 3600 }));
    // Every spelling of the public key an attacker might use as the secret.
    const secrets = [JSON.stringify(publicJwk), readFileSync(join(directory, 'jwks.json'), 'utf8'), `${publicJwk.x}${publicJwk.y}`];
    for (const secret of secrets) {
      const header = b64({ alg: 'HS256', typ: 'JWT', kid: publicJwk.kid });
      const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
      await refused(`${header}.${payload}.${signature}`, /not valid/);
    }
  });

  it('refuses a token signed by a key not in the JWKS — under an unknown kid, under the known kid, and with no kid', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const forge = (header: { alg: string; kid?: string }) =>
      new SignJWT(claims())
        .setProtectedHeader(header)
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey);
    await refused(await forge({ alg: 'ES256', kid: 'not-in-the-jwks' }), /not valid/);
    await refused(await forge({ alg: 'ES256', kid: privateJwk.kid }), /not valid/);
    await refused(await forge({ alg: 'ES256' }), /not valid/);
  });

  it("refuses the genuine token's signature on other claims (the memory is keyed by the whole token)", async () => {
    const [header, payload, signature] = genuine.split('.') as [string, string, string];
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString()) as JWTPayload;
    const widened = b64({ ...decoded, [Claims.scope]: 'workers:read workers:write personal-data:read skills:certify' });
    await refused(`${header}.${widened}.${signature}`, /not valid/);
    // The same token with trailing characters, whitespace inside, or a changed signature is another string, verified on its own.
    await refused(`${genuine}x`, /not valid/);
    // The signature's last but one character changed (its last carries padding bits a decoder may ignore). Not
    // "end it in AA": one ES256 signature in 256 already ends so, and that token was the genuine one.
    const other = signature.at(-2) === 'A' ? 'B' : 'A';
    await refused(`${header}.${payload}.${signature.slice(0, -2)}${other}${signature.at(-1)}`, /not valid/);
  });

  it('never answers from memory past the expiry of the token remembered, however long the memory', async () => {
    let now = Date.now();
    const remembering = new TokenVerifier({
      jwksUrl: issuer.jwksUrl,
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
      rememberForMs: 3_600_000,
      now: () => now,
    });
    const short = await issuer.issue({ organisationId: 'ph-dmw-registry', kind: 'agency', ttl: 20 });
    await remembering.verify(`Bearer ${short}`);
    now += 10_000;
    await expect(remembering.verify(`Bearer ${short}`)).resolves.toMatchObject({ organisationId: 'ph-dmw-registry' });
    // Past its expiry and the verification's 30 s of skew: refused, though the memory would keep tokens an hour.
    now += 41_000;
    await expect(remembering.verify(`Bearer ${short}`)).rejects.toThrow(/expired/);
  });

  it('forgets nothing it should not: a refused token is never remembered', async () => {
    const now = Math.floor(Date.now() / 1000);
    const notYet = await signed({ nbf: now + 600 });
    await refused(notYet, /nbf/);
    await refused(notYet, /nbf/);
  });
});
