import type { Relevance } from '@homeward/projections';
import type { RegistrationFact } from '@homeward/projections/registration';
import { assertNever } from '@homeward/assert-never';

/**
 * What one mission keeps: the stays (cycles) of workers in its country — departure, arrival, employment
 * changes, welfare incidents, return — and nothing else. Pure: facts in, row changes out.
 *
 * Invariants:
 * - a fact reaches the model only if its envelope's jurisdiction is the mission's country: the filter runs
 *   before anything is stored, so another country's cycle of the same worker leaves no trace here (not
 *   even the worker's id);
 * - the only facts without a destination that the mission takes are erasures, and only of workers it
 *   already holds (`if-known`);
 * - a stay moves departed → arrived → returned; a return with no recorded departure opens and closes it;
 * - no employer's name: they travel sealed with the worker's key (docs/adr/0006), and the clear names of
 *   events recorded before are not kept either; a mission reads one worker's employer from registration;
 * - once a worker's personal data is erased, their stays say so, and so do stays opened later.
 */

/** Bump with any change to the tables or to what is written into them: a new version is rebuilt from offset zero. */
export const MISSION_VIEW_VERSION = 4;

export type MissionChange =
  | {
      readonly kind: 'stay-opened';
      readonly workerId: string;
      readonly cycleNumber: number;
      readonly departedOn: string;
      readonly occupationIsco: string;
      readonly contractStart: string;
      readonly contractEnd: string;
      readonly channel: string;
      readonly at: Date;
    }
  | { readonly kind: 'arrived'; readonly workerId: string; readonly cycleNumber: number; readonly arrivedOn: string; readonly at: Date }
  | {
      readonly kind: 'employment-changed';
      readonly workerId: string;
      readonly cycleNumber: number;
      readonly streamVersion: number;
      readonly changedOn: string;
      readonly change: string;
      readonly occupationIsco?: string;
      readonly contractEnd?: string;
      readonly at: Date;
    }
  | {
      readonly kind: 'incident-recorded';
      readonly workerId: string;
      readonly cycleNumber: number;
      readonly incidentId: string;
      readonly occurredOn: string;
      readonly incidentKind: string;
      readonly fundAssistanceRequested: boolean;
      readonly at: Date;
    }
  | {
      readonly kind: 'returned';
      readonly workerId: string;
      readonly cycleNumber: number;
      readonly returnedOn: string;
      readonly assistance: string;
      readonly reason: string;
      readonly withoutRecordedDeparture: boolean;
      readonly at: Date;
    }
  | { readonly kind: 'personal-data-erased'; readonly workerId: string };

/** Whether the mission of `country` takes the fact; decided before anything is stored. */
export function missionRelevance(fact: RegistrationFact, country: string): Relevance {
  switch (fact.type) {
    case 'DepartureRecorded':
    case 'ArrivalRecorded':
    case 'EmploymentChanged':
    case 'WelfareIncidentRecorded':
    case 'ReturnRecorded':
      return fact.envelope.destinationCountry === country ? 'keep' : 'drop';
    case 'PersonalDataErased':
      return 'if-known';
    case 'WorkerRegistered':
    case 'PreDepartureOrientationCompleted':
    case 'SkillsAcquired':
    case 'ReintegrationNeedsAssessed':
    case 'ReintegrationReferralMade':
    case 'ReintegrationOutcomeRecorded':
    case 'WorkerDetailsCorrected':
    case 'PossibleDuplicateFlagged':
    case 'DuplicateResolved':
    case 'Unrecognised':
      // Profiles, skills and reintegration at home are the agencies' business, not a mission's.
      return 'drop';
    default:
      assertNever(fact, 'fact');
  }
}

/** The row changes a (relevant) fact makes. */
export function missionChanges(fact: RegistrationFact): MissionChange[] {
  const at = fact.envelope.recordedAt;
  switch (fact.type) {
    case 'DepartureRecorded': {
      const d = fact.data;
      return [
        {
          kind: 'stay-opened',
          workerId: d.workerId,
          cycleNumber: d.cycleNumber,
          departedOn: d.departedOn,
          occupationIsco: d.occupationIsco,
          contractStart: d.contractStart,
          contractEnd: d.contractEnd,
          channel: d.channel,
          at,
        },
      ];
    }
    case 'ArrivalRecorded':
      return [{ kind: 'arrived', workerId: fact.data.workerId, cycleNumber: fact.data.cycleNumber, arrivedOn: fact.data.arrivedOn, at }];
    case 'EmploymentChanged': {
      const d = fact.data;
      return [
        {
          kind: 'employment-changed',
          workerId: d.workerId,
          cycleNumber: d.cycleNumber,
          streamVersion: fact.envelope.streamVersion,
          changedOn: d.changedOn,
          change: d.change,
          ...(d.occupationIsco ? { occupationIsco: d.occupationIsco } : {}),
          ...(d.contractEnd ? { contractEnd: d.contractEnd } : {}),
          at,
        },
      ];
    }
    case 'WelfareIncidentRecorded': {
      const d = fact.data;
      return [
        {
          kind: 'incident-recorded',
          workerId: d.workerId,
          cycleNumber: d.cycleNumber,
          incidentId: d.incidentId,
          occurredOn: d.occurredOn,
          incidentKind: d.kind,
          fundAssistanceRequested: d.fundAssistanceRequested,
          at,
        },
      ];
    }
    case 'ReturnRecorded': {
      const d = fact.data;
      return [
        {
          kind: 'returned',
          workerId: d.workerId,
          cycleNumber: d.cycleNumber,
          returnedOn: d.returnedOn,
          assistance: d.assistance,
          reason: d.reason,
          withoutRecordedDeparture: d.withoutRecordedDeparture,
          at,
        },
      ];
    }
    case 'PersonalDataErased':
      // The erase hook removes what the model holds (before this fact is applied); nothing more to write.
      return [];
    case 'WorkerRegistered':
    case 'PreDepartureOrientationCompleted':
    case 'SkillsAcquired':
    case 'ReintegrationNeedsAssessed':
    case 'ReintegrationReferralMade':
    case 'ReintegrationOutcomeRecorded':
    case 'WorkerDetailsCorrected':
    case 'PossibleDuplicateFlagged':
    case 'DuplicateResolved':
    case 'Unrecognised':
      return [];
    default:
      assertNever(fact, 'fact');
  }
}
