import { assertNever } from '@homeward/assert-never';
import type {
  AcquiredSkill,
  DepartureRecorded,
  EmploymentChanged,
  IncidentKind,
  NeedLevel,
  OrientationTopic,
  PersonalData,
  ReferralOutcome,
  ReintegrationService,
  ReturnAssistance,
  ReturnReason,
  Sex,
  WorkerEvent,
} from './worker.events';

export interface Incident {
  readonly incidentId: string;
  readonly occurredOn: string;
  readonly kind: IncidentKind;
  readonly fundAssistanceRequested: boolean;
  /** Absent when none were written, and once the worker's personal data is erased. */
  readonly caseNotes?: string;
}

export interface Referral {
  readonly referralId: string;
  readonly referredOn: string;
  readonly service: ReintegrationService;
  readonly outcome?: { readonly recordedOn: string; readonly outcome: ReferralOutcome };
}

export interface Reintegration {
  readonly needs?: {
    readonly assessedOn: string;
    readonly economic: NeedLevel;
    readonly social: NeedLevel;
    readonly psychosocial: NeedLevel;
  };
  readonly referrals: readonly Referral[];
}

export interface Cycle {
  readonly number: number;
  readonly departure?: DepartureRecorded['data'];
  readonly arrivedOn?: string;
  readonly employmentChanges: readonly EmploymentChanged['data'][];
  readonly skills: readonly (AcquiredSkill & { readonly recordedOn: string })[];
  readonly incidents: readonly Incident[];
  readonly returnedOn?: string;
  readonly fromCountry?: string;
  readonly assistance?: ReturnAssistance;
  readonly reason?: ReturnReason;
  readonly withoutRecordedDeparture: boolean;
  readonly reintegration: Reintegration;
}

export interface Orientation {
  readonly completedOn: string;
  readonly topics: readonly OrientationTopic[];
  readonly provider: string;
}

export interface WorkerProfile {
  readonly workerId: string;
  readonly registeredOn: string;
  readonly sex: Sex;
  readonly birthYear: number;
  readonly originArea: string;
  readonly educationIsced?: number;
  readonly languages: readonly string[];
  /** Absent once erased (and when the sealed data can no longer be opened). */
  readonly personalData?: PersonalData;
  readonly personalDataErased: boolean;
  readonly orientations: readonly Orientation[];
  /** Flagged candidates no officer has decided on yet. */
  readonly possibleDuplicates: readonly { readonly workerId: string; readonly score: number }[];
  /** Set when an officer decided this record is the same person as another: that record carries on. */
  readonly mergedInto?: string;
  /** How many events the stream holds: corrections name the event they correct by its version. */
  readonly version: number;
}

/**
 * A worker's state, folded from their events.
 *
 * Invariants that `decide` keeps and `evolve` relies on:
 * - `cycles` are numbered 1, 2, 3… in the order they were opened;
 * - every closed cycle has a return; only `abroad` has an open cycle (`current`), which has a departure;
 * - dates never go backwards through a cycle — departure ≤ arrival ≤ what happens abroad ≤ return ≤
 *   reintegration — nor across cycles: a return ≤ the next departure;
 * - a cycle has at most one arrival and at most one return;
 * - once `personalDataErased`, the profile and the incidents hold no personal data, and nothing puts it back;
 * - once `mergedInto` another record, this one takes no more changes: the other carries on.
 */
export type WorkerState =
  | { readonly status: 'unregistered' }
  | { readonly status: 'at_home'; readonly profile: WorkerProfile; readonly cycles: readonly Cycle[] }
  | { readonly status: 'abroad'; readonly profile: WorkerProfile; readonly cycles: readonly Cycle[]; readonly current: Cycle };

type Registered = Exclude<WorkerState, { status: 'unregistered' }>;

export const initialState = (): WorkerState => ({ status: 'unregistered' });

const emptyCycle = (number: number, withoutRecordedDeparture: boolean): Cycle => ({
  number,
  employmentChanges: [],
  skills: [],
  incidents: [],
  withoutRecordedDeparture,
  reintegration: { referrals: [] },
});

