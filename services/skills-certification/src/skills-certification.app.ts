import { join } from 'node:path';
import { eventsTopic } from '@homeward/contracts';
import { startEventSourcedService, type EventSourcedRuntime, type ServiceParts } from '@homeward/command-handling/service';
import type { ToMessages } from '@homeward/messaging/event-relay';
import type { PersonalDataVault } from '@homeward/personal-data';
import { createLogger, loadAsyncApiDocument, loadOpenApiDocument } from '@homeward/service-kit';
import { EventStore } from '@homeward/event-store';
import type { SkillsCertificationConfig } from './skills-certification.config';
import { SkillsCertificationModule } from './skills-certification.module';
import { skillsMigrations } from './persistence/migrations';
import { translateSkillsError } from './http/errors';
import { EVIDENCE_FILE_LIMIT, EVIDENCE_MEDIA_TYPES } from './http/evidence-files.controller';
import { CandidateStreams, CentreStreams, StandardStreams } from './persistence/skills.streams';
import { CertificateRegister } from './persistence/certificate-register';
import { KnownWorkers } from './persistence/known-workers';
import { IssuedCredentials } from './persistence/issued-credentials';
import { LocalDiskObjectStore } from './persistence/local-disk.object-store';
import { Lookups } from './application/lookups';
import { StandardCommands } from './application/standards.commands';
import { CentreCommands } from './application/centres.commands';
import { CandidateCommands } from './application/candidates.commands';
import { CredentialStore } from './application/credential-store';
import type { CredentialIssuer } from './application/ports/credential-issuer';
import type { SkillsApplication } from './application/skills.application';
import { VerificationCodes } from './application/verification/verification-code';
import { FailureThrottle } from './application/verification/failure-throttle';
import { CertificateVerification } from './application/verification/verify-certificate';
import { registrationConsumer, registrationDeadLetterTopic } from './messaging/registration.consumer';
import { skillsMessages } from './messaging/skills-relay';
import { HomewardCredentialIssuer } from './credentials/homeward-credential-issuer';

export const SERVICE = 'skills-certification';
/** The service part of its topic: `homeward.skills.events.v1` (package homeward.skills.v1). */
export const TOPIC_SERVICE = 'skills';
export const OPENAPI_PATH = join(__dirname, '..', 'openapi', 'skills-certification.v1.yaml');
/** Generated from proto/ by scripts/asyncapi/generate.mjs (the `generate` script): the topics this service writes. */
export const ASYNCAPI_PATH = join(__dirname, '..', 'asyncapi', 'asyncapi.json');

/** Paths anyone may call without a token: public verification, the status lists, the issuer's DID document. */
export const PUBLIC_ROUTES: readonly RegExp[] = [/^\/verify\/[^/]+$/, /^\/status-lists\/[^/]+$/, /^\/\.well-known\/did\.json$/];

export interface SkillsCertificationRuntime extends EventSourcedRuntime {
  readonly vault: PersonalDataVault;
  readonly application: SkillsApplication;
}

/** What tests may put in place of the real thing. */
export interface SkillsCertificationSeams {
  readonly relayMapper?: (real: ToMessages) => ToMessages;
  /** The issuer of credentials; by default the one configured (none: certificates without credentials). */
  readonly credentials?: CredentialIssuer;
}

