import { randomBytes } from 'node:crypto';
import {
  createTestDatabase,
  eventually,
  infrastructure,
  testIssuer,
  testTopicNamespace,
  type TestDatabase,
  testDirectoryKey,
} from '@homeward/testing/infrastructure';
import type { DevTokenClaims } from '@homeward/auth/dev-issuer';
import { loadRegistrationConfig } from '../src/registration.config';
import { startRegistration, type RegistrationRuntime, type RegistrationSeams } from '../src/registration.app';
import { RELAY_ADMIN_SCOPE } from '@homeward/command-handling/relay-admin';

/** The registration service as it runs, on the real PostgreSQL and Kafka, with principals of every kind. */
export interface RegistrationHarness {
  readonly db: TestDatabase;
  readonly runtime: RegistrationRuntime;
  readonly tokens: { agency: string; missionSA: string; missionAE: string; statistics: string; foreign: string; relayAdmin: string };
  /** A token of any other principal, from the issuer the service trusts. */
  issue(claims: DevTokenClaims): Promise<string>;
  call(
    method: 'GET' | 'POST',
    url: string,
    payload?: unknown,
    token?: string | null,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Record<string, unknown>; body: Record<string, any> | undefined }>;
  /** Resolves once the relay has published everything committed so far (its backlog is empty). */
  published(): Promise<void>;
  /** Rows a command may write: events, data keys and idempotency records. */
  counts(): Promise<{ events: number; dataKeys: number; idempotencyKeys: number }>;
  stop(): Promise<void>;
}

let people = 0;

/**
 * Maria Santos, born in 1990 — a different birth day and national id each time, so that registrations in
 * one test are different people to the registry's duplicate check (the same name, birth date or document
 * would rightly be flagged).
 */
export function aWorker() {
  const n = people++;
  const born = new Date(Date.UTC(1990, 0, 1) + (n % 365) * 86_400_000).toISOString().slice(0, 10);
  return {
    personalData: { givenName: 'Maria', familyName: 'Santos', dateOfBirth: born, nationalId: `PH-${process.pid}-${n}` },
    sex: 'F',
    originArea: 'PH-03',
    educationIsced: 3,
    languages: ['tl', 'en'],
  };
}
export const departure = {
  destinationCountry: 'SA',
  departedOn: '2023-02-01',
  employerName: 'Al Noor Household Services',
  occupationIsco: '9111',
  contractStart: '2023-02-05',
  contractEnd: '2025-02-04',
  recruitmentAgency: 'Manila Overseas Placement Inc.',
  channel: 'regular',
  recruitmentCost: { currency: 'PHP', amountMinor: 1500000 },
  monthlyWage: { currency: 'SAR', amountMinor: 150000 },
};
export const homecoming = { returnedOn: '2024-06-30', fromCountry: 'SA', assistance: 'assisted', reason: 'abuse_or_exploitation' };

/**
 * Registration's settings for a test on the shared PostgreSQL and Kafka: tokens of `issuer`, a fresh master
 * key, its own topics, 3 partitions, warnings only; `overrides` last (ROLES, LOG_LEVEL…).
 */
export function registrationTestSettings(
  databaseUrl: string,
  issuer: Awaited<ReturnType<typeof testIssuer>>,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    AUTH_JWKS_URL: issuer.jwksUrl,
    AUTH_ISSUER: issuer.issuer,
    AUTH_AUDIENCE: issuer.audience,
    PERSONAL_DATA_MASTER_KEY: randomBytes(32).toString('base64'),
    DIRECTORY_KEY: testDirectoryKey(),
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','),
    TOPIC_NAMESPACE: testTopicNamespace(),
    TOPIC_PARTITIONS: '3',
    LOG_LEVEL: 'warn',
    ...overrides,
  };
}

/**
 * `logLevel` quietens a test that is refused thousands of times on purpose (each refusal is logged at warn);
 * `seams` replace parts of the service (the relay's mapper) in tests of what happens when they fail;
 * `issuer` is the identity provider whose tokens the service trusts (a new one otherwise), for tests that
 * run several services with one set of tokens.
 */
export async function startHarness(
  label: string,
  options: { logLevel?: string; seams?: RegistrationSeams; issuer?: Awaited<ReturnType<typeof testIssuer>> } = {},
): Promise<RegistrationHarness> {
  const db = await createTestDatabase(label);
  const issuer = options.issuer ?? (await testIssuer());
  const impostor = await testIssuer();
  const tokens = {
    agency: await issuer.token({ organisationId: 'ph-dmw-registry', kind: 'agency' }),
    missionSA: await issuer.token({ organisationId: 'ph-embassy-riyadh', kind: 'mission', country: 'SA' }),
    missionAE: await issuer.token({ organisationId: 'ph-embassy-abu-dhabi', kind: 'mission', country: 'AE' }),
    statistics: await issuer.token({ organisationId: 'psa-statistics', kind: 'statistics' }),
    // Signed by a key the service does not trust.
    foreign: await impostor.token({ organisationId: 'ph-dmw-registry', kind: 'agency' }),
    // The registry's operators: they see the event relay's quarantine and release streams from it.
    relayAdmin: await issuer.token({ organisationId: 'ph-dmw-registry', kind: 'agency', scopes: [RELAY_ADMIN_SCOPE] }),
  };
  const runtime = await startRegistration(
    loadRegistrationConfig(registrationTestSettings(db.url, issuer, { LOG_LEVEL: options.logLevel ?? 'warn' })),
    undefined,
    options.seams ?? {},
  );
  return {
    db,
    runtime,
    tokens,
    issue: (claims) => issuer.token(claims),
    async call(method, url, payload, token = tokens.agency, extra = {}) {
      const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra };
      const response = await runtime.app.inject({
        method,
        url,
        headers: typeof payload === 'string' ? { 'content-type': 'application/json', ...headers } : headers,
        ...(payload === undefined ? {} : { payload: payload as string | object }),
      });
      return {
        status: response.statusCode,
        headers: response.headers,
        body: response.body ? (JSON.parse(response.body) as Record<string, any>) : undefined,
      };
    },
    async published() {
      await eventually(
        () => runtime.relay.backlog(),
        (b) => b.events === 0,
      );
    },
    async counts() {
      const { rows } = await db.pool.query(
        `SELECT (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM data_keys)::int AS "dataKeys",
                (SELECT count(*) FROM idempotency_keys)::int AS "idempotencyKeys"`,
      );
      return rows[0] as { events: number; dataKeys: number; idempotencyKeys: number };
    },
    async stop() {
      await runtime.stop();
      await db.drop();
    },
  };
}
