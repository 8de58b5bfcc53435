import type { PoolClient } from 'pg';
import type { CommandMetadata } from '@homeward/command-handling';
import { ConcurrencyError } from '@homeward/event-store';
import { ConsumerRunner } from '@homeward/messaging/consumer';
import { isTransientError, type Kafka } from '@homeward/messaging';
import type { Pool } from '@homeward/pg-kit';
import { decodeRegistrationFact, type RegistrationFact } from '@homeward/projections/registration';
import type { createLogger } from '@homeward/service-kit';
import type { CandidateCommands } from '../application/candidates.commands';
import type { KnownWorkers } from '../persistence/known-workers';

type Logger = ReturnType<typeof createLogger>;

const ERASURE_BASES = new Set(['subject_request', 'retention_period_ended', 'legal_obligation']);

/** The dead-letter topic of the consumer: a message that can never be applied (it does not decode) goes there. */
export const registrationDeadLetterTopic = (namespace: string) => `${namespace}homeward.skills-certification.registration.dlq.v1`;

/**
 * What the service does with registration's facts, in the consumer's transaction: keeps the workers it
 * knows (registered, sex, destination of the latest cycle — nothing more), adds each mission's
 * SkillsAcquired to the worker's portfolio as evidence attested by the mission, and shreds the worker's
 * sealed data here when registration erases theirs.
 */
export async function applyRegistrationFact(
  fact: RegistrationFact,
  tx: PoolClient,
  deps: { knownWorkers: KnownWorkers; candidates: CandidateCommands; originCountry: string; clock: () => Date },
): Promise<void> {
  const { envelope } = fact;
  const metadata = (): CommandMetadata => ({
    now: deps.clock(),
    actor: { organisationId: envelope.actor.organisationId, kind: envelope.actor.kind as 'mission', userId: 'registration-topic' },
    originCountry: envelope.originCountry || deps.originCountry,
    correlationId: envelope.eventId,
    causationId: envelope.eventId,
  });
  switch (fact.type) {
    case 'WorkerRegistered':
      await deps.knownWorkers.registered(tx, {
        workerId: fact.data.workerId,
        sex: fact.data.sex,
        registeredOn: (envelope.occurredAt ?? envelope.recordedAt).toISOString().slice(0, 10),
        version: envelope.streamVersion,
      });
      return;
    case 'WorkerDetailsCorrected':
      if (fact.data.sex) await deps.knownWorkers.corrected(tx, fact.data.workerId, fact.data.sex);
      return;
    case 'DepartureRecorded':
      await deps.knownWorkers.departed(tx, fact.data.workerId, fact.data.cycleNumber, fact.data.destinationCountry);
      return;
    case 'ReturnRecorded':
      if (fact.data.withoutRecordedDeparture)
        await deps.knownWorkers.departed(tx, fact.data.workerId, fact.data.cycleNumber, fact.data.fromCountry);
      return;
    case 'SkillsAcquired': {
      const country = envelope.destinationCountry;
      await deps.candidates.addMissionAttestedSkills(
        tx,
        {
          workerId: fact.data.workerId,
          sourceEventId: envelope.eventId,
          cycleNumber: fact.data.cycleNumber,
          country,
          recordedOn: fact.data.recordedOn,
          skills: fact.data.skills.map((s) => ({
            kind: s.kind as 'language' | 'technology' | 'work_process',
            title: s.title,
            ...(s.escoUri ? { escoUri: s.escoUri } : {}),
          })),
        },
        metadata(),
      );
      return;
    }
    case 'PersonalDataErased': {
      const basis = ERASURE_BASES.has(fact.data.basis) ? fact.data.basis : 'legal_obligation';
      await deps.knownWorkers.erased(tx, fact.data.workerId, fact.data.erasedOn);
      await deps.candidates.erase(tx, fact.data.workerId, basis as 'legal_obligation', metadata());
      return;
    }
    default:
      return;
  }
}

export function registrationConsumer(
  kafka: Kafka,
  pool: Pool,
  options: {
    namespace: string;
    topic: string;
    logger: Logger;
    deps: Parameters<typeof applyRegistrationFact>[2];
  },
): ConsumerRunner<RegistrationFact> {
  return new ConsumerRunner<RegistrationFact>(kafka, pool, {
    consumer: `${options.namespace}homeward.skills-certification.registration`,
    topics: [options.topic],
    deadLetterTopic: registrationDeadLetterTopic(options.namespace),
    decode: decodeRegistrationFact,
    handle: (fact, tx) => applyRegistrationFact(fact, tx, options.deps),
    // Each message is recorded as handled in the transaction of its effect: a redelivery changes nothing.
    deduplicateByEventId: true,
    // A command on the same case committed meanwhile: the message is applied again on the new version, never dead-lettered.
    isTransient: (error) => isTransientError(error) || error instanceof ConcurrencyError,
    fromBeginning: true,
    logger: options.logger,
  });
}
