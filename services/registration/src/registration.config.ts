import { whyNotACountry } from '@homeward/classifications/countries';
import { SharedKey } from '@homeward/personal-data';
import { eventSourcedSettings } from '@homeward/command-handling/settings';
import { loadConfig, parse, type ConfigOf } from '@homeward/service-kit/config';

export const registrationSettings = {
  ...eventSourcedSettings,
  DATABASE_URL: {
    description: 'PostgreSQL URL of the registration database',
    default: 'postgres://postgres@127.0.0.1:5432/homeward_registration',
    parse: parse.url,
  },
  PORT: { description: 'HTTP port', default: '3001', parse: parse.port },
  ORIGIN_COUNTRY: {
    description: 'ISO 3166-1 alpha-2 code of the country that runs the registry',
    default: 'PH',
    parse: (raw: string) => {
      const wrong = whyNotACountry(raw);
      if (wrong) throw new Error(`expected an ISO 3166-1 alpha-2 country code: ${wrong}`);
      return raw;
    },
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
};

export type RegistrationConfig = ConfigOf<typeof registrationSettings>;

export function loadRegistrationConfig(env: NodeJS.ProcessEnv = process.env): RegistrationConfig {
  return loadConfig(registrationSettings, env);
}
