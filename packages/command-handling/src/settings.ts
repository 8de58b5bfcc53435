import { authSettings, parse } from '@homeward/service-kit/config';
import { DEFAULT_IDEMPOTENCY_RETENTION_DAYS } from './idempotency';

/** What a process of an event-sourced service does: serve the HTTP API, publish the event store to Kafka, keep read models. */
export const SERVICE_ROLES = ['api', 'relay', 'projection'] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];

/**
 * The settings every event-sourced service takes beside its own database, port and domain settings: Kafka,
 * identity, Idempotency-Keys' retention and the process's roles. A service spreads them into its own
 * settings (see registration), as read-model services spread `readModelSettings`.
 */
export const eventSourcedSettings = {
  KAFKA_BROKERS: { description: 'comma-separated Kafka bootstrap servers', default: '127.0.0.1:9092', parse: parse.list },
  HOST: { description: 'HTTP listen address', default: '127.0.0.1', parse: parse.string },
  TOPIC_NAMESPACE: {
    description: 'prefix for topic names (empty in production; tests isolate runs with it)',
    default: ' ',
    parse: (raw: string) => raw.trim(),
  },
  TOPIC_PARTITIONS: {
    description: "partitions of the service's events topic when this service creates it",
    default: '6',
    parse: (raw: string) => Number(raw),
  },
  ...authSettings,
  IDEMPOTENCY_RETENTION_DAYS: {
    description: 'how long an Idempotency-Key is remembered; a retry after that is a new request',
    default: String(DEFAULT_IDEMPOTENCY_RETENTION_DAYS),
    parse: (raw: string) => {
      const days = Number(raw);
      if (!Number.isFinite(days) || days < 1) throw new Error('expected a number of days, at least 1');
      return days;
    },
  },
  LOG_LEVEL: { description: 'pino log level', default: 'info', parse: parse.string },
  ROLES: {
    description:
      'what this process does, comma-separated: api (the HTTP API), relay (publishes the event store to Kafka), projection (its read models); all three by default. Run the API apart from relay and projection to give each its own core.',
    default: 'api,relay,projection',
    parse: (raw: string): ReadonlySet<ServiceRole> => {
      const roles = raw
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean);
      const unknown = roles.filter((r) => !SERVICE_ROLES.includes(r as ServiceRole));
      if (roles.length === 0 || unknown.length > 0) throw new Error(`expected some of ${SERVICE_ROLES.join(', ')}`);
      return new Set(roles as ServiceRole[]);
    },
  },
};
