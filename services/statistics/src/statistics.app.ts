import { join } from 'node:path';
import { TokenVerifier } from '@homeward/auth';
import { eventsTopic } from '@homeward/contracts';
import { createKafka, pingKafka } from '@homeward/messaging';
import { createPool, type Pool } from '@homeward/pg-kit';
import { migrate } from '@homeward/pg-kit/migrations';
import { createLogger, createService, loadOpenApiDocument, type NestFastifyApplication } from '@homeward/service-kit';
import { ReportJobs } from './application/report-jobs';
import { ReportRunner } from './application/report-runner';
import type { SourceName } from './application/report-spec';
import { runReportInWorker } from './application/run-report-in-worker';
import { translateStatisticsError } from './http/errors';
import { statisticsMigrations } from './persistence/migrations';
import type { StatisticsConfig } from './statistics.config';
import { StatisticsModule } from './statistics.module';

export const SERVICE = 'statistics';
export const OPENAPI_PATH = join(__dirname, '..', 'openapi', 'statistics.v1.yaml');

export interface StatisticsRuntime {
  readonly app: NestFastifyApplication;
  readonly pool: Pool;
  readonly jobs: ReportJobs;
  readonly runner: ReportRunner;
  stop(): Promise<void>;
}

/**
 * Wires the statistics service: its database (report jobs), the sources it replays (the registration topic,
 * or the registration event store when configured, and the skills topic for the skills tables), the HTTP API and the job runner. main.ts and the tests
 * start the service through here.
 */
export async function startStatistics(config: StatisticsConfig): Promise<StatisticsRuntime> {
  const log = createLogger(SERVICE, config.LOG_LEVEL);
  const pool = createPool(config.DATABASE_URL, { max: 10 });
  await migrate(pool, 'statistics', statisticsMigrations);

  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: SERVICE }, log.child({ component: 'kafka' }));
  const topic = eventsTopic('registration', config.TOPIC_NAMESPACE);
  const eventStore = config.REGISTRATION_EVENTS_DATABASE_URL ? createPool(config.REGISTRATION_EVENTS_DATABASE_URL, { max: 2 }) : undefined;
  const sources: SourceName[] = eventStore ? ['kafka', 'event-store'] : ['kafka'];

  const jobs = new ReportJobs(pool);
  // Each job replays in a worker thread, so that the fold never holds up the API and its health probes.
  const runner = new ReportRunner(
    jobs,
    (request, onProgress) =>
      runReportInWorker(
        {
          request,
          kafka: {
            brokers: config.KAFKA_BROKERS,
            topic,
            skillsTopic: eventsTopic('skills', config.TOPIC_NAMESPACE),
            employmentTopic: eventsTopic('employment', config.TOPIC_NAMESPACE),
            fundTopic: eventsTopic('fund', config.TOPIC_NAMESPACE),
          },
          ...(config.REGISTRATION_EVENTS_DATABASE_URL ? { eventStoreUrl: config.REGISTRATION_EVENTS_DATABASE_URL } : {}),
          renderOptions: { refArea: config.ORIGIN_COUNTRY, agency: config.SDMX_AGENCY },
          scale: {
            members: config.REPORT_REPLAY_MEMBERS,
            ...(config.REPORT_FOLD_CHECKPOINTS ? { checkpointsUrl: config.DATABASE_URL } : {}),
          },
        },
        onProgress,
      ),
    { staleAfterSeconds: config.REPORT_JOB_STALE_AFTER_SECONDS, logger: log.child({ component: 'report-runner' }) },
  );

  const admin = kafka.admin();
  await admin.connect();
  const app = await createService({
    name: SERVICE,
    module: StatisticsModule.with({ jobs, settings: { sources, queued: () => runner.wake() } }),
    openApi: loadOpenApiDocument(OPENAPI_PATH),
    logLevel: config.LOG_LEVEL,
    translateError: translateStatisticsError,
    security: config,
    // Each report replays the registry: counted per principal (RATE_LIMITS reports=N).
    rateLimits: [{ name: 'reports', method: 'POST', url: '/reports', max: 10 }],
    verifier: new TokenVerifier({ jwksUrl: config.AUTH_JWKS_URL, issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE }),
    readiness: () => [
      { name: 'postgres', check: async () => void (await pool.query('SELECT 1')) },
      { name: 'kafka', check: () => pingKafka(admin) },
      ...(eventStore ? [{ name: 'registration-event-store', check: async () => void (await eventStore.query('SELECT 1')) }] : []),
    ],
  });
  await app.init();
  await runner.start();

  return {
    app,
    pool,
    jobs,
    runner,
    async stop() {
      await runner.stop();
      await app.close();
      await admin.disconnect().catch(() => undefined);
      await eventStore?.end();
      await pool.end();
    },
  };
}
