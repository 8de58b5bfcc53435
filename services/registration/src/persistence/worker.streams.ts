import type { PoolClient } from 'pg';
import { EventStreams, type CommandMetadata } from '@homeward/command-handling/streams';
import type { EventStore } from '@homeward/event-store';
import type { PersonalDataVault } from '@homeward/personal-data';
import { assertNever } from '@homeward/assert-never';
import { occurredOn, type WorkerEvent } from '../domain/worker/worker.events';
import { allCycles, cycleCountry, evolve, initialState, type WorkerState } from '../domain/worker/worker.state';
import type { SealedFields } from '../messaging/worker-event.proto-mapper';

/** Who asks, for whom, and why, and the clock: the metadata a command brings (the envelope of its events). */
export type CommandContext = CommandMetadata;

export const workerStreamId = (workerId: string) => `worker-${workerId}`;

/**
 * The destination country an event concerns, for the envelope's jurisdiction: what lets a mission's
 * read model keep its own country's workers and nothing else.
 */
function jurisdictionDestination(event: WorkerEvent, before: WorkerState): string {
  switch (event.type) {
    case 'WorkerRegistered':
    case 'PreDepartureOrientationCompleted':
    case 'WorkerDetailsCorrected':
    case 'PersonalDataErased':
    case 'PossibleDuplicateFlagged':
    case 'DuplicateResolved':
      return '';
    case 'DepartureRecorded':
      return event.data.destinationCountry;
    case 'ReturnRecorded': {
      // The cycle's country, even when the worker came home from another: the return closes that stay.
      const open = allCycles(before).find((c) => c.number === event.data.cycleNumber);
      return (open && cycleCountry(open)) ?? event.data.fromCountry;
    }
    case 'ArrivalRecorded':
    case 'EmploymentChanged':
    case 'SkillsAcquired':
    case 'WelfareIncidentRecorded':
    case 'ReintegrationNeedsAssessed':
    case 'ReintegrationReferralMade':
    case 'ReintegrationOutcomeRecorded': {
      const cycle = allCycles(before).find((c) => c.number === event.data.cycleNumber);
      return (cycle && cycleCountry(cycle)) ?? '';
    }
    default:
      assertNever(event, 'event');
  }
}

/** The fields of each event that hold personal data, sealed with the worker's key before anything is written. */
const SEALED_FIELDS: Partial<Record<WorkerEvent['type'], readonly (keyof SealedFields)[]>> = {
  WorkerRegistered: ['personalData'],
  WorkerDetailsCorrected: ['personalData'],
  WelfareIncidentRecorded: ['caseNotes'],
  // A domestic worker's employer is a household, whose name points back at the worker (docs/adr/0006).
  DepartureRecorded: ['employerName'],
  EmploymentChanged: ['employerName'],
};

/**
 * Workers' event streams in the event store (`worker-<id>`). Load folds a stream into state, opening sealed
 * personal data with the worker's key (gone after erasure). Append seals personal data before anything is
 * written; the stored event carries everything its message on the registration topic needs
 * (registration-topic.mapper.ts), which the relay builds when it publishes it.
 */
export class WorkerStreams extends EventStreams<WorkerEvent, WorkerState> {
  constructor(store: EventStore, vault: PersonalDataVault) {
    super(store, {
      category: 'worker',
      evolve,
      initialState,
      occurredAt: (event) => new Date(`${occurredOn(event)}T00:00:00Z`),
      destinationCountry: jurisdictionDestination,
      personalData: {
        vault,
        fields: SEALED_FIELDS,
        // Every representation of a cycle shows its employers to those who may see them, as before they were
        // sealed; and the key the registration made seals them, so a departure needs no transaction of its own.
        openedAlways: ['employerName'],
        sealedWithExistingKey: ['employerName'],
      },
    });
  }

  /** Creates many new workers' streams in one statement (bulk import), with their data keys created in the same transaction. */
  appendNewWorkers(
    workers: readonly { workerId: string; events: readonly WorkerEvent[] }[],
    context: CommandContext,
    client: PoolClient,
  ): Promise<void> {
    return this.appendToNewStreams(
      workers.map(({ workerId, events }) => ({ id: workerId, events })),
      context,
      client,
    );
  }
}
