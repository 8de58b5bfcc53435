import { loadConfig, parse, type ConfigOf } from '@homeward/service-kit/config';
import { readModelSettings } from '@homeward/projections/settings';
import { SharedKey } from '@homeward/personal-data';

export const agencyViewSettings = {
  ...readModelSettings,
  DATABASE_URL: {
    description: "PostgreSQL URL of the agency view's own database",
    default: 'postgres://postgres@127.0.0.1:5432/homeward_agency_view',
    parse: parse.url,
  },
  PORT: { description: 'HTTP port', default: '3004', parse: parse.port },
  DIRECTORY_KEY: {
    description:
      "`<key id>:<base64 of 32 bytes>`: the key registration seals its directory of people with (docs/adr/0004); the same as registration's",
    parse: (raw: string) => new SharedKey(raw),
  },
};

export type AgencyViewConfig = ConfigOf<typeof agencyViewSettings>;

export function loadAgencyViewConfig(env: NodeJS.ProcessEnv = process.env): AgencyViewConfig {
  return loadConfig(agencyViewSettings, env);
}
