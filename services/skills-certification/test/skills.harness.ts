import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Scopes } from '@homeward/auth';
import { generateSeed } from '@homeward/credentials';
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
import { loadSkillsCertificationConfig, type SkillsCertificationConfig } from '../src/skills-certification.config';
import { startSkillsCertification, type SkillsCertificationRuntime, type SkillsCertificationSeams } from '../src/skills-certification.app';

type Tokens = {
  /** The skills authority: every skills scope. */
  authority: string;
  /** An agency that may only read (workers:read). */
  reader: string;
  standards: string;
  centres: string;
  assessor: string;
  certifier: string;
  missionSA: string;
  statistics: string;
  foreign: string;
  relayAdmin: string;
};

/** The skills-certification service as it runs, on the real PostgreSQL and Kafka, with principals of every kind. */
export interface SkillsHarness {
  readonly db: TestDatabase;
  readonly runtime: SkillsCertificationRuntime;
  readonly config: SkillsCertificationConfig;
  readonly tokens: Tokens;
  readonly objectStoreDir: string;
  issue(claims: DevTokenClaims): Promise<string>;
  call(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    payload?: unknown,
    token?: string | null,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Record<string, unknown>; body: Record<string, any> | undefined; text: string }>;
  /** Resolves once the relay has published everything committed so far. */
  published(): Promise<void>;
  /** Rows a command may write: events, data keys, idempotency records, certificates, status entries. */
  counts(): Promise<{ events: number; dataKeys: number; idempotencyKeys: number; certificates: number; statusEntries: number }>;
  stop(): Promise<void>;
}

export async function startSkillsHarness(
  label: string,
  options: {
    logLevel?: string;
    seams?: SkillsCertificationSeams;
    issuer?: Awaited<ReturnType<typeof testIssuer>>;
    env?: Record<string, string>;
    clock?: () => Date;
  } = {},
): Promise<SkillsHarness> {
  const db = await createTestDatabase(label);
  const issuer = options.issuer ?? (await testIssuer());
  const impostor = await testIssuer();
  const org = 'ph-tesda';
  const tokens: Tokens = {
    authority: await issuer.token({
      organisationId: org,
      kind: 'agency',
      scopes: [Scopes.workersRead, Scopes.skillsStandards, Scopes.skillsCentres, Scopes.skillsAssess, Scopes.skillsCertify],
    }),
    reader: await issuer.token({ organisationId: 'ph-dmw-registry', kind: 'agency', scopes: [Scopes.workersRead] }),
    standards: await issuer.token({ organisationId: org, kind: 'agency', scopes: [Scopes.skillsStandards] }),
    centres: await issuer.token({ organisationId: org, kind: 'agency', scopes: [Scopes.skillsCentres] }),
    assessor: await issuer.token({ organisationId: 'ph-centre-manila', kind: 'agency', scopes: [Scopes.skillsAssess] }),
    certifier: await issuer.token({ organisationId: org, kind: 'agency', scopes: [Scopes.skillsCertify] }),
    missionSA: await issuer.token({
      organisationId: 'ph-embassy-riyadh',
      kind: 'mission',
      country: 'SA',
      scopes: [Scopes.workersRead, Scopes.workersWriteAbroad, Scopes.skillsAssess, Scopes.skillsCertify],
    }),
    statistics: await issuer.token({ organisationId: 'psa-statistics', kind: 'statistics' }),
    foreign: await impostor.token({ organisationId: org, kind: 'agency', scopes: [Scopes.skillsCertify] }),
    relayAdmin: await issuer.token({ organisationId: org, kind: 'agency', scopes: [RELAY_ADMIN_SCOPE] }),
  };
  const objectStoreDir = await mkdtemp(join(tmpdir(), 'skills-evidence-'));
  const config = loadSkillsCertificationConfig({
    AUTH_JWKS_URL: issuer.jwksUrl,
    AUTH_ISSUER: issuer.issuer,
    AUTH_AUDIENCE: issuer.audience,
    PERSONAL_DATA_MASTER_KEY: randomBytes(32).toString('base64'),
    VERIFICATION_SECRET: randomBytes(32).toString('base64'),
    OBJECT_STORE_DIR: objectStoreDir,
    PUBLIC_BASE_URL: 'https://skills.homeward.test',
    CREDENTIALS_ISSUER_KEYS: `key-1:${generateSeed()}`,
    DATABASE_URL: db.url,
    KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','),
    TOPIC_NAMESPACE: testTopicNamespace(),
    TOPIC_PARTITIONS: '3',
    LOG_LEVEL: options.logLevel ?? 'warn',
    ...options.env,
  });
  const runtime = await startSkillsCertification(config, options.clock, options.seams ?? {});
  return {
    db,
    runtime,
    config,
    tokens,
    objectStoreDir,
    issue: (claims) => issuer.token(claims),
    async call(method, url, payload, token = tokens.authority, extra = {}) {
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
      );
    },
    async counts() {
      const { rows } = await db.pool.query(
        `SELECT (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM data_keys)::int AS "dataKeys",
                (SELECT count(*) FROM idempotency_keys)::int AS "idempotencyKeys",
                (SELECT count(*) FROM certificates)::int AS certificates,
                (SELECT count(*) FROM status_entries)::int AS "statusEntries"`,
      );
      return rows[0] as { events: number; dataKeys: number; idempotencyKeys: number; certificates: number; statusEntries: number };
    },
    async stop() {
      await runtime.stop();
      await db.drop();
      await rm(objectStoreDir, { recursive: true, force: true });
    },
  };
}
