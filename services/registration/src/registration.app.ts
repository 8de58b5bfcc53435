import { createPool, type Pool, REQUEST_SESSION } from '@homeward/pg-kit';
import { migrate } from '@homeward/pg-kit/migrations';
import { eventsTopic, registrationDirectoryTopic } from '@homeward/contracts';
import { EventStore, eventStoreMigrations } from '@homeward/event-store';
import { createKafka, ensureTopics, pingKafka, type Kafka } from '@homeward/messaging';
import { EventRelay, type ToMessages } from '@homeward/messaging/event-relay';
import { relayMigrations } from '@homeward/messaging/relay-quarantine';
import { ConsumerRunner, consumerMigrations } from '@homeward/messaging/consumer';
import { Degraded, createLogger, createService, loadOpenApiDocument, type NestFastifyApplication } from '@homeward/service-kit';
import { join } from 'node:path';
import { TokenVerifier } from '@homeward/auth';
import { MasterKeyWrapper, PersonalDataVault, personalDataMigrations } from '@homeward/personal-data';
import type { RegistrationEvent } from '@homeward/contracts/registration/v1';
import { RegistrationBackgroundModule, RegistrationModule } from './registration.module';
import type { RegistrationConfig } from './registration.config';
import { WorkerStreams } from './persistence/worker.streams';
import { directoryTombstonesWhileHeld, registrationMessages } from './messaging/registration-directory.mapper';
import { PersonIndex } from './persistence/person-index';
import { registrationMigrations } from './persistence/migrations';
import { forgetIdempotencyKeys } from './application/worker-command';
import { translateRegistrationError } from './http/errors';
import { decodeForProjection, projectWorkerStatus } from './application/projections/worker-status.projection';

export const SERVICE = 'registration';
export const OPENAPI_PATH = join(__dirname, '..', 'openapi', 'registration.v1.yaml');

export interface RegistrationRuntime {
  readonly app: NestFastifyApplication;
  readonly pool: Pool;
  readonly kafka: Kafka;
  readonly topic: string;
  readonly directoryTopic: string;
  readonly vault: PersonalDataVault;
  /** Publishes the event store to the topic; its backlog tells whether everything committed is on Kafka. */
  readonly relay: EventRelay;
  stop(): Promise<void>;
}

/** What tests may put in place of the real thing. */
export interface RegistrationSeams {
  /** Wraps the relay's mapper: a test makes it fail for one stream, and later "deploys the fix". */
  readonly relayMapper?: (real: ToMessages) => ToMessages;
}

/**
 * Wires the registration service: database migrations, the topic, the HTTP application, the event relay
 * and the worker-status projection. main.ts and the end-to-end tests both start the service through here.
 */
