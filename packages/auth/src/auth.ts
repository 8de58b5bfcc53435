import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JSONWebKeySet } from 'jose';

/**
 * Who is calling. Every Homeward API call carries a bearer JWT (OAuth2 client credentials) whose claims
 * name the organisation, its kind and, for a mission, the destination country it serves.
 */
export type OrganisationKind = 'agency' | 'mission' | 'statistics' | 'employer';

export interface Principal {
  /** The token's subject: the client or user that acts. */
  readonly subject: string;
  readonly organisationId: string;
  readonly kind: OrganisationKind;
  /** ISO 3166-1 alpha-2; present for missions, the country they serve. */
  readonly country?: string;
  readonly scopes: ReadonlySet<string>;
}

/** What each scope lets a principal do. Scopes are granted by the identity provider, per client. */
export const Scopes = {
  workersRead: 'workers:read',
  workersWrite: 'workers:write',
  /** Missions: post arrival, employment, incident, departure-for-home and return events in their country. */
  workersWriteAbroad: 'workers:write-abroad',
  personalDataRead: 'personal-data:read',
  aggregatesRead: 'aggregates:read',
  /** The skills authority: publish and revise competency standards. */
  skillsStandards: 'skills:standards',
  /** Register assessment centres and accredit assessors. */
  skillsCentres: 'skills:centres',
  /** Record counselling, evidence, assessments and gap training on a candidate's case. */
  skillsAssess: 'skills:assess',
  /** Issue, suspend, reinstate and revoke certificates. */
  skillsCertify: 'skills:certify',
  /** Employers and the employment office: post, close and withdraw vacancies. */
  employmentVacancies: 'employment:vacancies',
  /** The employment office: refer job seekers; employers and the office: record interviews, hires, ends of placements. */
  employmentReferrals: 'employment:referrals',
  /** The employment office: register job seekers, set their preferences, record their leaving. */
  employmentSeekers: 'employment:seekers',
  /** Read vacancies, job seekers and referrals (an employer only its own vacancies and their referrals). */
  employmentRead: 'employment:read',
  /** The emergency fund: publish policy versions. */
  fundPolicies: 'fund:policies',
  /** File claims (agency officers, missions, a family's or worker's portal client), attach documents, add case notes. */
  fundClaims: 'fund:claims',
  /** Assess, approve, reject, decide appeals: the fund's officers. */
  fundDecide: 'fund:decide',
  /** Assess a claim on humanitarian grounds when coverage lapsed: a distinct, audited power (with fund:decide). */
  fundHumanitarian: 'fund:humanitarian',
  /** Pay approved claims, reconcile, record contributions and budget allocations. */
  fundDisburse: 'fund:disburse',
  /** Read claims, policies, the ledger. */
  fundRead: 'fund:read',
  /** Read the sealed case notes about abuse (agencies only); every read is audited. */
  fundCaseNotes: 'fund:case-notes',
} as const;

/** Every scope a Homeward service knows. */
export const ALL_SCOPES: readonly string[] = Object.values(Scopes);

/**
 * Scopes as a command line names them: each as is, or `<prefix>:*` for every known scope of a service
 * (`fund:*` → fund:policies … fund:case-notes). Answers the scopes and those no service knows (typos).
 */
export function expandScopes(requested: readonly string[]): { scopes: string[]; unknown: string[] } {
  const scopes: string[] = [];
  const unknown: string[] = [];
  for (const scope of requested) {
    if (scope.endsWith(':*')) {
      const all = ALL_SCOPES.filter((s) => s.startsWith(scope.slice(0, -1)));
      if (all.length === 0) unknown.push(scope);
      scopes.push(...all);
    } else {
      if (!ALL_SCOPES.includes(scope)) unknown.push(scope);
      scopes.push(scope);
    }
  }
  return { scopes: [...new Set(scopes)], unknown };
}

/** Claim names; a real identity provider (Keycloak: protocol mappers) emits them. */
export const Claims = {
  organisation: 'homeward_org',
  kind: 'homeward_kind',
  country: 'homeward_country',
  scope: 'scope',
} as const;

const KINDS: readonly OrganisationKind[] = ['agency', 'mission', 'statistics', 'employer'];

export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';
}

