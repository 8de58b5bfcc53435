import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { TokenVerifier } from '@homeward/auth';
import { eventsTopic } from '@homeward/contracts';
import { EventStore, eventStoreMigrations } from '@homeward/event-store';
import { createKafka, ensureTopics, pingKafka, type Kafka } from '@homeward/messaging';
import { consumerMigrations } from '@homeward/messaging/consumer';
import { EventRelay, type EventRelayOptions, type ToMessages } from '@homeward/messaging/event-relay';
import { relayMigrations } from '@homeward/messaging/relay-quarantine';
import { MasterKeyWrapper, PersonalDataVault, personalDataMigrations } from '@homeward/personal-data';
import { createPool, REQUEST_SESSION, type Pool } from '@homeward/pg-kit';
import { migrate, type Migration } from '@homeward/pg-kit/migrations';
import {
  Degraded,
  createLogger,
  createService,
  type NestFastifyApplication,
  type ReadinessCheck,
  type ServiceOptions,
  type SecurityConfig,
} from '@homeward/service-kit';
import { DEFAULT_IDEMPOTENCY_RETENTION_DAYS, forgetIdempotencyKeysPeriodically } from './idempotency';
import { RelayAdminModule } from './relay-admin.controller';
import type { ServiceRole } from './settings';

export type { ServiceRole };

/** What every event-sourced service is configured with (`eventSourcedSettings` and its database; its own settings may say more). */
export interface EventSourcedConfig {
  readonly DATABASE_URL: string;
  readonly KAFKA_BROKERS: readonly string[];
  readonly TOPIC_NAMESPACE: string;
  readonly TOPIC_PARTITIONS: number;
  readonly AUTH_JWKS_URL: string;
  readonly AUTH_ISSUER: string;
  readonly AUTH_AUDIENCE: string;
  readonly LOG_LEVEL: string;
  readonly ROLES: ReadonlySet<ServiceRole>;
  /** How long an Idempotency-Key is remembered (default 30 days). */
  readonly IDEMPOTENCY_RETENTION_DAYS?: number;
  /** base64 of 32 bytes: the master key that wraps every subject's data key, for a service that seals personal data. */
  readonly PERSONAL_DATA_MASTER_KEY?: string;
  /** CORS origins and rate-limit overrides (`securitySettings`, spread with `authSettings`). */
  readonly CORS_ALLOWED_ORIGINS?: SecurityConfig['CORS_ALLOWED_ORIGINS'];
  readonly RATE_LIMITS?: SecurityConfig['RATE_LIMITS'];
  readonly RATE_LIMIT_WINDOW_SECONDS?: number;
}

/** What the kit built, for the service's own parts. */
export interface ServiceParts {
  readonly pool: Pool;
  readonly kafka: Kafka;
  readonly store: EventStore;
  /** The service's events topic (`homeward.<topic or name>.events.v1`). */
  readonly topic: string;
  /** Present when the service is configured with PERSONAL_DATA_MASTER_KEY. */
  readonly vault: PersonalDataVault | undefined;
  readonly clock: () => Date;
  /** Tell after a command's events committed: wakes the relay when it runs in this process. */
  readonly committed: () => void;
  readonly log: ReturnType<typeof createLogger>;
}

export interface EventSourcedServiceOptions {
  /** The service, e.g. "registration": its events topic, logs, Kafka client id and migrations are named after it. */
  readonly name: string;
  /**
   * The service part of its events topic when it is not the name: skills-certification publishes on
   * `homeward.skills.events.v1` (the design's one topic per domain), so it says `topic: 'skills'`.
   */
  readonly topic?: string;
  readonly config: EventSourcedConfig;
  /** The commands' clock (tests pass their own). */
  readonly clock?: () => Date;
  /** The service's own tables, applied in order under its name. */
  readonly migrations: readonly Migration[];
  /** More topics it publishes to or reads, created beside its events topic (e.g. a compacted directory, a dead-letter topic). */
  readonly topics?: (namespace: string) => readonly { topic: string; partitions?: number; compacted?: boolean }[];
  /** How the relay turns stored events into messages (and what it publishes while a stream is held). */
  readonly relay: (parts: Omit<ServiceParts, 'committed'>) => {
    toMessages: ToMessages;
    publishWhileHeld?: EventRelayOptions['publishWhileHeld'];
  };
  /** The HTTP API of a process with the api role: the service's Nest module. */
  readonly api: (parts: ServiceParts) => Type<unknown> | DynamicModule;
  readonly openApi: ServiceOptions['openApi'];
  /** The generated AsyncAPI document of the topics the service writes, served at `/asyncapi.json`. */
  readonly asyncApi?: ServiceOptions['asyncApi'];
  /** The service's domain errors as problems (call `translateCommandError` from `./http` for the handler's). */
  readonly translateError?: ServiceOptions['translateError'];
  /** Read models a process with the projection role keeps. */
  readonly projections?: (parts: ServiceParts) => readonly Background[];
  /** Last touches to the HTTP application before it starts (content-type parsers). */
  readonly configure?: (app: NestFastifyApplication) => void;
  /** Routes anyone may call without a token (a public verification page), beside health, docs and metrics. */
  readonly publicRoutes?: readonly RegExp[];
  /** Public and expensive routes counted per principal (429 past the limit). */
  readonly rateLimits?: ServiceOptions['rateLimits'];
  /** Test seams: e.g. wrap the relay's mapper so that it fails for one stream. */
  readonly relayMapper?: (real: ToMessages) => ToMessages;
}

