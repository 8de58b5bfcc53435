import { loadConfig, parse, type ConfigOf } from '@homeward/service-kit/config';
import { readModelSettings } from '@homeward/projections/settings';

const country = (raw: string): string => {
  if (!/^[A-Z]{2}$/.test(raw)) throw new Error('expected two capital letters (ISO 3166-1 alpha-2)');
  return raw;
};

export const missionViewSettings = {
  ...readModelSettings,
  MISSION_COUNTRY: {
    description: "the destination country this mission serves (ISO 3166-1 alpha-2, e.g. SA); it projects that country's cycles only",
    parse: country,
  },
  DATABASE_URL: {
    description: "PostgreSQL URL of this mission view's own database (one database per mission instance)",
    default: 'postgres://postgres@127.0.0.1:5432/homeward_mission_view',
    parse: parse.url,
  },
  PORT: { description: 'HTTP port', default: '3005', parse: parse.port },
};

export type MissionViewConfig = ConfigOf<typeof missionViewSettings>;

export function loadMissionViewConfig(env: NodeJS.ProcessEnv = process.env): MissionViewConfig {
  return loadConfig(missionViewSettings, env);
}
