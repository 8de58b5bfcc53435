import { whyNotACountry } from '@homeward/classifications/countries';
import { authSettings, loadConfig, parse, type ConfigOf } from '@homeward/service-kit/config';

const alpha2 = (raw: string) => {
  const wrong = whyNotACountry(raw);
  if (wrong) throw new Error(`expected an ISO 3166-1 alpha-2 country code: ${wrong}`);
  return raw;
};

export const statisticsSettings = {
  DATABASE_URL: {
    description: "PostgreSQL URL of the statistics service's own database (report jobs and their results)",
    default: 'postgres://postgres@127.0.0.1:5432/homeward_statistics',
    parse: parse.url,
  },
  REGISTRATION_EVENTS_DATABASE_URL: {
    description:
      "read-only PostgreSQL URL of the registration event store, for reports replayed from it (source event-store); 'none' to offer the Kafka source only",
    default: 'none',
    parse: (raw: string) => (raw === 'none' ? undefined : parse.url(raw)),
  },
  KAFKA_BROKERS: { description: 'comma-separated Kafka bootstrap servers', default: '127.0.0.1:9092', parse: parse.list },
  TOPIC_NAMESPACE: {
    description: 'prefix for topic names (empty in production; tests isolate runs with it)',
    default: ' ',
    parse: (raw: string) => raw.trim(),
  },
  PORT: { description: 'HTTP port', default: '3007', parse: parse.port },
  HOST: { description: 'HTTP listen address', default: '127.0.0.1', parse: parse.string },
  ORIGIN_COUNTRY: { description: 'ISO 3166-1 alpha-2 code of the country that runs the registry (REF_AREA)', default: 'PH', parse: alpha2 },
  SDMX_AGENCY: {
    description: 'SDMX maintenance agency of the published dataflows (e.g. the national statistics office)',
    default: 'HOMEWARD',
    parse: (raw: string) => {
      if (!/^[A-Za-z][A-Za-z0-9_.-]*$/.test(raw)) throw new Error('expected an SDMX agency id');
      return raw;
    },
  },
  ...authSettings,
  REPORT_JOB_STALE_AFTER_SECONDS: {
    description: 'a running report job without a heartbeat for this long was abandoned by a stopped process and is marked failed',
    default: '60',
    parse: (raw: string) => {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1) throw new Error('expected a whole number of seconds');
      return n;
    },
  },
  REPORT_REPLAY_MEMBERS: {
    description:
      'worker threads a report job spreads a full Kafka replay over, each folding some partitions (issue 14); 0: the plain replay in the job thread',
    default: '0',
    parse: (raw: string) => {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 0 || n > 64) throw new Error('expected a whole number from 0 to 64');
      return n;
    },
  },
  REPORT_FOLD_CHECKPOINTS: {
    description: "'on': report jobs carry on from checkpoints of the fold kept in the service's database, and save them (issue 14)",
    default: 'off',
    parse: (raw: string) => {
      if (raw !== 'on' && raw !== 'off') throw new Error("expected 'on' or 'off'");
      return raw === 'on';
    },
  },
  LOG_LEVEL: { description: 'pino log level', default: 'info', parse: parse.string },
};

export type StatisticsConfig = ConfigOf<typeof statisticsSettings>;

export function loadStatisticsConfig(env: NodeJS.ProcessEnv = process.env): StatisticsConfig {
  return loadConfig(statisticsSettings, env);
}
