import { whyNotACountry } from '@homeward/classifications/countries';
import { eventSourcedSettings } from '@homeward/command-handling/settings';
import { loadConfig, parse, type ConfigOf } from '@homeward/service-kit/config';

export const emergencyFundSettings = {
  ...eventSourcedSettings,
  DATABASE_URL: {
    description: 'PostgreSQL URL of the emergency-fund database',
    default: 'postgres://postgres@127.0.0.1:5432/homeward_fund',
    parse: parse.url,
  },
  PORT: {
    description: 'HTTP port (3008; a process without the api role answers its health probes on 3018)',
    default: '3008',
    parse: parse.port,
  },
  ORIGIN_COUNTRY: {
    description: 'ISO 3166-1 alpha-2 code of the country that runs the registry (and whose fund this is)',
    default: 'PH',
    parse: (raw: string) => {
      const wrong = whyNotACountry(raw);
      if (wrong) throw new Error(`expected an ISO 3166-1 alpha-2 country code: ${wrong}`);
      return raw;
    },
  },
  PERSONAL_DATA_MASTER_KEY: {
    description:
      "base64 of 32 random bytes: the master key that wraps every worker's data key in this service's own vault (case notes), e.g. `openssl rand -base64 32`",
    parse: (raw: string) => {
      if (Buffer.from(raw, 'base64').length !== 32) throw new Error('expected 32 bytes, base64-encoded');
      return raw;
    },
  },
  FUND_ID: {
    description:
      "The fund whose policy welfare incidents open draft claims under; 'auto': the origin country's default fund (PH-OWWA for PH)",
    default: 'auto',
    parse: (raw: string) => raw,
  },
  DEFAULT_POLICIES: {
    description: 'true: publish the four default policies (src/policies) at start where the fund has none yet',
    default: 'true',
    parse: (raw: string) => raw === 'true',
  },
};

export type EmergencyFundConfig = ConfigOf<typeof emergencyFundSettings>;

export function loadEmergencyFundConfig(env: NodeJS.ProcessEnv = process.env): EmergencyFundConfig {
  return loadConfig(emergencyFundSettings, env);
}
