import { whyNotACountry } from '@homeward/classifications/countries';
import { SharedKey } from '@homeward/personal-data';
import { loadConfig, parse, type ConfigOf } from '@homeward/service-kit/config';

export const registrationSettings = {
  DATABASE_URL: {
    description: 'PostgreSQL URL of the registration database',
    default: 'postgres://postgres@127.0.0.1:5432/homeward_registration',
    parse: parse.url,
  },
  KAFKA_BROKERS: { description: 'comma-separated Kafka bootstrap servers', default: '127.0.0.1:9092', parse: parse.list },
  PORT: { description: 'HTTP port', default: '3001', parse: parse.port },
  HOST: { description: 'HTTP listen address', default: '127.0.0.1', parse: parse.string },
  TOPIC_NAMESPACE: {
    description: 'prefix for topic names (empty in production; tests isolate runs with it)',
    default: ' ',
    parse: (raw: string) => raw.trim(),
  },
  ORIGIN_COUNTRY: {
    description: 'ISO 3166-1 alpha-2 code of the country that runs the registry',
    default: 'PH',
    parse: (raw: string) => {
      const wrong = whyNotACountry(raw);
      if (wrong) throw new Error(`expected an ISO 3166-1 alpha-2 country code: ${wrong}`);
      return raw;
    },
  },
  AUTH_JWKS_URL: {
    description:
      "where the identity provider's signing keys are: https://… (e.g. Keycloak's …/protocol/openid-connect/certs) or file://… (the development issuer's jwks.json)",
    parse: parse.url,
  },
  PERSONAL_DATA_MASTER_KEY: {
    description: "base64 of 32 random bytes: the master key that wraps every worker's data key (e.g. `openssl rand -base64 32`)",
    parse: (raw: string) => {
      if (Buffer.from(raw, 'base64').length !== 32) throw new Error('expected 32 bytes, base64-encoded');
      return raw;
    },
  },
  DIRECTORY_KEY: {
    description:
      "`<key id>:<base64 of 32 random bytes>`: the key that seals the directory of people for the agencies' read models (docs/adr/0004); the agency view is configured with the same",
    parse: (raw: string) => new SharedKey(raw),
  },
  AUTH_ISSUER: { description: 'the iss claim tokens must carry', parse: parse.string },
  AUTH_AUDIENCE: { description: 'the aud claim tokens must carry', default: 'homeward', parse: parse.string },
  TOPIC_PARTITIONS: {
    description: 'partitions of the registration topic when this service creates it',
    default: '6',
    parse: (raw: string) => Number(raw),
  },
  IDEMPOTENCY_RETENTION_DAYS: {
    description: 'how long an Idempotency-Key is remembered; a retry after that is a new request',
    default: '30',
    parse: (raw: string) => {
      const days = Number(raw);
      if (!Number.isFinite(days) || days < 1) throw new Error('expected a number of days, at least 1');
      return days;
    },
  },
  LOG_LEVEL: { description: 'pino log level', default: 'info', parse: parse.string },
  ROLES: {
    description:
      'what this process does, comma-separated: api (the HTTP API), relay (publishes the event store to Kafka), projection (the worker-status read model); all three by default. Run the API apart from relay and projection to give each its own core.',
    default: 'api,relay,projection',
    parse: (raw: string) => {
      const roles = raw
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean);
      const unknown = roles.filter((r) => !REGISTRATION_ROLES.includes(r as RegistrationRole));
      if (roles.length === 0 || unknown.length > 0) throw new Error(`expected some of ${REGISTRATION_ROLES.join(', ')}`);
      return new Set(roles as RegistrationRole[]);
    },
  },
};

export const REGISTRATION_ROLES = ['api', 'relay', 'projection'] as const;
export type RegistrationRole = (typeof REGISTRATION_ROLES)[number];

export type RegistrationConfig = ConfigOf<typeof registrationSettings>;

export function loadRegistrationConfig(env: NodeJS.ProcessEnv = process.env): RegistrationConfig {
  return loadConfig(registrationSettings, env);
}
