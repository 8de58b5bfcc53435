import { whyNotACountry } from '@homeward/classifications/countries';
import { eventSourcedSettings } from '@homeward/command-handling/settings';
import { loadConfig, parse, type ConfigOf } from '@homeward/service-kit/config';

export const employmentMatchingSettings = {
  ...eventSourcedSettings,
  DATABASE_URL: {
    description: 'PostgreSQL URL of the employment-matching database',
    default: 'postgres://postgres@127.0.0.1:5432/homeward_employment',
    parse: parse.url,
  },
  PORT: {
    description: 'HTTP port (3003; a process without the api role answers its health probes on 3013)',
    default: '3003',
    parse: parse.port,
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
};

export type EmploymentMatchingConfig = ConfigOf<typeof employmentMatchingSettings>;

export function loadEmploymentMatchingConfig(env: NodeJS.ProcessEnv = process.env): EmploymentMatchingConfig {
  return loadConfig(employmentMatchingSettings, env);
}
