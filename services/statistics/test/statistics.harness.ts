import { createTestDatabase, infrastructure, type TestDatabase } from '@homeward/testing/infrastructure';
import { loadStatisticsConfig } from '../src/statistics.config';
import { startStatistics, type StatisticsRuntime } from '../src/statistics.app';

export interface Issuer {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
}

/** The statistics service on its own test database, replaying the registration topic of `topicNamespace`. */
export interface StatisticsHarness {
  readonly db: TestDatabase;
  readonly runtime: StatisticsRuntime;
  stop(): Promise<void>;
}

/**
 * @param registrationEventsUrl the registration event store, for reports from source `event-store`
 *   (Kafka only when absent).
 */
export async function startStatisticsHarness(
  topicNamespace: string,
  issuer: Issuer,
  options: { registrationEventsUrl?: string; logLevel?: string; rateLimits?: string } = {},
): Promise<StatisticsHarness> {
  const db = await createTestDatabase('statistics');
  const runtime = await startStatistics(
    loadStatisticsConfig({
      DATABASE_URL: db.url,
      REGISTRATION_EVENTS_DATABASE_URL: options.registrationEventsUrl ?? 'none',
      KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','),
      TOPIC_NAMESPACE: topicNamespace,
      AUTH_JWKS_URL: issuer.jwksUrl,
      AUTH_ISSUER: issuer.issuer,
      AUTH_AUDIENCE: issuer.audience,
      LOG_LEVEL: options.logLevel ?? 'warn',
      // Tests ask for many reports as one principal within a minute; the limit itself has its own test.
      RATE_LIMITS: options.rateLimits ?? 'reports=10000',
    }),
  );
  return {
    db,
    runtime,
    async stop() {
      await runtime.stop();
      await db.drop();
    },
  };
}
