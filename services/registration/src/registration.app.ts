import { join } from 'node:path';
import { registrationDirectoryTopic } from '@homeward/contracts';
import { startEventSourcedService, type EventSourcedRuntime } from '@homeward/command-handling/service';
import { ConsumerRunner } from '@homeward/messaging/consumer';
import type { ToMessages } from '@homeward/messaging/event-relay';
import type { PersonalDataVault } from '@homeward/personal-data';
import { loadAsyncApiDocument, loadOpenApiDocument } from '@homeward/service-kit';
import type { RegistrationEvent } from '@homeward/contracts/registration/v1';
import { RegistrationModule } from './registration.module';
import type { RegistrationConfig } from './registration.config';
import { WorkerStreams } from './persistence/worker.streams';
import { directoryTombstonesWhileHeld, registrationMessages } from './messaging/registration-directory.mapper';
import { PersonIndex } from './persistence/person-index';
import { registrationMigrations } from './persistence/migrations';
import { translateRegistrationError } from './http/errors';
import { decodeForProjection, projectWorkerStatus } from './application/projections/worker-status.projection';

export const SERVICE = 'registration';
export const OPENAPI_PATH = join(__dirname, '..', 'openapi', 'registration.v1.yaml');
/** Generated from proto/ by scripts/asyncapi/generate.mjs (the `generate` script): the topics this service writes. */
export const ASYNCAPI_PATH = join(__dirname, '..', 'asyncapi', 'asyncapi.json');

export interface RegistrationRuntime extends EventSourcedRuntime {
  readonly directoryTopic: string;
  readonly vault: PersonalDataVault;
}

/** What tests may put in place of the real thing. */
export interface RegistrationSeams {
  /** Wraps the relay's mapper: a test makes it fail for one stream, and later "deploys the fix". */
  readonly relayMapper?: (real: ToMessages) => ToMessages;
}

/**
 * The registration service on the write-side kit: its tables, its directory topic beside its events topic,
 * the relay's mapping to both, its HTTP module, and the worker-status projection. main.ts and the
 * end-to-end tests both start the service through here.
 */
export async function startRegistration(
  config: RegistrationConfig,
  clock: () => Date = () => new Date(),
  seams: RegistrationSeams = {},
): Promise<RegistrationRuntime> {
  const directoryTopic = registrationDirectoryTopic(config.TOPIC_NAMESPACE);
  const deadLetterTopic = `${config.TOPIC_NAMESPACE}homeward.registration.worker-status.dlq.v1`;
  const runtime = await startEventSourcedService({
    name: SERVICE,
    config,
    clock,
    migrations: registrationMigrations,
    topics: () => [
      { topic: directoryTopic, compacted: true },
      { topic: deadLetterTopic, partitions: 1 },
    ],
    relay: ({ topic, vault }) => {
      const topics = { events: topic, directory: directoryTopic, source: `/homeward/${config.ORIGIN_COUNTRY.toLowerCase()}/registration` };
      return {
        toMessages: registrationMessages(topics, vault!, config.DIRECTORY_KEY),
        publishWhileHeld: directoryTombstonesWhileHeld(topics),
      };
    },
    api: ({ pool, kafka, store, vault, committed }) =>
      RegistrationModule.with({
        pool,
        kafka,
        streams: new WorkerStreams(store, vault!),
        vault: vault!,
        personIndex: new PersonIndex(pool),
        committed,
        clock,
        settings: { originCountry: config.ORIGIN_COUNTRY },
      }),
    openApi: loadOpenApiDocument(OPENAPI_PATH),
    asyncApi: loadAsyncApiDocument(ASYNCAPI_PATH),
    translateError: translateRegistrationError,
    // Fuzzy search over everyone's names: counted per principal (RATE_LIMITS worker-search=N).
    rateLimits: [{ name: 'worker-search', method: 'GET', url: '/workers/search', max: 60 }],
    projections: ({ kafka, pool, topic, log }) => [
      new ConsumerRunner<RegistrationEvent>(kafka, pool, {
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
      }),
    ],
    // Legacy registers arrive as CSV or NDJSON text, in parts of up to 10,000 records.
    configure: (app) =>
      app
        .getHttpAdapter()
        .getInstance()
        .addContentTypeParser(
          ['text/csv', 'application/x-ndjson'],
          { parseAs: 'string', bodyLimit: 64 * 1024 * 1024 },
          (_request, body, done) => done(null, body),
        ),
    ...(seams.relayMapper ? { relayMapper: seams.relayMapper } : {}),
  });
  return { ...runtime, directoryTopic, vault: runtime.vault! };
}
