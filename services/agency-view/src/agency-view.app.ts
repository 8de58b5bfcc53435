import { join } from 'node:path';
import { createPool, type Pool, REQUEST_SESSION } from '@homeward/pg-kit';
import { registrationDirectoryTopic } from '@homeward/contracts';
import { createKafka, ensureTopics, type Kafka } from '@homeward/messaging';
import { ProjectionHost } from '@homeward/projections/host';
import { TokenVerifier } from '@homeward/auth';
import { createLogger, createService, loadOpenApiDocument, type NestFastifyApplication } from '@homeward/service-kit';
import { AgencyViewModule } from './agency-view.module';
import type { AgencyViewConfig } from './agency-view.config';
import { AGENCY_VIEW, agencyViewProjection, type AgencyEvent } from './projection/agency.read-model';
import { translateViewError } from './http/errors';

export const SERVICE = 'agency-view';
export const OPENAPI_PATH = join(__dirname, '..', 'openapi', 'agency-view.v1.yaml');

export interface AgencyViewRuntime {
  readonly app: NestFastifyApplication;
  readonly pool: Pool;
  readonly kafka: Kafka;
  readonly host: ProjectionHost<AgencyEvent>;
  stop(): Promise<void>;
}

/**
 * Wires the agency view: its own database, the projection of every Homeward topic it has a source for
 * (versioned, rebuilt without downtime), and the HTTP API for origin-country agencies.
 * main.ts and the end-to-end tests both start it through here.
 */
export async function startAgencyView(config: AgencyViewConfig): Promise<AgencyViewRuntime> {
  const log = createLogger(SERVICE, config.LOG_LEVEL);
  const pool = createPool(config.DATABASE_URL, { max: 20, ...REQUEST_SESSION });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: SERVICE }, log.child({ component: 'kafka' }));
  const definition = agencyViewProjection(config.TOPIC_NAMESPACE, config.DIRECTORY_KEY);
  // Name search compares trigrams; the extension lives in the database, not in a build's schema, which a rebuild drops.
  await pool.query('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public');
  const deadLetterTopic = `${config.TOPIC_NAMESPACE}homeward.${AGENCY_VIEW}.dlq.v1`;
  // Source topics are created here too if this service starts first, with their owners' settings.
  await ensureTopics(kafka, [
    ...definition.sources.map((s) => ({
      topic: s.topic,
      partitions: config.TOPIC_PARTITIONS,
      compacted: s.topic === registrationDirectoryTopic(config.TOPIC_NAMESPACE),
    })),
    { topic: deadLetterTopic, partitions: 1 },
  ]);

  const host = new ProjectionHost(definition, {
    kafka,
    pool,
    topicNamespace: config.TOPIC_NAMESPACE,
    deadLetterTopic,
    pollIntervalMs: config.PROJECTION_POLL_MS,
    ...(config.READY_MAX_LAG === undefined ? {} : { maxReadyLag: config.READY_MAX_LAG }),
    logger: log.child({ component: 'projection' }),
  });
  await host.start();

  const app = await createService({
    name: SERVICE,
    module: AgencyViewModule.with({ host }),
    openApi: loadOpenApiDocument(OPENAPI_PATH),
    logLevel: config.LOG_LEVEL,
    translateError: translateViewError,
    verifier: new TokenVerifier({ jwksUrl: config.AUTH_JWKS_URL, issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE }),
    readiness: () => [{ name: 'postgres', check: async () => void (await pool.query('SELECT 1')) }, host.readiness()],
    metrics: () => () => host.metrics(),
  });
  await app.init();

  return {
    app,
    pool,
    kafka,
    host,
    async stop() {
      await app.close();
      await host.stop();
      await pool.end();
    },
  };
}
