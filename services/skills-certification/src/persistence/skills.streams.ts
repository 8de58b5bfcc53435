import { EventStreams, type CommandMetadata } from '@homeward/command-handling/streams';
import type { EventStore } from '@homeward/event-store';
import type { PersonalDataVault } from '@homeward/personal-data';
import { CANDIDATE_SEALED_FIELDS, candidateEventOn, type CandidateEvent } from '../domain/candidate/candidate.events';
import { evolve as evolveCandidate, initialState as initialCandidate, type CandidateState } from '../domain/candidate/candidate.state';
import { centreEventOn, type CentreEvent } from '../domain/centre/centre.events';
import { evolve as evolveCentre, initialState as initialCentre, type CentreState } from '../domain/centre/centre.state';
import { standardEventOn, type StandardEvent } from '../domain/standard/standard.events';
import { evolve as evolveStandard, initialState as initialStandard, type StandardState } from '../domain/standard/standard.state';

export type CommandContext = CommandMetadata;

const day = (date: string) => new Date(`${date}T00:00:00Z`);

/** Competency standards' streams, `standard-<standardId>`: nothing personal in them. */
export class StandardStreams extends EventStreams<StandardEvent, StandardState> {
  constructor(store: EventStore) {
    super(store, {
      category: 'standard',
      evolve: evolveStandard,
      initialState: initialStandard,
      occurredAt: (e) => day(standardEventOn(e)),
    });
  }
}

/** Assessment centres' streams, `centre-<centreId>`: an assessor's name is that of a professional in a public role. */
export class CentreStreams extends EventStreams<CentreEvent, CentreState> {
  constructor(store: EventStore) {
    super(store, { category: 'centre', evolve: evolveCentre, initialState: initialCentre, occurredAt: (e) => day(centreEventOn(e)) });
  }
}

/**
 * A worker's case, `candidate-<workerId>`. Its free text about the worker (counselling notes, evidence
 * issuers and descriptions, assessors' remarks) is sealed with the worker's key in this service's own
 * vault, keyed by the worker id: the service never holds registration's keys, and registration never
 * holds its. Erasure deletes this key, shredding every sealed field at once, while the facts of
 * assessments and certificates stay, so that a certificate number still verifies.
 */
export class CandidateStreams extends EventStreams<CandidateEvent, CandidateState> {
  constructor(store: EventStore, vault: PersonalDataVault) {
    super(store, {
      category: 'candidate',
      evolve: evolveCandidate,
      initialState: initialCandidate,
      occurredAt: (e) => day(candidateEventOn(e)),
      personalData: { vault, fields: CANDIDATE_SEALED_FIELDS },
    });
  }
}
