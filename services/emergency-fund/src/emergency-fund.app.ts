import { join } from 'node:path';
import { eventsTopic } from '@homeward/contracts';
import { startEventSourcedService, type EventSourcedRuntime, type ServiceParts } from '@homeward/command-handling/service';
import { Ledger, ledgerMigrations } from '@homeward/ledger';
import { LocalPaymentProvider, localProviderMigrations } from '@homeward/payments/local-provider';
import { Payments, paymentsMigrations, type Payee, type PayeeSealer } from '@homeward/payments';
import { fromStoredSeal, toStoredSeal } from '@homeward/command-handling/streams';
import { createLogger, loadAsyncApiDocument, loadOpenApiDocument } from '@homeward/service-kit';
import { EventStore } from '@homeward/event-store';
import { SubjectErased, type PersonalDataVault } from '@homeward/personal-data';
import type { EmergencyFundConfig } from './emergency-fund.config';
import { EmergencyFundModule } from './emergency-fund.module';
import { fundMigrations } from './persistence/migrations';
import { translateFundError } from './http/errors';
import { ClaimStreams, MemberStreams, PolicyStreams } from './persistence/fund.streams';
import { ReadTables } from './persistence/read-tables';
import type { FundApplication } from './application/fund.application';
import { ClaimCommands } from './application/claims.commands';
import { MemberCommands } from './application/members.commands';
import { PolicyCommands } from './application/policies.commands';
import { fundMessages } from './messaging/fund-topic.mapper';
import { registrationConsumer, registrationDeadLetterTopic } from './messaging/registration.consumer';
import { DEFAULT_POLICIES, defaultFundOf } from './policies';

export const SERVICE = 'emergency-fund';
/** The service part of its topic: `homeward.fund.events.v1` (package homeward.fund.v1). */
export const TOPIC_SERVICE = 'fund';
export const OPENAPI_PATH = join(__dirname, '..', 'openapi', 'emergency-fund.v1.yaml');
/** Generated from proto/ by scripts/asyncapi/generate.mjs (the `generate` script): the topics this service writes. */
export const ASYNCAPI_PATH = join(__dirname, '..', 'asyncapi', 'asyncapi.json');

type Parts = Omit<ServiceParts, 'committed'> & { committed: () => void };

export interface EmergencyFundRuntime extends EventSourcedRuntime {
  readonly application: FundApplication;
}

/**
 * Payees are sealed with the worker's key in the service's vault, like case notes: erasure shreds them in
 * `payments_outgoing`; a payment after erasure keeps none. Sealed on the pool (not in a command's transaction), so that a key made for the
 * worker here is committed with the payment order that uses it.
 */
const payeeSealer = (vault: PersonalDataVault): PayeeSealer => ({
  seal: async (workerId, payee) => {
    try {
      return toStoredSeal(await vault.seal(workerId, payee));
    } catch (error) {
      // A claim of a worker erased before it was paid (a family's death claim, say) is still paid; the
      // fund keeps no payee for it (the provider holds the order).
      if (error instanceof SubjectErased) return undefined;
      throw error;
    }
  },
  open: (workerId, sealed) => vault.open<Payee>(workerId, fromStoredSeal(sealed)),
});

function buildApplication(parts: Parts, config: EmergencyFundConfig, vault: PersonalDataVault): FundApplication {
  const { pool, store, clock, committed, log } = parts;
  const tables = new ReadTables(pool);
  const ledger = new Ledger(pool);
  // The development provider; a bank's or a mobile-money operator's implements the same PaymentProvider port.
  const provider = new LocalPaymentProvider(pool);
  const payments = new Payments(pool, provider, payeeSealer(vault));
  const policies = new PolicyCommands(new PolicyStreams(store), pool, tables, ledger, committed);
  const memberStreams = new MemberStreams(store);
  const members = new MemberCommands({ streams: memberStreams, policies, ledger, pool, committed });
  const claims = new ClaimCommands({
    streams: new ClaimStreams(store),
    members: memberStreams,
    policies,
    tables,
    ledger,
    payments,
    providerName: provider.name,
    vault,
    pool,
    committed,
    log: log.child({ component: 'claims' }),
  });
  const fundId = (config.FUND_ID !== 'auto' && config.FUND_ID) || defaultFundOf(config.ORIGIN_COUNTRY) || `${config.ORIGIN_COUNTRY}-FUND`;
  return { policies, members, claims, tables, ledger, clock, originCountry: config.ORIGIN_COUNTRY, fundId };
}

/**
 * The emergency fund's write side on the kit: its tables and the ledger's, the relay's mapping of its streams
 * to `homeward.fund.events.v1`, its HTTP module, and the consumer of registration's topic (dates for time
 * limits, coverage by registration, draft claims from welfare incidents, erasure). main.ts and the
 * end-to-end tests both start the service through here.
 */
export async function startEmergencyFund(config: EmergencyFundConfig, clock: () => Date = () => new Date()): Promise<EmergencyFundRuntime> {
  if (config.PERSONAL_DATA_MASTER_KEY === undefined)
    throw new Error('PERSONAL_DATA_MASTER_KEY is required: the fund seals case notes with each worker’s key');
  let application: FundApplication | undefined;
  const applicationOf = (parts: Parts) => (application ??= buildApplication(parts, config, parts.vault!));
  const runtime = await startEventSourcedService({
    name: SERVICE,
    topic: TOPIC_SERVICE,
    config,
    clock,
    migrations: [...fundMigrations, ...ledgerMigrations, ...paymentsMigrations, ...localProviderMigrations],
    topics: (namespace) => [
      { topic: eventsTopic('registration', namespace) },
      { topic: registrationDeadLetterTopic(namespace), partitions: 1 },
    ],
    relay: ({ topic }) => ({ toMessages: fundMessages(topic, `/homeward/${config.ORIGIN_COUNTRY.toLowerCase()}/emergency-fund`) }),
    api: (parts) => EmergencyFundModule.with(applicationOf(parts)),
    openApi: loadOpenApiDocument(OPENAPI_PATH),
    asyncApi: loadAsyncApiDocument(ASYNCAPI_PATH),
    translateError: translateFundError,
    projections: (parts) => {
      const app = applicationOf(parts);
      return [
        registrationConsumer(parts.kafka, parts.pool, {
          namespace: config.TOPIC_NAMESPACE,
          topic: eventsTopic('registration', config.TOPIC_NAMESPACE),
          logger: parts.log.child({ component: 'registration-consumer' }),
          deps: {
            claims: app.claims,
            members: app.members,
            tables: app.tables,
            vault: parts.vault!,
            fundId: app.fundId,
            originCountry: config.ORIGIN_COUNTRY,
            clock,
          },
        }),
      ];
    },
  });
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
  if (config.DEFAULT_POLICIES) {
    const metadata = {
      now: clock(),
      actor: { organisationId: 'emergency-fund', kind: 'system' as const, userId: 'default-policies' },
      originCountry: config.ORIGIN_COUNTRY,
      correlationId: 'default-policies',
    };
    for (const terms of DEFAULT_POLICIES) await application.policies.publishDefault(terms, metadata);
  }
  return { ...runtime, application };
}