/** Applies `change` to the cycle numbered `number`, open or closed. */
function withCycle(state: Registered, number: number, change: (cycle: Cycle) => Cycle): Registered {
  if (state.status === 'abroad' && state.current.number === number) return { ...state, current: change(state.current) };
  return { ...state, cycles: state.cycles.map((c) => (c.number === number ? change(c) : c)) };
}

function counted(state: Registered): Registered {
  return { ...state, profile: { ...state.profile, version: state.profile.version + 1 } };
}

export function evolve(state: WorkerState, event: WorkerEvent): WorkerState {
  if (event.type === 'WorkerRegistered') {
    const { workerId, registeredOn, sex, birthYear, originArea, educationIsced, languages, personalData } = event.data;
    return {
      status: 'at_home',
      profile: {
        workerId,
        registeredOn,
        sex,
        birthYear,
        originArea,
        languages,
        personalDataErased: false,
        orientations: [],
        possibleDuplicates: [],
        version: 1,
        ...(personalData ? { personalData } : {}),
        ...(educationIsced === undefined ? {} : { educationIsced }),
      },
      cycles: [],
    };
  }
  if (state.status === 'unregistered') return state;
  return counted(evolveRegistered(state, event));
}

function evolveRegistered(state: Registered, event: Exclude<WorkerEvent, { type: 'WorkerRegistered' }>): Registered {
  switch (event.type) {
    case 'PreDepartureOrientationCompleted': {
      const { completedOn, topics, provider } = event.data;
      return { ...state, profile: { ...state.profile, orientations: [...state.profile.orientations, { completedOn, topics, provider }] } };
    }
    case 'DepartureRecorded':
      return {
        status: 'abroad',
        profile: state.profile,
        cycles: state.cycles,
        current: { ...emptyCycle(event.data.cycleNumber, false), departure: event.data },
      };
    case 'ArrivalRecorded':
      return withCycle(state, event.data.cycleNumber, (c) => ({ ...c, arrivedOn: event.data.arrivedOn }));
    case 'EmploymentChanged':
      return withCycle(state, event.data.cycleNumber, (c) => ({ ...c, employmentChanges: [...c.employmentChanges, event.data] }));
    case 'SkillsAcquired':
      return withCycle(state, event.data.cycleNumber, (c) => ({
        ...c,
        skills: [...c.skills, ...event.data.skills.map((s) => ({ ...s, recordedOn: event.data.recordedOn }))],
      }));
    case 'WelfareIncidentRecorded': {
      const { incidentId, occurredOn, kind, fundAssistanceRequested, caseNotes } = event.data;
      const incident: Incident = {
        incidentId,
        occurredOn,
        kind,
        fundAssistanceRequested,
        ...(caseNotes === undefined ? {} : { caseNotes }),
      };
      return withCycle(state, event.data.cycleNumber, (c) => ({ ...c, incidents: [...c.incidents, incident] }));
    }
    case 'ReturnRecorded': {
      const { returnedOn, fromCountry, assistance, reason, withoutRecordedDeparture, cycleNumber } = event.data;
      const opened = state.status === 'abroad' ? state.current : emptyCycle(cycleNumber, withoutRecordedDeparture);
      const closed: Cycle = { ...opened, returnedOn, fromCountry, assistance, reason, withoutRecordedDeparture };
      return { status: 'at_home', profile: state.profile, cycles: [...state.cycles, closed] };
    }
    case 'ReintegrationNeedsAssessed': {
      const { assessedOn, economic, social, psychosocial } = event.data;
      return withCycle(state, event.data.cycleNumber, (c) => ({
        ...c,
        reintegration: { ...c.reintegration, needs: { assessedOn, economic, social, psychosocial } },
      }));
    }
    case 'ReintegrationReferralMade': {
      const { referralId, referredOn, service } = event.data;
      return withCycle(state, event.data.cycleNumber, (c) => ({
        ...c,
        reintegration: { ...c.reintegration, referrals: [...c.reintegration.referrals, { referralId, referredOn, service }] },
      }));
    }
    case 'ReintegrationOutcomeRecorded': {
      const { referralId, recordedOn, outcome } = event.data;
      return withCycle(state, event.data.cycleNumber, (c) => ({
        ...c,
        reintegration: {
          ...c.reintegration,
          referrals: c.reintegration.referrals.map((r) => (r.referralId === referralId ? { ...r, outcome: { recordedOn, outcome } } : r)),
        },
      }));
    }
    case 'WorkerDetailsCorrected': {
      const { sex, originArea, educationIsced, languages, personalData } = event.data;
      return {
        ...state,
        profile: {
          ...state.profile,
          ...(sex === undefined ? {} : { sex }),
          ...(originArea === undefined ? {} : { originArea }),
          ...(educationIsced === undefined ? {} : { educationIsced }),
          ...(languages === undefined ? {} : { languages }),
          ...(personalData === undefined || state.profile.personalDataErased ? {} : { personalData }),
        },
      };
    }
    case 'PossibleDuplicateFlagged':
      return { ...state, profile: { ...state.profile, possibleDuplicates: event.data.candidates } };
    case 'DuplicateResolved': {
      const { candidateId, samePerson } = event.data;
      const possibleDuplicates = state.profile.possibleDuplicates.filter((c) => c.workerId !== candidateId);
      return { ...state, profile: { ...state.profile, possibleDuplicates, ...(samePerson ? { mergedInto: candidateId } : {}) } };
    }
    case 'PersonalDataErased': {
      const { personalData: _erased, ...profile } = state.profile;
      const forget = (c: Cycle): Cycle => ({ ...c, incidents: c.incidents.map(({ caseNotes: _notes, ...i }) => i) });
      const erased = { ...profile, personalDataErased: true };
      return state.status === 'abroad'
        ? { ...state, profile: erased, cycles: state.cycles.map(forget), current: forget(state.current) }
        : { ...state, profile: erased, cycles: state.cycles.map(forget) };
    }
    default:
      assertNever(event, 'event');
  }
}

