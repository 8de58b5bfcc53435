import { authSettings, parse } from '@homeward/service-kit/config';

/**
 * The settings every read-model service takes beside its own database and port: Kafka, identity, and
 * how its builds are watched. A service spreads them into its own settings (see agency-view, mission-view).
 */
export const readModelSettings = {
  KAFKA_BROKERS: { description: 'comma-separated Kafka bootstrap servers', default: '127.0.0.1:9092', parse: parse.list },
  HOST: { description: 'HTTP listen address', default: '127.0.0.1', parse: parse.string },
  TOPIC_NAMESPACE: {
    description: 'prefix for topic and consumer-group names (empty in production; tests isolate runs with it)',
    default: ' ',
    parse: (raw: string) => raw.trim(),
  },
  TOPIC_PARTITIONS: {
    description: 'partitions of a source topic (registration…) if this service has to create it, as its owner would',
    default: '6',
    parse: (raw: string) => Number(raw),
  },
  ...authSettings,
  PROJECTION_POLL_MS: {
    description: 'how often the read model checks its builds (catch-up of a rebuild, swap, drop), in milliseconds',
    default: '1000',
    parse: (raw: string) => {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 10) throw new Error('expected an integer of at least 10');
      return n;
    },
  },
  READY_MAX_LAG: {
    description: 'messages the read model may be behind the topic and still answer ready (empty: lag never fails readiness)',
    default: ' ',
    parse: (raw: string): number | undefined => {
      if (raw.trim() === '') return undefined;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 0) throw new Error('expected a whole number');
      return n;
    },
  },
  LOG_LEVEL: { description: 'pino log level', default: 'info', parse: parse.string },
};