function buildApplication(
  parts: Omit<ServiceParts, 'committed'> & { committed: () => void },
  config: SkillsCertificationConfig,
  issuer: CredentialIssuer | undefined,
): SkillsApplication {
  const { pool, store, vault, clock, committed, log } = parts;
  const standardStreams = new StandardStreams(store);
  const centreStreams = new CentreStreams(store);
  const candidateStreams = new CandidateStreams(store, vault!);
  const lookups = new Lookups(standardStreams, centreStreams);
  const register = new CertificateRegister(pool);
  const codes = new VerificationCodes(config.VERIFICATION_SECRET);
  const objects = new LocalDiskObjectStore(config.OBJECT_STORE_DIR);
  const credentials = new CredentialStore(issuer, lookups, register, new IssuedCredentials(pool), codes, config.PUBLIC_BASE_URL, clock);
  return {
    standards: new StandardCommands(standardStreams, pool, committed),
    centres: new CentreCommands(centreStreams, pool, lookups, committed),
    candidates: new CandidateCommands({
      streams: candidateStreams,
      pool,
      vault: vault!,
      lookups,
      register,
      knownWorkers: new KnownWorkers(pool),
      codes,
      objects,
      credentials,
      issuingBody: config.ISSUING_BODY,
      committed,
    }),
    credentials,
    verification: new CertificateVerification(
      register,
      lookups,
      codes,
      new FailureThrottle(config.VERIFY_FAILURES_PER_WINDOW, config.VERIFY_WINDOW_SECONDS),
      credentials,
      () => credentials.issuerId ?? config.PUBLIC_BASE_URL,
      clock,
      log.child({ component: 'verification' }),
    ),
    codes,
    objects,
    clock,
    originCountry: config.ORIGIN_COUNTRY,
  };
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
  if (config.PERSONAL_DATA_MASTER_KEY === undefined)
    throw new Error('PERSONAL_DATA_MASTER_KEY is required: the service seals free text about workers');
  const issuer =
    seams.credentials ??
    (config.CREDENTIALS_ISSUER_KEYS.trim() === ''
      ? undefined
      : HomewardCredentialIssuer.fromConfig(config.CREDENTIALS_ISSUER_KEYS, config.CREDENTIALS_DID_METHOD, config.PUBLIC_BASE_URL, clock));
  let application: SkillsApplication | undefined;
  const applicationOf = (parts: Parameters<typeof buildApplication>[0]) => (application ??= buildApplication(parts, config, issuer));
  const runtime = await startEventSourcedService({
    name: SERVICE,
    topic: TOPIC_SERVICE,
    config,
    clock,
    migrations: skillsMigrations,
    // Registration's topic too, as read models do with their sources: the consumer can subscribe even when
    // this service starts before registration ever published.
    topics: (namespace) => [
      { topic: eventsTopic('registration', namespace) },
      { topic: registrationDeadLetterTopic(namespace), partitions: 1 },
    ],
    relay: ({ topic }) => ({ toMessages: skillsMessages(topic, `/homeward/${config.ORIGIN_COUNTRY.toLowerCase()}/skills-certification`) }),
    api: (parts) => SkillsCertificationModule.with(applicationOf(parts)),
    openApi: loadOpenApiDocument(OPENAPI_PATH),
    asyncApi: loadAsyncApiDocument(ASYNCAPI_PATH),
    translateError: translateSkillsError,
    publicRoutes: PUBLIC_ROUTES,
    // Anyone may verify: counted per client address (RATE_LIMITS public-verification=N), beside the failure throttle.
    rateLimits: [{ name: 'public-verification', method: 'GET', url: '/verify/{certificateNumber}', max: 120 }],
    projections: (parts) => [
      registrationConsumer(parts.kafka, parts.pool, {
        namespace: config.TOPIC_NAMESPACE,
        topic: eventsTopic('registration', config.TOPIC_NAMESPACE),
        logger: parts.log.child({ component: 'registration-consumer' }),
        deps: {
          knownWorkers: new KnownWorkers(parts.pool),
          candidates: applicationOf(parts).candidates,
          originCountry: config.ORIGIN_COUNTRY,
          clock,
        },
      }),
    ],
    configure: (app) =>
      app
        .getHttpAdapter()
        .getInstance()
        .addContentTypeParser(EVIDENCE_MEDIA_TYPES, { parseAs: 'buffer', bodyLimit: EVIDENCE_FILE_LIMIT }, (_request, body, done) =>
          done(null, body),
        ),
    ...(seams.relayMapper ? { relayMapper: seams.relayMapper } : {}),
  });
  // A process without the api and projection roles still answers what the runtime offers.
  application ??= buildApplication(
    {
      pool: runtime.pool,
      kafka: runtime.kafka,
      store: new EventStore(runtime.pool),
      topic: runtime.topic,
      vault: runtime.vault,
      clock,
      log: createLogger(SERVICE, config.LOG_LEVEL),
      committed: () => undefined,
    },
    config,
    issuer,
  );
  return { ...runtime, vault: runtime.vault!, application };
}
