import { randomBytes } from 'node:crypto';
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
import { loadEmergencyFundConfig, type EmergencyFundConfig } from '../src/emergency-fund.config';
import { startEmergencyFund, type EmergencyFundRuntime } from '../src/emergency-fund.app';

/** The principals of the access tests: two fund officers, missions of two countries, statistics, an employer. */
export const PRINCIPALS = ['officerA', 'officerB', 'missionSA', 'missionAE', 'statistics', 'employer'] as const;
export type PrincipalName = (typeof PRINCIPALS)[number];

export const OFFICER_SCOPES = [
  Scopes.fundPolicies,
  Scopes.fundClaims,
  Scopes.fundDecide,
  Scopes.fundHumanitarian,
  Scopes.fundDisburse,
  Scopes.fundRead,
  Scopes.fundCaseNotes,
];
const ALL = OFFICER_SCOPES;

type Tokens = Record<PrincipalName | 'relayAdmin' | 'clerk', string>;

export interface FundHarness {
  readonly db: TestDatabase;
  readonly runtime: EmergencyFundRuntime;
  readonly config: EmergencyFundConfig;
  readonly tokens: Tokens;
  issue(claims: DevTokenClaims): Promise<string>;
  call(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    payload?: unknown,
    token?: string | null,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Record<string, unknown>; body: Record<string, any> | undefined; text: string }>;
  published(): Promise<void>;
  /** Rows a command may write: events, idempotency records, claims, ledger transfers. */
  /** Rows of every table a command writes: a refusal leaves them all as they were. */
  counts(): Promise<{
    events: number;
    idempotencyKeys: number;
    claims: number;
    policies: number;
    accounts: number;
    transfers: number;
    paymentsSent: number;
    providerPayments: number;
  }>;
  /** What registration's topic would have told the consumer (worker_cycles). */
  knowCycle(
    workerId: string,
    cycle: { cycleNumber: number; destinationCountry: string; departedOn?: string; returnedOn?: string },
  ): Promise<void>;
  stop(): Promise<void>;
}

export async function startFundHarness(
  label: string,
  options: { logLevel?: string; clock?: () => Date; env?: Record<string, string>; issuer?: Awaited<ReturnType<typeof testIssuer>> } = {},
): Promise<FundHarness> {
  const db = await createTestDatabase(label);
  // A shared issuer (the contract fuzzing's, say) makes one token valid for every service of a run.
  const issuer = options.issuer ?? (await testIssuer());
  const tokens: Tokens = {
    officerA: await issuer.token({ organisationId: 'ph-owwa', kind: 'agency', subject: 'officer-a', scopes: ALL }),
    officerB: await issuer.token({ organisationId: 'ph-owwa', kind: 'agency', subject: 'officer-b', scopes: ALL }),
    // An agency clerk: files claims and reads, decides nothing, never reads case notes.
    clerk: await issuer.token({
      organisationId: 'ph-owwa',
      kind: 'agency',
      subject: 'clerk',
      scopes: [Scopes.fundClaims, Scopes.fundRead],
    }),
    missionSA: await issuer.token({ organisationId: 'ph-embassy-riyadh', kind: 'mission', country: 'SA', scopes: ALL }),
    missionAE: await issuer.token({ organisationId: 'ph-embassy-abu-dhabi', kind: 'mission', country: 'AE', scopes: ALL }),
    statistics: await issuer.token({ organisationId: 'psa-statistics', kind: 'statistics', scopes: ALL }),
    employer: await issuer.token({ organisationId: 'ph-employer-x', kind: 'employer', scopes: ALL }),
    relayAdmin: await issuer.token({ organisationId: 'ph-owwa', kind: 'agency', scopes: [RELAY_ADMIN_SCOPE] }),
  };
  const config = loadEmergencyFundConfig({
    AUTH_JWKS_URL: issuer.jwksUrl,
    AUTH_ISSUER: issuer.issuer,
    AUTH_AUDIENCE: issuer.audience,
    DATABASE_URL: db.url,
    KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','),
    TOPIC_NAMESPACE: testTopicNamespace(),
    TOPIC_PARTITIONS: '3',
    LOG_LEVEL: options.logLevel ?? 'warn',
    PERSONAL_DATA_MASTER_KEY: randomBytes(32).toString('base64'),
    ...options.env,
  });
  const runtime = await startEmergencyFund(config, options.clock);
  return {
    db,
    runtime,
    config,
    tokens,
    issue: (claims) => issuer.token(claims),
    async call(method, url, payload, token = tokens.officerA, extra = {}) {
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
        90_000,
      );
    },
    async counts() {
      const { rows } = await db.pool.query(
        `SELECT (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM idempotency_keys)::int AS "idempotencyKeys",
                (SELECT count(*) FROM claims)::int AS claims, (SELECT count(*) FROM fund_policies)::int AS policies,
                (SELECT count(*) FROM ledger_accounts)::int AS accounts, (SELECT count(*) FROM ledger_transfers)::int AS transfers,
                (SELECT count(*) FROM payments_outgoing)::int AS "paymentsSent",
                (SELECT count(*) FROM local_provider_payments)::int AS "providerPayments"`,
      );
      return rows[0];
    },
    async knowCycle(workerId, c) {
      await db.pool.query(
        `INSERT INTO worker_cycles (worker_id, cycle_number, destination_country, departed_on, returned_on) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (worker_id, cycle_number) DO UPDATE SET destination_country = EXCLUDED.destination_country,
           departed_on = EXCLUDED.departed_on, returned_on = EXCLUDED.returned_on`,
        [workerId, c.cycleNumber, c.destinationCountry, c.departedOn ?? null, c.returnedOn ?? null],
      );
    },
    async stop() {
      await runtime.stop();
      await db.drop();
    },
  };
}
