import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { Claims, Scopes, type OrganisationKind } from './auth';

/**
 * The development issuer: a signing key kept on local disk, its public JWKS beside it, and tokens
 * signed with it. For local use and tests only; deployments point AUTH_JWKS_URL at a real identity
 * provider (e.g. Keycloak's …/protocol/openid-connect/certs) instead.
 */
export const DEV_ISSUER = 'homeward-dev-issuer';
export const DEV_AUDIENCE = 'homeward';

/** The scopes a kind of organisation gets from the development issuer by default. */
export const defaultScopes: Record<OrganisationKind, readonly string[]> = {
  agency: [Scopes.workersRead, Scopes.workersWrite, Scopes.personalDataRead],
  mission: [Scopes.workersRead, Scopes.workersWriteAbroad, Scopes.personalDataRead],
  statistics: [Scopes.aggregatesRead, Scopes.workersRead],
  employer: [Scopes.employmentVacancies, Scopes.employmentReferrals, Scopes.employmentRead],
};

export interface DevIssuer {
  readonly jwksUrl: string;
  issue(claims: DevTokenClaims): Promise<string>;
}

export interface DevTokenClaims {
  readonly organisationId: string;
  readonly kind: OrganisationKind;
  readonly country?: string;
  readonly scopes?: readonly string[];
  readonly subject?: string;
  /** Seconds; one hour unless said otherwise. */
  readonly ttl?: number;
}

/** Loads the key pair from `directory`, creating it on first use. */
export async function devIssuer(directory: string): Promise<DevIssuer> {
  const privatePath = join(directory, 'private.jwk.json');
  const jwksPath = join(directory, 'jwks.json');
  if (!existsSync(privatePath) || !existsSync(jwksPath)) {
    mkdirSync(directory, { recursive: true });
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = `dev-${Date.now().toString(36)}`;
    writeFileSync(privatePath, JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: 'ES256' }), { mode: 0o600 });
    writeFileSync(jwksPath, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] }));
  }
  const jwk = JSON.parse(readFileSync(privatePath, 'utf8')) as JWK & { kid: string };
  const key = await importJWK(jwk, 'ES256');
  return {
    jwksUrl: pathToFileURL(jwksPath).toString(),
    async issue(claims) {
      return new SignJWT({
        [Claims.organisation]: claims.organisationId,
        [Claims.kind]: claims.kind,
        ...(claims.country ? { [Claims.country]: claims.country } : {}),
        [Claims.scope]: (claims.scopes ?? defaultScopes[claims.kind]).join(' '),
      })
        .setProtectedHeader({ alg: 'ES256', kid: jwk.kid })
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setSubject(claims.subject ?? `${claims.organisationId}-client`)
        .setIssuedAt()
        .setExpirationTime(`${claims.ttl ?? 3600}s`)
        .sign(key);
    },
  };
}
