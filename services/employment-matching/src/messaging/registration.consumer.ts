import type { PoolClient } from 'pg';
import type { CommandMetadata } from '@homeward/command-handling';
import { ConcurrencyError } from '@homeward/event-store';
import { ConsumerRunner } from '@homeward/messaging/consumer';
import { isTransientError, type Kafka } from '@homeward/messaging';
import type { Pool } from '@homeward/pg-kit';
import { decodeRegistrationFact, type RegistrationFact } from '@homeward/projections/registration';
import type { createLogger } from '@homeward/service-kit';
import type { SeekerCommands } from '../application/seekers.commands';

type Logger = ReturnType<typeof createLogger>;

/** The dead-letter topic of the consumer: a message that can never be applied (it does not decode) goes there. */
export const registrationDeadLetterTopic = (namespace: string) => `${namespace}homeward.employment-matching.registration.dlq.v1`;

/**
 * What the write side does with registration's facts, in the consumer's transaction: a return makes a job
 * seeker (a return because of death instead ends a seeker's registration), a departure of a later cycle
 * ends it (re-migrated). Idempotent by the source event: the consumer records each message as handled in
 * the transaction of its effect, and the seeker's stream remembers the ReturnRecorded that made it.
 * The matching engine keeps its own profiles from the same topic; this is only the job-seeker register.
 */
export async function applyRegistrationFact(
  fact: RegistrationFact,
  tx: PoolClient,
  deps: { seekers: SeekerCommands; originCountry: string; clock: () => Date },
): Promise<void> {
  const { envelope } = fact;
  const metadata = (): CommandMetadata => ({
    now: deps.clock(),
    actor: { organisationId: envelope.actor.organisationId, kind: envelope.actor.kind as 'agency', userId: 'registration-topic' },
    originCountry: envelope.originCountry || deps.originCountry,
    correlationId: envelope.eventId,
    causationId: envelope.eventId,
  });
  switch (fact.type) {
    case 'ReturnRecorded': {
      const { workerId, cycleNumber, returnedOn, reason } = fact.data;
      if (reason === 'death') {
        await deps.seekers.followIn(tx, workerId, { type: 'LeaveRegister', data: { reason: 'deceased' } }, metadata());
        return;
      }
      await deps.seekers.followIn(
        tx,
        workerId,
        { type: 'RegisterReturnee', data: { workerId, sourceEventId: envelope.eventId, cycleNumber, returnedOn } },
        metadata(),
      );
      return;
    }
    case 'DepartureRecorded': {
      const { workerId, cycleNumber, departedOn } = fact.data;
      await deps.seekers.followIn(
        tx,
        workerId,
        { type: 'LeaveRegister', data: { reason: 'remigrated', departure: { cycleNumber, departedOn } } },
        metadata(),
      );
      return;
    }
    default:
      return;
  }
}

export function registrationConsumer(
  kafka: Kafka,
  pool: Pool,
  options: { namespace: string; topic: string; logger: Logger; deps: Parameters<typeof applyRegistrationFact>[2] },
): ConsumerRunner<RegistrationFact> {
  return new ConsumerRunner<RegistrationFact>(kafka, pool, {
    consumer: `${options.namespace}homeward.employment-matching.registration`,
    topics: [options.topic],
    deadLetterTopic: registrationDeadLetterTopic(options.namespace),
    decode: decodeRegistrationFact,
    handle: (fact, tx) => applyRegistrationFact(fact, tx, options.deps),
    deduplicateByEventId: true,
    // A command on the same seeker committed meanwhile: the message is applied again on the new version, never dead-lettered.
    isTransient: (error) => isTransientError(error) || error instanceof ConcurrencyError,
    fromBeginning: true,
    logger: options.logger,
  });
}
