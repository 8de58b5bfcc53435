import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthenticationError, expandScopes, Scopes, TokenVerifier } from '@homeward/auth';
import { DEV_AUDIENCE, DEV_ISSUER, devIssuer, type DevIssuer } from '@homeward/auth/dev-issuer';

describe('TokenVerifier against the development issuer', () => {
  let issuer: DevIssuer;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    issuer = await devIssuer(mkdtempSync(join(tmpdir(), 'auth-test-')));
    verifier = new TokenVerifier({ jwksUrl: issuer.jwksUrl, issuer: DEV_ISSUER, audience: DEV_AUDIENCE });
  });

  it("turns a mission's token into a principal with its country and scopes", async () => {
    const token = await issuer.issue({ organisationId: 'ph-embassy-riyadh', kind: 'mission', country: 'SA' });
    const principal = await verifier.verify(`Bearer ${token}`);
    expect(principal).toMatchObject({
      organisationId: 'ph-embassy-riyadh',
      kind: 'mission',
      country: 'SA',
      subject: 'ph-embassy-riyadh-client',
    });
    expect([...principal.scopes].sort()).toEqual(['personal-data:read', 'workers:read', 'workers:write-abroad']);
  });

  it('reuses the key pair it created on first use', async () => {
    const again = await devIssuer(join(issuer.jwksUrl.replace('file://', ''), '..'));
    const token = await again.issue({ organisationId: 'a', kind: 'agency' });
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ kind: 'agency' });
  });

  const refusals: [string, () => Promise<string | undefined>, RegExp][] = [
    ['no header', async () => undefined, /bearer token is required/],
    ['not a bearer header', async () => 'Basic abc', /bearer token is required/],
    ['garbage', async () => 'Bearer abc.def.ghi', /not valid/],
    ['an expired token', async () => `Bearer ${await issuer.issue({ organisationId: 'a', kind: 'agency', ttl: -120 })}`, /expired/],
    [
      'a mission without a country',
      async () => `Bearer ${await issuer.issue({ organisationId: 'm', kind: 'mission' })}`,
      /must name its country/,
    ],
    [
      'a token signed by another key',
      async () => `Bearer ${await (await devIssuer(mkdtempSync(join(tmpdir(), 'other-')))).issue({ organisationId: 'a', kind: 'agency' })}`,
      /not valid/,
    ],
  ];

  it.each(refusals)('refuses %s', async (_name, header, reason) => {
    const attempt = verifier.verify(await header());
    await expect(attempt).rejects.toBeInstanceOf(AuthenticationError);
    await expect(attempt).rejects.toThrow(reason);
  });

  it('refuses a token for another audience', async () => {
    const other = new TokenVerifier({ jwksUrl: issuer.jwksUrl, issuer: DEV_ISSUER, audience: 'someone-else' });
    const token = await issuer.issue({ organisationId: 'a', kind: 'agency' });
    await expect(other.verify(`Bearer ${token}`)).rejects.toThrow(/aud claim/);
  });

  it('remembers a verified token for a while, never past its expiry', async () => {
    let now = Date.now();
    const remembering = new TokenVerifier({ jwksUrl: issuer.jwksUrl, issuer: DEV_ISSUER, audience: DEV_AUDIENCE, now: () => now });
    const token = await issuer.issue({ organisationId: 'a', kind: 'agency', ttl: 120 });
    const first = await remembering.verify(`Bearer ${token}`);
    now += 50_000;
    expect(await remembering.verify(`Bearer ${token}`)).toBe(first);
    // Past the memory's 60 s the token is verified again, and past its expiry (plus 30 s skew) refused.
    now += 120_000;
    await expect(remembering.verify(`Bearer ${token}`)).rejects.toThrow(/expired/);
    // A token with a changed signature is another string: verified on its own, and refused.
    const tampered = `${token.slice(0, -4)}AAAA`;
    await expect(remembering.verify(`Bearer ${tampered}`)).rejects.toThrow(/not valid/);
  });
});

describe('the scopes every service knows', () => {
  it('holds the fund’s with the others, and expands "fund:*" to all of them for the dev-token CLI', () => {
    expect(Scopes.fundCaseNotes).toBe('fund:case-notes');
    expect(expandScopes(['fund:*', 'workers:read'])).toEqual({
      scopes: [
        'fund:policies',
        'fund:claims',
        'fund:decide',
        'fund:humanitarian',
        'fund:disburse',
        'fund:read',
        'fund:case-notes',
        'workers:read',
      ],
      unknown: [],
    });
    expect(expandScopes(['fund:reed', 'nothing:*']).unknown).toEqual(['fund:reed', 'nothing:*']);
  });
});