export interface EventSourcedRuntime {
  readonly app: NestFastifyApplication;
  readonly pool: Pool;
  readonly kafka: Kafka;
  readonly topic: string;
  readonly vault: PersonalDataVault | undefined;
  /** Publishes the event store to the topic; its backlog tells whether everything committed is on Kafka. */
  readonly relay: EventRelay;
  stop(): Promise<void>;
}

/** Something a process runs beside its API: a read model's consumer (ConsumerRunner). */
export interface Background {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The HTTP application of a process without the api role: health only (service-kit adds it). */
@Module({})
class BackgroundModule {}

/**
 * Wires an event-sourced service: its database and migrations (event store, relay and its quarantine,
 * consumers' checkpoints, personal data, the service's own tables), its topics, the event relay (docs/adr/0005),
 * the HTTP API behind bearer tokens with the relay's admin API, health and metrics, the read models, and the
 * forgetting of Idempotency-Keys past their retention. The roles say which of API, relay and projections this
 * process runs; every process answers the health probes.
 */
export async function startEventSourcedService(options: EventSourcedServiceOptions): Promise<EventSourcedRuntime> {
  const { config, name } = options;
  const clock = options.clock ?? (() => new Date());
  const log = createLogger(name, config.LOG_LEVEL);
  const pool = createPool(config.DATABASE_URL, { max: 20, ...REQUEST_SESSION });
  await migrate(pool, 'event-store', eventStoreMigrations);
  await migrate(pool, 'messaging', consumerMigrations);
  await migrate(pool, 'event-relay', relayMigrations);
  if (config.PERSONAL_DATA_MASTER_KEY !== undefined) await migrate(pool, 'personal-data', personalDataMigrations);
  await migrate(pool, name, options.migrations);

  const kafka = createKafka({ brokers: [...config.KAFKA_BROKERS], clientId: name }, log.child({ component: 'kafka' }));
  const topic = eventsTopic(options.topic ?? name, config.TOPIC_NAMESPACE);
  await ensureTopics(kafka, [
    { topic, partitions: config.TOPIC_PARTITIONS },
    ...(options.topics?.(config.TOPIC_NAMESPACE) ?? []).map((t) => ({ partitions: config.TOPIC_PARTITIONS, ...t })),
  ]);

  const vault =
    config.PERSONAL_DATA_MASTER_KEY === undefined
      ? undefined
      : new PersonalDataVault(pool, new MasterKeyWrapper(config.PERSONAL_DATA_MASTER_KEY));
  const roles = config.ROLES;
  const built = { pool, kafka, store: new EventStore(pool), topic, vault, clock, log };
  const mapping = options.relay(built);
  const relay = new EventRelay(pool, kafka, {
    ...mapping,
    toMessages: options.relayMapper ? options.relayMapper(mapping.toMessages) : mapping.toMessages,
    logger: log.child({ component: 'event-relay' }),
  });
  const parts: ServiceParts = {
    ...built,
    // With the relay in another process, that process finds the events at its next poll.
    committed: roles.has('relay') ? () => relay.wake() : () => undefined,
  };
  const admin = kafka.admin();
  await admin.connect();
  const app = await createService({
    name,
    module: roles.has('api')
      ? {
          module: BackgroundModule,
          imports: [
            options.api(parts),
            RelayAdminModule.with(relay.quarantine, roles.has('relay') ? () => relay.releaseRequested() : () => undefined),
          ],
        }
      : BackgroundModule,
    openApi: options.openApi,
    ...(options.asyncApi ? { asyncApi: options.asyncApi } : {}),
    logLevel: config.LOG_LEVEL,
    ...(options.translateError ? { translateError: options.translateError } : {}),
    ...(options.publicRoutes ? { publicRoutes: options.publicRoutes } : {}),
    security: config,
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
    verifier: new TokenVerifier({ jwksUrl: config.AUTH_JWKS_URL, issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE }),
    readiness: () => [
      { name: 'postgres', check: async () => void (await pool.query('SELECT 1')) },
      { name: 'kafka', check: () => pingKafka(admin) },
      ...(roles.has('relay') ? relayReadiness(relay) : []),
    ],
    ...(roles.has('relay') ? { metrics: (_app, registry) => relay.registerMetrics(registry) } : {}),
  });

  const projections = options.projections?.(parts) ?? [];
  options.configure?.(app);
  await app.init();
  if (roles.has('relay')) await relay.start();
  const stopForgetting = roles.has('api')
    ? forgetIdempotencyKeysPeriodically(pool, {
        retentionDays: config.IDEMPOTENCY_RETENTION_DAYS ?? DEFAULT_IDEMPOTENCY_RETENTION_DAYS,
        clock,
        log,
      })
    : () => undefined;
  if (roles.has('projection')) for (const projection of projections) await projection.start();

  return {
    app,
    pool,
    kafka,
    topic,
    vault,
    relay,
    async stop() {
      stopForgetting();
      for (const projection of projections) await projection.stop();
      await relay.stop();
      await app.close();
      await admin.disconnect().catch(() => undefined);
      await pool.end();
    },
  };
}

function relayReadiness(relay: EventRelay): ReadinessCheck[] {
  return [
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
      // stream, and an unready API would stop the service for everyone (docs/adr/0005).
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
  ];
}
