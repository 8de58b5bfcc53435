import { createTestDatabase, infrastructure, testDirectoryKey, type TestDatabase } from '@homeward/testing/infrastructure';
import { callerOf, type Issuer, type ViewCall } from '@homeward/mission-view/test/harness';
import { loadAgencyViewConfig } from '../src/agency-view.config';
import { startAgencyView, type AgencyViewRuntime } from '../src/agency-view.app';

/** The agency view on its own test database, reading the Homeward topics of `topicNamespace`. */
export interface AgencyViewHarness {
  readonly db: TestDatabase;
  readonly runtime: AgencyViewRuntime;
  readonly call: ViewCall;
  stop(): Promise<void>;
}

export async function startAgencyViewHarness(
  topicNamespace: string,
  issuer: Issuer,
  options: { logLevel?: string } = {},
): Promise<AgencyViewHarness> {
  const db = await createTestDatabase('agency_view');
  const runtime = await startAgencyView(
    loadAgencyViewConfig({
      DATABASE_URL: db.url,
      KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','),
      TOPIC_NAMESPACE: topicNamespace,
      TOPIC_PARTITIONS: '3',
      AUTH_JWKS_URL: issuer.jwksUrl,
      AUTH_ISSUER: issuer.issuer,
      AUTH_AUDIENCE: issuer.audience,
      PROJECTION_POLL_MS: '100',
      DIRECTORY_KEY: testDirectoryKey(),
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
