import { join } from 'node:path';
import { loadAsyncApiDocument, loadOpenApiDocument } from '@homeward/service-kit';
import { startReadModelService, type ReadModelRuntime } from '@homeward/projections/service';
import { AgencyViewModule } from './agency-view.module';
import type { AgencyViewConfig } from './agency-view.config';
import { agencyViewProjection, type AgencyEvent } from './projection/agency.read-model';
import { translateViewError } from './http/errors';

export const SERVICE = 'agency-view';
export const OPENAPI_PATH = join(__dirname, '..', 'openapi', 'agency-view.v1.yaml');
/** Generated from proto/ by scripts/asyncapi/generate.mjs (the `generate` script): the topics this service writes. */
export const ASYNCAPI_PATH = join(__dirname, '..', 'asyncapi', 'asyncapi.json');

export type AgencyViewRuntime = ReadModelRuntime<AgencyEvent>;

/**
 * Wires the agency view: its own database, the projection of every Homeward topic it has a source for
 * (versioned, rebuilt without downtime), and the HTTP API for origin-country agencies.
 * main.ts and the end-to-end tests both start it through here.
 */
export function startAgencyView(config: AgencyViewConfig): Promise<AgencyViewRuntime> {
  return startReadModelService({
    name: SERVICE,
    config,
    definition: agencyViewProjection(config.TOPIC_NAMESPACE, config.DIRECTORY_KEY),
    // Name search compares trigrams; the extension lives in the database, not in a build's schema, which a rebuild drops.
    prepare: async (pool) => void (await pool.query('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public')),
    module: (host) => AgencyViewModule.with({ host }),
    openApi: loadOpenApiDocument(OPENAPI_PATH),
    asyncApi: loadAsyncApiDocument(ASYNCAPI_PATH),
    translateError: translateViewError,
  });
}
