import { eventsTopic } from '@homeward/contracts';
import { EmploymentEventSchema, type EmploymentEvent } from '@homeward/contracts/employment/v1';
import { SkillsEventSchema, type SkillsEvent } from '@homeward/contracts/skills/v1';
import { isTransientError, type Kafka } from '@homeward/messaging';
import { ConsumerRunner, PoisonMessageError, type IncomingMessage } from '@homeward/messaging/consumer';
import { pgErrorCode, type Pool } from '@homeward/pg-kit';
import { decodeMessageValue, registrationFact, type RegistrationFact } from '@homeward/projections/registration';
import { RegistrationEventSchema } from '@homeward/contracts/registration/v1';
import type { createLogger } from '@homeward/service-kit';
import type { MatchingFact } from '../domain/matching/matching.facts';
import type { MatchingInput, MatchingStore } from './matching.store';

type Logger = ReturnType<typeof createLogger>;

/** The matching projection's dead-letter topic: a message of any of its three topics that can never be applied. */
export const matchingDeadLetterTopic = (namespace: string) => `${namespace}homeward.employment-matching.matching.dlq.v1`;

/** The topics the matching engine folds: registration's, skills-certification's and the service's own. */
export const matchingTopics = (namespace: string) => ({
  registration: eventsTopic('registration', namespace),
  skills: eventsTopic('skills', namespace),
  employment: eventsTopic('employment', namespace),
});

/**
 * Registration's fact as the matching engine's: the seeker's origin area and languages, periods abroad per
 * occupation, skills claimed with an ESCO URI, erasure. Sex goes beside the facts, for the fairness audit only.
 */
export function fromRegistration(fact: RegistrationFact): MatchingInput {
  const eventId = fact.envelope.eventId;
  const originCountry = fact.envelope.originCountry;
  const one = (f: MatchingFact): MatchingInput => ({ facts: [f], originCountry });
  switch (fact.type) {
    case 'WorkerRegistered':
      return {
        facts: [
          {
            type: 'WorkerRegistered',
            eventId,
            workerId: fact.data.workerId,
            originArea: fact.data.originArea,
            languages: fact.data.languages,
          },
        ],
        sex: { workerId: fact.data.workerId, sex: fact.data.sex },
        originCountry,
      };
    case 'WorkerDetailsCorrected':
      return {
        facts: [
          {
            type: 'WorkerDetailsCorrected',
            eventId,
            workerId: fact.data.workerId,
            ...(fact.data.originArea === undefined ? {} : { originArea: fact.data.originArea }),
            ...(fact.data.languages === undefined ? {} : { languages: fact.data.languages }),
          },
        ],
        ...(fact.data.sex ? { sex: { workerId: fact.data.workerId, sex: fact.data.sex } } : {}),
        originCountry,
      };
    case 'DepartureRecorded':
      return one({
        type: 'DepartureRecorded',
        eventId,
        workerId: fact.data.workerId,
        cycleNumber: fact.data.cycleNumber,
        occupationIsco: fact.data.occupationIsco,
        contractStart: fact.data.contractStart,
        departedOn: fact.data.departedOn,
      });
    case 'ArrivalRecorded':
      return one({
        type: 'ArrivalRecorded',
        eventId,
        workerId: fact.data.workerId,
        cycleNumber: fact.data.cycleNumber,
        arrivedOn: fact.data.arrivedOn,
      });
    case 'EmploymentChanged':
      return one({
        type: 'EmploymentChanged',
        eventId,
        workerId: fact.data.workerId,
        cycleNumber: fact.data.cycleNumber,
        changedOn: fact.data.changedOn,
        ...(fact.data.occupationIsco ? { occupationIsco: fact.data.occupationIsco } : {}),
      });
    case 'ReturnRecorded':
      return one({
        type: 'ReturnRecorded',
        eventId,
        workerId: fact.data.workerId,
        cycleNumber: fact.data.cycleNumber,
        returnedOn: fact.data.returnedOn,
      });
    case 'SkillsAcquired': {
      const escoUris = fact.data.skills.flatMap((s) => (s.escoUri ? [s.escoUri] : []));
      return escoUris.length === 0 ? { facts: [] } : one({ type: 'SkillsClaimed', eventId, workerId: fact.data.workerId, escoUris });
    }
    case 'PersonalDataErased':
      return one({ type: 'PersonalDataErased', eventId, workerId: fact.data.workerId });
    default:
      // Orientation, welfare, reintegration, duplicates, newer types: nothing the score reads.
      return { facts: [] };
  }
}

