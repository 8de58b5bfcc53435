import { Scopes } from '@homeward/auth';
import type { DevTokenClaims } from '@homeward/auth/dev-issuer';
import { RELAY_ADMIN_SCOPE } from '@homeward/command-handling/relay-admin';
import {
  createTestDatabase,
  eventually,
  infrastructure,
  testIssuer,
  testTopicNamespace,
  type TestDatabase,
} from '@homeward/testing/infrastructure';
import { loadEmploymentMatchingConfig, type EmploymentMatchingConfig } from '../src/employment-matching.config';
import { startEmploymentMatching, type EmploymentMatchingRuntime } from '../src/employment-matching.app';
import { FixedWeightsExplainer } from './fixed-weights.explainer';

/** The principals of the access tests: every kind that may call, and two employers. */
export const PRINCIPALS = ['agency', 'office', 'employerA', 'employerB', 'mission', 'statistics'] as const;
export type PrincipalName = (typeof PRINCIPALS)[number];

export const EMPLOYER_A = 'ph-employer-cebu-hotel';
export const EMPLOYER_B = 'ph-employer-manila-build';

type Tokens = Record<PrincipalName | 'relayAdmin' | 'foreign', string>;

/** The employment-matching service as it runs, on the real PostgreSQL and Kafka, with principals of every kind. */
export interface EmploymentHarness {
  readonly db: TestDatabase;
  readonly runtime: EmploymentMatchingRuntime;
  readonly config: EmploymentMatchingConfig;
  readonly tokens: Tokens;
  readonly explainer: FixedWeightsExplainer;
  issue(claims: DevTokenClaims): Promise<string>;
  call(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    payload?: unknown,
    token?: string | null,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Record<string, unknown>; body: Record<string, any> | undefined; text: string }>;
  published(): Promise<void>;
  /** Rows a command may write: events, idempotency records, the read tables. */
  counts(): Promise<{ events: number; idempotencyKeys: number; vacancies: number; referrals: number }>;
  /** What skills-certification's topic would have told the matching engine's consumer (known_standards). */
  knowStandard(standardId: string, unitCodes: readonly string[], withdrawn?: boolean): Promise<void>;
  /** What registration's topic would have told the consumer (known_workers): a worker of the registry. */
  knowWorker(workerId: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startEmploymentHarness(
  label: string,
  options: {
    logLevel?: string;
    clock?: () => Date;
    env?: Record<string, string>;
    issuer?: Awaited<ReturnType<typeof testIssuer>>;
    /** Score referrals with the real matching engine instead of the fixed weights of the write side's tests. */
    matchingEngine?: boolean;
  } = {},
): Promise<EmploymentHarness> {
  const db = await createTestDatabase(label);
  const issuer = options.issuer ?? (await testIssuer());
  const impostor = await testIssuer();
  const employment = [Scopes.employmentVacancies, Scopes.employmentReferrals, Scopes.employmentSeekers, Scopes.employmentRead];
  const employerScopes = [Scopes.employmentVacancies, Scopes.employmentReferrals, Scopes.employmentRead];
  const tokens: Tokens = {
    // An origin-country agency without the employment scopes (the registry office).
    agency: await issuer.token({ organisationId: 'ph-dmw-registry', kind: 'agency', scopes: [Scopes.workersRead, Scopes.workersWrite] }),
    office: await issuer.token({ organisationId: 'ph-peso', kind: 'agency', scopes: employment }),
    employerA: await issuer.token({ organisationId: EMPLOYER_A, kind: 'employer', scopes: employerScopes }),
    employerB: await issuer.token({ organisationId: EMPLOYER_B, kind: 'employer', scopes: employerScopes }),
    mission: await issuer.token({
      organisationId: 'ph-embassy-riyadh',
      kind: 'mission',
      country: 'SA',
      scopes: [...employment, Scopes.workersRead],
    }),
    statistics: await issuer.token({
      organisationId: 'psa-statistics',
      kind: 'statistics',
      scopes: [...employment, Scopes.aggregatesRead],
    }),
    relayAdmin: await issuer.token({ organisationId: 'ph-peso', kind: 'agency', scopes: [RELAY_ADMIN_SCOPE] }),
    foreign: await impostor.token({ organisationId: 'ph-peso', kind: 'agency', scopes: employment }),
  };
  const config = loadEmploymentMatchingConfig({
    AUTH_JWKS_URL: issuer.jwksUrl,
    AUTH_ISSUER: issuer.issuer,
    AUTH_AUDIENCE: issuer.audience,
    DATABASE_URL: db.url,
    KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','),
    TOPIC_NAMESPACE: testTopicNamespace(),
    TOPIC_PARTITIONS: '3',
    LOG_LEVEL: options.logLevel ?? 'warn',
    ...options.env,
  });
  const explainer = new FixedWeightsExplainer();
  const runtime = await startEmploymentMatching(config, options.clock, options.matchingEngine ? {} : { explainer: () => explainer });
  return {
    db,
    runtime,
    config,
    tokens,
    explainer,
    issue: (claims) => issuer.token(claims),
    async call(method, url, payload, token = tokens.office, extra = {}) {
      const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra };
      const response = await runtime.app.inject({
        method,
        url,
        headers,
        ...(payload === undefined ? {} : { payload: payload as string | object }),
      });
      const text = response.body;
      let body: Record<string, any> | undefined;
      try {
        body = text ? (JSON.parse(text) as Record<string, any>) : undefined;
      } catch {
        body = undefined;
      }
      return { status: response.statusCode, headers: response.headers, body, text };
    },
    async published() {
      await eventually(
        () => runtime.relay.backlog(),
        (b) => b.events === 0,
        // The relay reads only below the server's oldest running transaction (docs/adr/0003): on the shared
        // PostgreSQL another run's long transaction may hold it back a while.
        90_000,
      );
    },
    async counts() {
      const { rows } = await db.pool.query(
        `SELECT (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM idempotency_keys)::int AS "idempotencyKeys",
                (SELECT count(*) FROM vacancies)::int AS vacancies, (SELECT count(*) FROM referrals)::int AS referrals`,
      );
      return rows[0] as { events: number; idempotencyKeys: number; vacancies: number; referrals: number };
    },
    async knowStandard(standardId, unitCodes, withdrawn = false) {
      await db.pool.query(
        `INSERT INTO known_standards (standard_id, version, withdrawn, unit_codes) VALUES ($1, 1, $2, $3)
         ON CONFLICT (standard_id) DO UPDATE SET withdrawn = EXCLUDED.withdrawn, unit_codes = EXCLUDED.unit_codes`,
        [standardId, withdrawn, [...unitCodes]],
      );
    },
    async knowWorker(workerId) {
      await db.pool.query(`INSERT INTO known_workers (worker_id, registered_on) VALUES ($1, '2024-01-01') ON CONFLICT DO NOTHING`, [
        workerId,
      ]);
    },
    async stop() {
      await runtime.stop();
      await db.drop();
    },
  };
}
