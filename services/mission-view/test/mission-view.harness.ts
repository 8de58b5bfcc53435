import type { Pool } from 'pg';
import { createTestDatabase, infrastructure, type TestDatabase } from '@homeward/testing/infrastructure';
import { loadMissionViewConfig } from '../src/mission-view.config';
import { startMissionView, type MissionViewRuntime } from '../src/mission-view.app';

export interface Issuer {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
}

export interface ViewCall {
  (
    method: 'GET' | 'POST',
    url: string,
    token?: string | null,
  ): Promise<{ status: number; headers: Record<string, unknown>; body: any; text: string }>;
}

/** One running mission view on its own test database, reading the registration topic of `topicNamespace`. */
export interface MissionViewHarness {
  readonly db: TestDatabase;
  readonly runtime: MissionViewRuntime;
  readonly call: ViewCall;
  stop(): Promise<void>;
}

export function callerOf(runtime: { app: MissionViewRuntime['app'] }): ViewCall {
  return async (method, url, token) => {
    const response = await runtime.app.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {} });
    const text = response.body;
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: response.statusCode, headers: response.headers, body, text };
  };
}

export async function startMissionViewHarness(
  country: string,
  topicNamespace: string,
  issuer: Issuer,
  options: { logLevel?: string } = {},
): Promise<MissionViewHarness> {
  const db = await createTestDatabase(`mission_view_${country}`);
  const runtime = await startMissionView(
    loadMissionViewConfig({
      MISSION_COUNTRY: country,
      DATABASE_URL: db.url,
      KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','),
      TOPIC_NAMESPACE: topicNamespace,
      TOPIC_PARTITIONS: '3',
      AUTH_JWKS_URL: issuer.jwksUrl,
      AUTH_ISSUER: issuer.issuer,
      AUTH_AUDIENCE: issuer.audience,
      PROJECTION_POLL_MS: '100',
      LOG_LEVEL: options.logLevel ?? 'warn',
    }),
  );
  return {
    db,
    runtime,
    call: callerOf(runtime),
    async stop() {
      await runtime.stop();
      await db.drop();
    },
  };
}

/** The topic namespace a registration runtime publishes under ("t.ab_cd." of "t.ab_cd.homeward.registration.events.v1"). */
export const namespaceOf = (registrationTopic: string): string => registrationTopic.replace(/homeward\.registration\.events\.v1$/, '');

/** Rows, in every table of the schema, whose text contains `needle`: proof that a view holds nothing of it. */
export async function rowsContaining(pool: Pool, schema: string, needle: string): Promise<Record<string, number>> {
  const { rows: tables } = await pool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'`,
    [schema],
  );
  const found: Record<string, number> = {};
  for (const { table_name } of tables) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${schema}"."${table_name}" t WHERE t::text ILIKE '%' || $1 || '%'`,
      [needle],
    );
    if (rows[0]!.n > 0) found[table_name] = rows[0]!.n;
  }
  return found;
}