/** Every cycle, the open one last. */
export function allCycles(state: WorkerState): readonly Cycle[] {
  switch (state.status) {
    case 'unregistered':
      return [];
    case 'at_home':
      return state.cycles;
    case 'abroad':
      return [...state.cycles, state.current];
    default:
      assertNever(state, 'state');
  }
}

/**
 * The country a cycle is in: where the worker departed for or, for a return with no recorded departure,
 * where they came home from. Everything recorded of the cycle — the stay, its incidents, the return
 * (even one from another country), reintegration — concerns that country: the events carry it as their
 * jurisdiction, and a mission's access follows it.
 */
export function cycleCountry(cycle: Cycle): string | undefined {
  return cycle.departure?.destinationCountry ?? cycle.fromCountry;
}

/** The latest date of a cycle's migration: departure, what happened abroad, and the return (reintegration aside). */
export function latestDateOf(cycle: Cycle): string | undefined {
  const dates = [
    cycle.departure?.departedOn,
    cycle.arrivedOn,
    ...cycle.employmentChanges.map((c) => c.changedOn),
    ...cycle.skills.map((s) => s.recordedOn),
    ...cycle.incidents.map((i) => i.occurredOn),
    cycle.returnedOn,
  ].filter((d): d is string => d !== undefined);
  return dates.length === 0 ? undefined : dates.reduce((a, b) => (a > b ? a : b));
}

/** The latest date recorded for the worker's migration: nothing that opens a cycle may be dated before it. */
export function latestDate(state: WorkerState): string | undefined {
  const dates = allCycles(state)
    .map(latestDateOf)
    .filter((d): d is string => d !== undefined);
  return dates.length === 0 ? undefined : dates.reduce((a, b) => (a > b ? a : b));
}

/** The most recent closed cycle: where reintegration is recorded. */
export function lastReturnedCycle(state: WorkerState): Cycle | undefined {
  return state.status === 'at_home' ? state.cycles[state.cycles.length - 1] : undefined;
}
