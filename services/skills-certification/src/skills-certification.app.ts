import { join } from 'node:path';
import { startEventSourcedService, type EventSourcedRuntime } from '@homeward/command-handling/service';
import type { ToMessages } from '@homeward/messaging/event-relay';
import type { PersonalDataVault } from '@homeward/personal-data';
import { loadOpenApiDocument } from '@homeward/service-kit';
import type { SkillsCertificationConfig } from './skills-certification.config';
import { SkillsCertificationModule } from './skills-certification.module';
import { skillsMigrations } from './persistence/migrations';
import { translateSkillsError } from './http/errors';

export const SERVICE = 'skills-certification';
/** The service part of its topic: `homeward.skills.events.v1` (package homeward.skills.v1). */
export const TOPIC_SERVICE = 'skills';
export const OPENAPI_PATH = join(__dirname, '..', 'openapi', 'skills-certification.v1.yaml');

/** Paths anyone may call without a token: public verification, the status lists, the issuer's DID document. */
export const PUBLIC_ROUTES: readonly RegExp[] = [/^\/verify\/[^/]+$/, /^\/status-lists\/[^/]+$/, /^\/\.well-known\/did\.json$/];

export interface SkillsCertificationRuntime extends EventSourcedRuntime {
  readonly vault: PersonalDataVault;
}

/** What tests may put in place of the real thing. */
export interface SkillsCertificationSeams {
  readonly relayMapper?: (real: ToMessages) => ToMessages;
}

/**
 * The skills-certification service on the write-side kit: its tables, the relay's mapping of its streams to
 * `homeward.skills.events.v1`, its HTTP module, and the consumer of registration's topic. main.ts and the
 * end-to-end tests both start the service through here.
 */
export async function startSkillsCertification(
  config: SkillsCertificationConfig,
  clock: () => Date = () => new Date(),
  seams: SkillsCertificationSeams = {},
): Promise<SkillsCertificationRuntime> {
  const runtime = await startEventSourcedService({
    name: SERVICE,
    topic: TOPIC_SERVICE,
    config,
    clock,
    migrations: skillsMigrations,
    relay: () => ({
      // Until the domain's mapper (messaging/skills-topic.mapper.ts) lands: nothing is published.
      toMessages: async () => [],
    }),
    api: () => SkillsCertificationModule.with({ clock }),
    openApi: loadOpenApiDocument(OPENAPI_PATH),
    translateError: translateSkillsError,
    publicRoutes: PUBLIC_ROUTES,
    ...(seams.relayMapper ? { relayMapper: seams.relayMapper } : {}),
  });
  return { ...runtime, vault: runtime.vault! };
}
