import { join } from 'node:path';
import { createPool, type Pool, REQUEST_SESSION } from '@homeward/pg-kit';
import { eventsTopic } from '@homeward/contracts';
import { createKafka, ensureTopics, type Kafka } from '@homeward/messaging';
import { ProjectionHost } from '@homeward/projections/host';
import type { RegistrationFact } from '@homeward/projections/registration';
import { TokenVerifier } from '@homeward/auth';
import { createLogger, createService, loadOpenApiDocument, type NestFastifyApplication } from '@homeward/service-kit';
import { MissionViewModule } from './mission-view.module';
import type { MissionViewConfig } from './mission-view.config';
import { missionViewName, missionViewProjection } from './projection/mission.read-model';
import { translateViewError } from './http/errors';

export const SERVICE = 'mission-view';
export const OPENAPI_PATH = join(__dirname, '..', 'openapi', 'mission-view.v1.yaml');

export interface MissionViewRuntime {
  readonly app: NestFastifyApplication;
  readonly pool: Pool;
  readonly kafka: Kafka;
  readonly host: ProjectionHost<RegistrationFact>;
  readonly country: string;
  stop(): Promise<void>;
}

/**
 * Wires one mission's view: its own database, the projection of its country's cycles from the
 * registration topic (versioned, rebuilt without downtime), and the HTTP API for that mission alone.
 * main.ts and the end-to-end tests both start it through here.
 */
export async function startMissionView(config: MissionViewConfig, clock: () => Date = () => new Date()): Promise<MissionViewRuntime> {
  const country = config.MISSION_COUNTRY;
  const log = createLogger(`${SERVICE}-${country.toLowerCase()}`, config.LOG_LEVEL);
  const pool = createPool(config.DATABASE_URL, { max: 20, ...REQUEST_SESSION });
  const kafka = createKafka(
    { brokers: config.KAFKA_BROKERS, clientId: `${SERVICE}-${country.toLowerCase()}` },
    log.child({ component: 'kafka' }),
  );
  const deadLetterTopic = `${config.TOPIC_NAMESPACE}homeward.${missionViewName(country)}.dlq.v1`;
  // The registration topic is created here too if this service starts first, with registration's settings.
  await ensureTopics(kafka, [
    { topic: eventsTopic('registration', config.TOPIC_NAMESPACE), partitions: config.TOPIC_PARTITIONS },
    { topic: deadLetterTopic, partitions: 1 },
  ]);

  const host = new ProjectionHost(missionViewProjection(country, config.TOPIC_NAMESPACE), {
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
    module: MissionViewModule.with({ host, settings: { country, clock } }),
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
    country,
    async stop() {
      await app.close();
      await host.stop();
      await pool.end();
    },
  };
}
