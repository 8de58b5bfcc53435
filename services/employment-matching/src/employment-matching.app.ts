import { join } from 'node:path';
import { eventsTopic } from '@homeward/contracts';
import { startEventSourcedService, type EventSourcedRuntime, type ServiceParts } from '@homeward/command-handling/service';
import type { ToMessages } from '@homeward/messaging/event-relay';
import { createLogger, loadAsyncApiDocument, loadOpenApiDocument } from '@homeward/service-kit';
import { EventStore } from '@homeward/event-store';
import type { EmploymentMatchingConfig } from './employment-matching.config';
import { EmploymentMatchingModule } from './employment-matching.module';
import { employmentMigrations } from './persistence/migrations';
import { translateEmploymentError } from './http/errors';
import { ReferralStreams, SeekerStreams, VacancyStreams } from './persistence/employment.streams';
import { ReadTables } from './persistence/read-tables';
import type { EmploymentApplication } from './application/employment.application';
import type { MatchExplainer } from './application/ports/match-explainer';
import { ReferralCommands } from './application/referrals.commands';
import { SeekerCommands } from './application/seekers.commands';
import { VacancyCommands } from './application/vacancies.commands';
import { employmentMessages } from './messaging/employment-relay';
import { registrationConsumer, registrationDeadLetterTopic } from './messaging/registration.consumer';
import { MatchingEngine } from './matching/matching.engine';
import { matchingConsumer, matchingDeadLetterTopic } from './matching/matching.consumer';

export const SERVICE = 'employment-matching';
/** The service part of its topic: `homeward.employment.events.v1` (package homeward.employment.v1). */
export const TOPIC_SERVICE = 'employment';
export const OPENAPI_PATH = join(__dirname, '..', 'openapi', 'employment-matching.v1.yaml');
/** Generated from proto/ by scripts/asyncapi/generate.mjs (the `generate` script): the topics this service writes. */
export const ASYNCAPI_PATH = join(__dirname, '..', 'asyncapi', 'asyncapi.json');

type Parts = Omit<ServiceParts, 'committed'> & { committed: () => void };

/**
 * An explainer that knows no seeker: every referral is refused with `employment.match-unavailable` rather than
 * recorded with a made-up score. The service itself uses the matching engine (src/matching/).
 */
export const NO_MATCHING_ENGINE: MatchExplainer = { explain: async () => undefined };

export interface EmploymentMatchingRuntime extends EventSourcedRuntime {
  readonly application: EmploymentApplication;
}

/** What the caller puts in place: the matching engine (its real one, or a test's), and test seams. */
export interface EmploymentMatchingOptions {
  /** The explainer the referral command asks, built on the service's parts (its pool); none: the matching engine's. */
  readonly explainer?: (parts: Parts) => MatchExplainer;
  readonly relayMapper?: (real: ToMessages) => ToMessages;
}

function buildApplication(parts: Parts, config: EmploymentMatchingConfig, explainer: MatchExplainer): EmploymentApplication {
  const { pool, store, clock, committed } = parts;
  const tables = new ReadTables(pool);
  const vacancyStreams = new VacancyStreams(store);
  const vacancies = new VacancyCommands(vacancyStreams, pool, tables, committed);
  const seekers = new SeekerCommands(new SeekerStreams(store), pool, tables, committed);
  const referrals = new ReferralCommands({
    streams: new ReferralStreams(store),
    vacancyStreams,
    vacancies,
    seekers,
    tables,
    explainer,
    pool,
    committed,
  });
  vacancies.withdrawalClosesReferralsWith((client, vacancyId, metadata) =>
    referrals.closeWaitingIn(client, vacancyId, 'vacancy_withdrawn', metadata),
  );
  return { vacancies, seekers, referrals, tables, clock, originCountry: config.ORIGIN_COUNTRY };
}

/**
 * The employment-matching service's write side on the kit: its tables, the relay's mapping of its streams to
 * `homeward.employment.events.v1`, its HTTP module, and the consumer of registration's topic that keeps the
 * job-seeker register. main.ts and the end-to-end tests both start the service through here.
 */
export async function startEmploymentMatching(
  config: EmploymentMatchingConfig,
  clock: () => Date = () => new Date(),
  options: EmploymentMatchingOptions = {},
): Promise<EmploymentMatchingRuntime> {
  let application: EmploymentApplication | undefined;
  let explainer: MatchExplainer | undefined;
  let engine: MatchingEngine | undefined;
  const engineOf = (parts: Parts) => (engine ??= new MatchingEngine(parts.pool));
  const applicationOf = (parts: Parts) => {
    explainer ??= options.explainer?.(parts) ?? engineOf(parts);
    return (application ??= buildApplication(parts, config, explainer));
  };
  const runtime = await startEventSourcedService({
    name: SERVICE,
    topic: TOPIC_SERVICE,
    config,
    clock,
    migrations: employmentMigrations,
    // Registration's topic too: the consumer can subscribe even when this service starts before registration ever published.
    topics: (namespace) => [
      { topic: eventsTopic('registration', namespace) },
      { topic: registrationDeadLetterTopic(namespace), partitions: 1 },
      // The matching engine's: skills-certification's topic (its own and registration's are there already) and its dead letters.
      { topic: eventsTopic('skills', namespace) },
      { topic: matchingDeadLetterTopic(namespace), partitions: 1 },
    ],
    relay: ({ topic }) => ({
      toMessages: employmentMessages(topic, `/homeward/${config.ORIGIN_COUNTRY.toLowerCase()}/employment-matching`),
    }),
    api: (parts) => {
      const app = applicationOf(parts);
      return EmploymentMatchingModule.with(app, explainer!, engineOf(parts));
    },
    openApi: loadOpenApiDocument(OPENAPI_PATH),
    asyncApi: loadAsyncApiDocument(ASYNCAPI_PATH),
    translateError: translateEmploymentError,
    projections: (parts) => [
      registrationConsumer(parts.kafka, parts.pool, {
        namespace: config.TOPIC_NAMESPACE,
        topic: eventsTopic('registration', config.TOPIC_NAMESPACE),
        logger: parts.log.child({ component: 'registration-consumer' }),
        deps: { seekers: applicationOf(parts).seekers, tables: applicationOf(parts).tables, originCountry: config.ORIGIN_COUNTRY, clock },
      }),
      // The matching engine's profiles: registration's, skills-certification's and this service's topics.
      matchingConsumer(parts.kafka, parts.pool, {
        namespace: config.TOPIC_NAMESPACE,
        store: engineOf(parts).store,
        logger: parts.log.child({ component: 'matching-consumer' }),
      }),
    ],
    ...(options.relayMapper ? { relayMapper: options.relayMapper } : {}),
  });
  // A process without the api and projection roles still answers what the runtime offers.
  application ??= applicationOf({
    pool: runtime.pool,
    kafka: runtime.kafka,
    store: new EventStore(runtime.pool),
    topic: runtime.topic,
    vault: runtime.vault,
    clock,
    log: createLogger(SERVICE, config.LOG_LEVEL),
    committed: () => undefined,
  });
  return { ...runtime, application };
}
