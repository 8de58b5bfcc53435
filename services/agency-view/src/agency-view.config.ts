import { loadConfig, parse, type ConfigOf } from '@homeward/service-kit/config';
import { readModelSettings } from '@homeward/projections/settings';

export const agencyViewSettings = {
  ...readModelSettings,
  DATABASE_URL: {
    description: "PostgreSQL URL of the agency view's own database",
    default: 'postgres://postgres@127.0.0.1:5432/homeward_agency_view',
    parse: parse.url,
  },
  PORT: { description: 'HTTP port', default: '3004', parse: parse.port },
};

export type AgencyViewConfig = ConfigOf<typeof agencyViewSettings>;

export function loadAgencyViewConfig(env: NodeJS.ProcessEnv = process.env): AgencyViewConfig {
  return loadConfig(agencyViewSettings, env);
}
