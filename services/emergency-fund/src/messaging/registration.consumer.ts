import type { PoolClient } from 'pg';
import type { CommandMetadata } from '@homeward/command-handling';
import { ConcurrencyError } from '@homeward/event-store';
import { ConsumerRunner } from '@homeward/messaging/consumer';
import { isTransientError, type Kafka } from '@homeward/messaging';
import type { Pool } from '@homeward/pg-kit';
import { decodeRegistrationFact, type RegistrationFact } from '@homeward/projections/registration';
import type { createLogger } from '@homeward/service-kit';
import type { PersonalDataVault } from '@homeward/personal-data';
import type { ClaimCommands } from '../application/claims.commands';
import type { MemberCommands } from '../application/members.commands';
import { INCIDENT_KINDS, type IncidentKind } from '../domain/policy/policy';
import type { ReadTables } from '../persistence/read-tables';

type Logger = ReturnType<typeof createLogger>;

export const registrationDeadLetterTopic = (namespace: string) => `${namespace}homeward.emergency-fund.registration.dlq.v1`;

export interface RegistrationDeps {
  readonly claims: ClaimCommands;
  readonly members: MemberCommands;
  readonly tables: ReadTables;
  readonly vault: PersonalDataVault;
  /** The fund of the registry's country, e.g. PH-OWWA. */
  readonly fundId: string;
  readonly originCountry: string;
  readonly clock: () => Date;
}

/**
 * What the fund does with registration's facts, in the consumer's transaction: departures and returns give
 * the dates time limits are computed from (and coverage where registration covers); a welfare incident with
 * fund assistance requested opens a draft claim (once per source event); registration's erasure of a worker
 * shreds the fund's own key for them (their case notes become unreadable; claims and the ledger stay, under
 * the pseudonymous id).
 */
export async function applyRegistrationFact(fact: RegistrationFact, tx: PoolClient, deps: RegistrationDeps): Promise<void> {
  const { envelope } = fact;
  const metadata = (): CommandMetadata => ({
    now: deps.clock(),
    actor: { organisationId: envelope.actor.organisationId, kind: envelope.actor.kind as 'agency', userId: 'registration-topic' },
    originCountry: envelope.originCountry || deps.originCountry,
    correlationId: envelope.eventId,
    causationId: envelope.eventId,
  });
  switch (fact.type) {
    case 'DepartureRecorded': {
      const { workerId, cycleNumber, destinationCountry, departedOn } = fact.data;
      await deps.tables.departed(tx, workerId, cycleNumber, destinationCountry, departedOn);
      await deps.members.followDeparture(tx, deps.fundId, { workerId, departedOn, eventId: envelope.eventId }, metadata());
      return;
    }
    case 'ReturnRecorded': {
      const { workerId, cycleNumber, returnedOn, fromCountry } = fact.data as typeof fact.data & { fromCountry?: string };
      await deps.tables.returned(tx, workerId, cycleNumber, fromCountry ?? '', returnedOn);
      return;
    }
    case 'WelfareIncidentRecorded': {
      const d = fact.data;
      if (!d.fundAssistanceRequested) return;
      if (!(INCIDENT_KINDS as readonly string[]).includes(d.kind)) return;
      await deps.claims.openDraftFromIncident(
        tx,
        {
          eventId: envelope.eventId,
          workerId: d.workerId,
          cycleNumber: d.cycleNumber,
          incidentId: d.incidentId,
          occurredOn: d.occurredOn,
          kind: d.kind as IncidentKind,
          // The mission's country as registration's envelope names it, when the cycle's departure is not known here.
          destinationCountry: envelope.destinationCountry,
        },
        deps.fundId,
        metadata(),
      );
      return;
    }
    case 'PersonalDataErased':
      await deps.members.erase(tx, fact.data.workerId, (client) => deps.vault.erase(fact.data.workerId, client), metadata());
      return;
    default:
      return;
  }
}

export function registrationConsumer(
  kafka: Kafka,
  pool: Pool,
  options: { namespace: string; topic: string; logger: Logger; deps: RegistrationDeps },
): ConsumerRunner<RegistrationFact> {
  return new ConsumerRunner<RegistrationFact>(kafka, pool, {
    consumer: `${options.namespace}homeward.emergency-fund.registration`,
    topics: [options.topic],
    deadLetterTopic: registrationDeadLetterTopic(options.namespace),
    decode: decodeRegistrationFact,
    handle: (fact, tx) => applyRegistrationFact(fact, tx, options.deps),
    deduplicateByEventId: true,
    isTransient: (error) => isTransientError(error) || error instanceof ConcurrencyError,
    fromBeginning: true,
    logger: options.logger,
  });
}