export interface TokenVerifierOptions {
  /** https://… of the identity provider's JWKS, or file://… of a local one (the development issuer). */
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  /**
   * How long a verified token's principal is remembered (default 60 s, 0 to verify every request). A
   * signature check costs ~150 µs of CPU and a service sees the same client's token on request after
   * request. A remembered token is never used past its own expiry; a key withdrawn from the JWKS stops
   * being honoured after this long at the latest.
   */
  readonly rememberForMs?: number;
  /** How many verified tokens are remembered (default 10,000; the oldest are forgotten first). */
  readonly rememberAtMost?: number;
  readonly now?: () => number;
}

type KeyResolver = Parameters<typeof jwtVerify>[1];

/** Verifies bearer tokens against a JWKS and turns their claims into a Principal. */
export class TokenVerifier {
  private readonly keys: KeyResolver;
  private readonly remembered = new Map<string, { principal: Principal; until: number }>();

  constructor(private readonly options: TokenVerifierOptions) {
    const url = new URL(options.jwksUrl);
    this.keys =
      url.protocol === 'file:'
        ? (createLocalJWKSet(JSON.parse(readFileSync(fileURLToPath(url), 'utf8')) as JSONWebKeySet) as KeyResolver)
        : (createRemoteJWKSet(url, { cooldownDuration: 30_000, cacheMaxAge: 600_000 }) as KeyResolver);
  }

  async verify(authorization: string | undefined): Promise<Principal> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) throw new AuthenticationError('a bearer token is required (Authorization: Bearer <JWT>)');
    const token = match[1]!;
    const now = (this.options.now ?? Date.now)();
    const known = this.remembered.get(token);
    if (known && known.until > now) return known.principal;
    if (known) this.remembered.delete(token);
    const principal = await this.verifyToken(token, now);
    this.remember(token, principal.expiresAt, now, principal.principal);
    return principal.principal;
  }

  private remember(token: string, expiresAt: number | undefined, now: number, principal: Principal): void {
    const forMs = this.options.rememberForMs ?? 60_000;
    if (forMs <= 0) return;
    const until = Math.min(now + forMs, expiresAt ?? now + forMs);
    if (until <= now) return;
    if (this.remembered.size >= (this.options.rememberAtMost ?? 10_000)) this.remembered.delete(this.remembered.keys().next().value!);
    this.remembered.set(token, { principal, until });
  }

  private async verifyToken(token: string, now: number): Promise<{ principal: Principal; expiresAt: number | undefined }> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        // Asymmetric algorithms only: never `none`, never an HMAC keyed by a public key.
        algorithms: ['ES256', 'RS256', 'PS256', 'EdDSA'],
        // A token without an expiry would be valid for ever.
        requiredClaims: ['exp'],
        clockTolerance: 30,
        currentDate: new Date(now),
      }));
    } catch (error) {
      const reason =
        error instanceof joseErrors.JWTExpired
          ? 'the token has expired'
          : error instanceof joseErrors.JWTClaimValidationFailed
            ? `the token's ${error.claim} claim is not accepted`
            : 'the token is not valid';
      throw new AuthenticationError(reason);
    }
    // Not a moment past the token's own expiry (the verification allowed 30 s of clock skew; the cache does not).
    return { principal: principalFromClaims(payload), expiresAt: payload.exp === undefined ? undefined : payload.exp * 1000 };
  }
}

export function principalFromClaims(payload: JWTPayload): Principal {
  const kind = payload[Claims.kind];
  const organisationId = payload[Claims.organisation];
  const country = payload[Claims.country];
  if (typeof kind !== 'string' || !KINDS.includes(kind as OrganisationKind)) {
    throw new AuthenticationError(`the token's ${Claims.kind} claim must be one of ${KINDS.join(', ')}`);
  }
  if (typeof organisationId !== 'string' || organisationId === '')
    throw new AuthenticationError(`the token has no ${Claims.organisation} claim`);
  if (kind === 'mission' && (typeof country !== 'string' || !/^[A-Z]{2}$/.test(country))) {
    throw new AuthenticationError(`a mission's token must name its country (${Claims.country}, ISO 3166-1 alpha-2)`);
  }
  const scope = payload[Claims.scope];
  return {
    subject: payload.sub ?? organisationId,
    organisationId,
    kind: kind as OrganisationKind,
    ...(typeof country === 'string' && country !== '' ? { country } : {}),
    scopes: new Set(typeof scope === 'string' ? scope.split(' ').filter(Boolean) : []),
  };
}