/** Skills-certification's event: standards (units and their ESCO skills), certificates and their status, attested skills. */
export function fromSkills(message: SkillsEvent): MatchingInput {
  const eventId = message.envelope?.eventId;
  if (!eventId) throw new PoisonMessageError('SkillsEvent without envelope');
  const event = message.event;
  const status = (
    workerId: string,
    certificateNumber: string,
    change: 'superseded' | 'suspended' | 'reinstated' | 'revoked',
  ): MatchingInput => ({
    facts: [{ type: 'CertificateStatusChanged', eventId, workerId, certificateNumber, change }],
  });
  switch (event.case) {
    case 'competencyStandardPublished':
    case 'competencyStandardRevised': {
      const e = event.value;
      return {
        facts: [
          {
            type: 'StandardPublished',
            eventId,
            standardId: e.standardId,
            version: e.version,
            occupationIsco: e.occupationIsco,
            units: e.units.map((u) => ({ code: u.code, escoSkills: [...u.escoSkills] })),
          },
        ],
      };
    }
    case 'competencyStandardWithdrawn':
      return { facts: [], standardWithdrawn: event.value.standardId };
    case 'certificateIssued': {
      const e = event.value;
      return {
        facts: [
          {
            type: 'CertificateIssued',
            eventId,
            workerId: e.workerId,
            certificateNumber: e.certificateNumber,
            standardId: e.standardId,
            unitCodes: [...e.unitCodes],
          },
        ],
      };
    }
    case 'certificateSuperseded':
      return status(event.value.workerId, event.value.certificateNumber, 'superseded');
    case 'certificateSuspended':
      return status(event.value.workerId, event.value.certificateNumber, 'suspended');
    case 'certificateReinstated':
      return status(event.value.workerId, event.value.certificateNumber, 'reinstated');
    case 'certificateRevoked':
      return status(event.value.workerId, event.value.certificateNumber, 'revoked');
    case 'missionAttestedSkillsAdded': {
      const escoUris = event.value.skills.flatMap((s) => (s.escoUri ? [s.escoUri] : []));
      return escoUris.length === 0
        ? { facts: [] }
        : { facts: [{ type: 'SkillsClaimed', eventId, workerId: event.value.workerId, escoUris }] };
    }
    default:
      // Centres, accreditations, counselling, evidence (no unit or skill named), assessments, erasure (registration's
      // erasure already clears the profile), newer types.
      return { facts: [] };
  }
}

/** The service's own event: vacancies and job seekers. Referrals and placements are the write side's. */
export function fromEmployment(message: EmploymentEvent): MatchingInput {
  const envelope = message.envelope;
  if (!envelope) throw new PoisonMessageError('EmploymentEvent without envelope');
  const eventId = envelope.eventId;
  const originCountry = envelope.jurisdiction?.originCountry ?? '';
  const event = message.event;
  switch (event.case) {
    case 'vacancyPosted': {
      const e = event.value;
      return {
        originCountry,
        facts: [
          {
            type: 'VacancyPosted',
            eventId,
            vacancyId: e.vacancyId,
            employerId: e.employerId,
            occupationIsco: e.occupationIsco,
            requiredStandards: [...e.requiredStandards],
            requiredUnits: e.requiredUnits.map((u) => ({ standardId: u.standardId, unitCode: u.unitCode })),
            experienceMonths: e.experienceMonths,
            location: e.location,
            languages: [...e.languages],
          },
        ],
      };
    }
    case 'vacancyClosed':
      return { facts: [{ type: 'VacancyEnded', eventId, vacancyId: event.value.vacancyId, how: 'closed' }] };
    case 'vacancyFilled':
      return { facts: [{ type: 'VacancyEnded', eventId, vacancyId: event.value.vacancyId, how: 'filled' }] };
    case 'vacancyWithdrawn':
      return { facts: [{ type: 'VacancyEnded', eventId, vacancyId: event.value.vacancyId, how: 'withdrawn' }] };
    case 'jobSeekerRegistered':
      return { originCountry, facts: [{ type: 'JobSeekerRegistered', eventId, workerId: event.value.workerId }] };
    case 'jobSeekerPreferencesSet': {
      const e = event.value;
      return {
        facts: [
          {
            type: 'JobSeekerPreferencesSet',
            eventId,
            workerId: e.workerId,
            occupations: [...e.occupations],
            areas: [...e.areas],
            willingToRelocate: e.willingToRelocate,
          },
        ],
      };
    }
    case 'jobSeekerLeft':
      return { facts: [{ type: 'JobSeekerLeft', eventId, workerId: event.value.workerId }] };
    default:
      return { facts: [] };
  }
}

/** Decodes a message of any of the three topics; what does not decode is a poison message (dead-lettered). */
export function decodeMatchingInput(namespace: string): (message: IncomingMessage) => MatchingInput {
  const topics = matchingTopics(namespace);
  return (message) => {
    if (message.topic === topics.registration)
      return fromRegistration(registrationFact(decodeMessageValue(message, RegistrationEventSchema)));
    if (message.topic === topics.skills) return fromSkills(decodeMessageValue(message, SkillsEventSchema));
    if (message.topic === topics.employment) return fromEmployment(decodeMessageValue(message, EmploymentEventSchema));
    throw new PoisonMessageError(`matching: not one of its topics: ${message.topic}`);
  };
}

/**
 * The matching engine's consumer: one consumer group over the three topics, each message applied to the
 * profile tables in the transaction that records it as handled (deduplicated by event id), a message that
 * cannot be applied dead-lettered, never halting the others.
 */
export function matchingConsumer(
  kafka: Kafka,
  pool: Pool,
  options: { namespace: string; store: MatchingStore; logger: Logger },
): ConsumerRunner<MatchingInput> {
  const topics = matchingTopics(options.namespace);
  return new ConsumerRunner<MatchingInput>(kafka, pool, {
    consumer: `${options.namespace}homeward.employment-matching.matching`,
    topics: [topics.registration, topics.skills, topics.employment],
    deadLetterTopic: matchingDeadLetterTopic(options.namespace),
    decode: decodeMatchingInput(options.namespace),
    handle: (input, tx) => options.store.apply(tx, input),
    deduplicateByEventId: true,
    // A deadlock or serialisation failure between two consumers' counters (matching_pool_counts) passes on a retry.
    isTransient: (error) => isTransientError(error) || ['40P01', '40001'].includes(pgErrorCode(error) ?? ''),
    fromBeginning: true,
    logger: options.logger,
  });
}