export async function startRegistration(
  config: RegistrationConfig,
  clock: () => Date = () => new Date(),
  seams: RegistrationSeams = {},
): Promise<RegistrationRuntime> {
  const log = createLogger(SERVICE, config.LOG_LEVEL);
  const pool = createPool(config.DATABASE_URL, { max: 20, ...REQUEST_SESSION });
  await migrate(pool, 'event-store', eventStoreMigrations);
  await migrate(pool, 'messaging', consumerMigrations);
  await migrate(pool, 'event-relay', relayMigrations);
  await migrate(pool, 'personal-data', personalDataMigrations);
  await migrate(pool, 'registration', registrationMigrations);

  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: SERVICE }, log.child({ component: 'kafka' }));
  const topic = eventsTopic(SERVICE, config.TOPIC_NAMESPACE);
  const directoryTopic = registrationDirectoryTopic(config.TOPIC_NAMESPACE);
  const deadLetterTopic = `${config.TOPIC_NAMESPACE}homeward.registration.worker-status.dlq.v1`;
  await ensureTopics(kafka, [
    { topic, partitions: config.TOPIC_PARTITIONS },
    { topic: directoryTopic, partitions: config.TOPIC_PARTITIONS, compacted: true },
    { topic: deadLetterTopic, partitions: 1 },
  ]);

  const vault = new PersonalDataVault(pool, new MasterKeyWrapper(config.PERSONAL_DATA_MASTER_KEY));
  const streams = new WorkerStreams(new EventStore(pool), vault);
  const topics = { events: topic, directory: directoryTopic, source: `/homeward/${config.ORIGIN_COUNTRY.toLowerCase()}/registration` };
  const toMessages = registrationMessages(topics, vault, config.DIRECTORY_KEY);
  const relay = new EventRelay(pool, kafka, {
    toMessages: seams.relayMapper ? seams.relayMapper(toMessages) : toMessages,
    publishWhileHeld: directoryTombstonesWhileHeld(topics),
    logger: log.child({ component: 'event-relay' }),
  });
  const roles = config.ROLES;
  const admin = kafka.admin();
  await admin.connect();
  const app = await createService({
    name: SERVICE,
    // A process without the api role still answers /health/live and /health/ready.
    module: roles.has('api')
      ? RegistrationModule.with({
          pool,
          kafka,
          streams,
          vault,
          personIndex: new PersonIndex(pool),
          // With the relay in another process, that process finds the events at its next poll.
          committed: roles.has('relay') ? () => relay.wake() : () => undefined,
          clock,
          settings: { originCountry: config.ORIGIN_COUNTRY },
          relayQuarantine: relay.quarantine,
          releaseRequested: roles.has('relay') ? () => relay.releaseRequested() : () => undefined,
        })
      : RegistrationBackgroundModule,
    openApi: loadOpenApiDocument(OPENAPI_PATH),
    logLevel: config.LOG_LEVEL,
    translateError: translateRegistrationError,
    verifier: new TokenVerifier({ jwksUrl: config.AUTH_JWKS_URL, issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE }),
    readiness: () => [
      { name: 'postgres', check: async () => void (await pool.query('SELECT 1')) },
      { name: 'kafka', check: () => pingKafka(admin) },
      ...(roles.has('relay')
        ? [
            {
              name: 'relay',
              check: async () => {
                if (relay.failing) throw relay.failing instanceof Error ? relay.failing : new Error(String(relay.failing));
                const { events, oldestRecordedAt } = await relay.backlog();
                return { unpublishedEvents: events, oldestUnpublishedAt: oldestRecordedAt?.toISOString() ?? null };
              },
            },
            {
              // Held streams do not make the service unready: the relay goes on publishing every other
              // stream, and an unready API would stop the registry for everyone (docs/adr/0005).
              name: 'relay-quarantine',
              check: async () => {
                const held = await relay.quarantine.list();
                if (held.length === 0) return { quarantinedStreams: 0 };
                return new Degraded(
                  `${held.length} stream(s) quarantined: their events are held back from Kafka until an operator releases them (GET /admin/relay/quarantine)`,
                  {
                    quarantinedStreams: held.length,
                    heldEvents: held.reduce((n, s) => n + s.heldEvents, 0),
                    streams: held.slice(0, 20).map((s) => ({
                      streamId: s.streamId,
                      eventId: s.eventId,
                      eventType: s.eventType,
                      reason: s.reason.slice(0, 300),
                      since: s.since.toISOString(),
                      heldEvents: s.heldEvents,
                    })),
                  },
                );
              },
            },
          ]
        : []),
    ],
    ...(roles.has('relay') ? { metrics: () => () => relay.metrics() } : {}),
  });

  const projection = new ConsumerRunner<RegistrationEvent>(kafka, pool, {
    consumer: `${config.TOPIC_NAMESPACE}homeward.registration.worker-status`,
    topics: [topic],
    deadLetterTopic,
    decode: decodeForProjection,
    handleBatch: projectWorkerStatus,
    // Rows move forward by stream version only, so a redelivered event changes nothing by itself.
    deduplicateByEventId: false,
    // A row per worker, a worker's events in one partition: partitions apply side by side.
    partitionsConsumedConcurrently: 3,
    // Under load a fetch waits for 64 KiB (a few hundred events) or 100 ms: a transaction per fetched
    // partition batch, not per handful of events. A quiet topic's events still show within ~100 ms.
    maxWaitTimeMs: 100,
    minBytes: 64 * 1024,
    logger: log.child({ component: 'worker-status-projection' }),
  });
  // Legacy registers arrive as CSV or NDJSON text, in parts of up to 10,000 records.
  app
    .getHttpAdapter()
    .getInstance()
    .addContentTypeParser(
      ['text/csv', 'application/x-ndjson'],
      { parseAs: 'string', bodyLimit: 64 * 1024 * 1024 },
      (_request, body, done) => done(null, body),
    );
  await app.init();
  if (roles.has('relay')) await relay.start();
  // Idempotency-Keys are remembered for the retention, then forgotten: hourly, and once at start.
  const retentionMs = config.IDEMPOTENCY_RETENTION_DAYS * 86_400_000;
  const forget = () =>
    forgetIdempotencyKeys(pool, new Date(clock().getTime() - retentionMs))
      .then((n) => n > 0 && log.info({ forgotten: n }, 'idempotency keys past their retention forgotten'))
      .catch((err: unknown) => log.warn({ err }, 'forgetting old idempotency keys failed; trying again in an hour'));
  const forgetting = roles.has('api') ? setInterval(() => void forget(), 3_600_000) : undefined;
  if (forgetting) {
    void forget();
    forgetting.unref();
  }
  if (roles.has('projection')) await projection.start();

  return {
    app,
    pool,
    kafka,
    topic,
    directoryTopic,
    vault,
    relay,
    async stop() {
      clearInterval(forgetting);
      await projection.stop();
      await relay.stop();
      await app.close();
      await admin.disconnect().catch(() => undefined);
      await pool.end();
    },
  };
}
