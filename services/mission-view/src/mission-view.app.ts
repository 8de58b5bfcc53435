import { join } from 'node:path';
import { loadAsyncApiDocument, loadOpenApiDocument } from '@homeward/service-kit';
import { startReadModelService, type ReadModelRuntime } from '@homeward/projections/service';
import type { MissionEvent } from './projection/mission.read-model';
import { MissionViewModule } from './mission-view.module';
import type { MissionViewConfig } from './mission-view.config';
import { missionViewProjection } from './projection/mission.read-model';
import { translateViewError } from './http/errors';

export const SERVICE = 'mission-view';
export const OPENAPI_PATH = join(__dirname, '..', 'openapi', 'mission-view.v1.yaml');
/** Generated from proto/ by scripts/asyncapi/generate.mjs (the `generate` script): the topics this service writes. */
export const ASYNCAPI_PATH = join(__dirname, '..', 'asyncapi', 'asyncapi.json');

export interface MissionViewRuntime extends ReadModelRuntime<MissionEvent> {
  readonly country: string;
}

/**
 * Wires one mission's view: its own database, the projection of its country's cycles from the
 * registration topic (versioned, rebuilt without downtime), and the HTTP API for that mission alone.
 * main.ts and the end-to-end tests both start it through here.
 */
export async function startMissionView(config: MissionViewConfig, clock: () => Date = () => new Date()): Promise<MissionViewRuntime> {
  const country = config.MISSION_COUNTRY;
  const runtime = await startReadModelService({
    name: SERVICE,
    instance: `${SERVICE}-${country.toLowerCase()}`,
    config,
    definition: missionViewProjection(country, config.TOPIC_NAMESPACE),
    module: (host) => MissionViewModule.with({ host, settings: { country, clock } }),
    openApi: loadOpenApiDocument(OPENAPI_PATH),
    asyncApi: loadAsyncApiDocument(ASYNCAPI_PATH),
    translateError: translateViewError,
  });
  return { ...runtime, country };
}
