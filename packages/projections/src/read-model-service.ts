import type { DynamicModule } from '@nestjs/common';
import { TokenVerifier } from '@homeward/auth';
import { createKafka, ensureTopics, type Kafka } from '@homeward/messaging';
import { createPool, REQUEST_SESSION, type Pool } from '@homeward/pg-kit';
import { createLogger, createService, type NestFastifyApplication, type ServiceOptions } from '@homeward/service-kit';
import type { ConfigOf } from '@homeward/service-kit/config';
import { ProjectionHost } from './projection-host';
import type { ProjectionDefinition } from './projection';
import type { readModelSettings } from './settings';

/** What every read-model service is configured with: the shared settings, and its own database. */
export type ReadModelConfig = ConfigOf<typeof readModelSettings> & { readonly DATABASE_URL: string };

export interface ReadModelServiceOptions<E> {
  /** The service, e.g. "agency-view" or "mission-view". */
  readonly name: string;
  /** This instance among the service's, in its logs and as its Kafka client id (default: the name), e.g. "mission-view-sa". */
  readonly instance?: string;
  readonly config: ReadModelConfig;
  readonly definition: ProjectionDefinition<E>;
  /** The HTTP side: the Nest module for the serving projection, the OpenAPI document, the error translator. */
  readonly module: (host: ProjectionHost<E>) => DynamicModule;
  readonly openApi: ServiceOptions['openApi'];
  /** The generated AsyncAPI document of the topics the service writes, served at `/asyncapi.json`. */
  readonly asyncApi?: ServiceOptions['asyncApi'];
  readonly translateError?: ServiceOptions['translateError'];
  /** Run once on the database before the projection starts (e.g. an extension the model's DDL needs). */
  readonly prepare?: (pool: Pool) => Promise<void>;
}

export interface ReadModelRuntime<E> {
  readonly app: NestFastifyApplication;
  readonly pool: Pool;
  readonly kafka: Kafka;
  readonly host: ProjectionHost<E>;
  stop(): Promise<void>;
}

/**
 * Wires a read-model service: its own database, its source topics (created with their owners' settings if
 * this service starts first), a dead-letter topic of its own, the projection host (versioned builds, rebuild
 * and swap, lag), and the HTTP API behind bearer tokens with readiness and metrics from the host.
 */
export async function startReadModelService<E>(options: ReadModelServiceOptions<E>): Promise<ReadModelRuntime<E>> {
  const { config, definition, name } = options;
  const instance = options.instance ?? name;
  const log = createLogger(instance, config.LOG_LEVEL);
  const pool = createPool(config.DATABASE_URL, { max: 20, ...REQUEST_SESSION });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: instance }, log.child({ component: 'kafka' }));
  await options.prepare?.(pool);
  const deadLetterTopic = `${config.TOPIC_NAMESPACE}homeward.${definition.name}.dlq.v1`;
  await ensureTopics(kafka, [
    ...definition.sources.map((s) => ({ topic: s.topic, partitions: config.TOPIC_PARTITIONS, compacted: s.compacted ?? false })),
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
    name,
    module: options.module(host),
    openApi: options.openApi,
    ...(options.asyncApi ? { asyncApi: options.asyncApi } : {}),
    logLevel: config.LOG_LEVEL,
    ...(options.translateError ? { translateError: options.translateError } : {}),
    security: config,
    verifier: new TokenVerifier({ jwksUrl: config.AUTH_JWKS_URL, issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE }),
    readiness: () => [{ name: 'postgres', check: async () => void (await pool.query('SELECT 1')) }, host.readiness()],
    metrics: (_app, registry) => host.registerMetrics(registry),
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
