import { assertNever } from '@homeward/assert-never';
import type {
  AcquiredSkill,
  ArrivalRecorded,
  DepartureRecorded,
  EmploymentChange,
  EmploymentChanged,
  ErasureBasis,
  IncidentKind,
  NeedLevel,
  OrientationTopic,
  PersonalData,
  DuplicateResolved,
  PersonalDataErased,
  PossibleDuplicateFlagged,
  PreDepartureOrientationCompleted,
  ReferralOutcome,
  ReintegrationNeedsAssessed,
  ReintegrationOutcomeRecorded,
  ReintegrationReferralMade,
  ReintegrationService,
  ReturnAssistance,
  ReturnReason,
  ReturnRecorded,
  Sex,
  SkillsAcquired,
  WelfareIncidentRecorded,
  WorkerDetailsCorrected,
  WorkerEvent,
  WorkerRegistered,
} from './worker.events';
import { allCycles, evolve, initialState, lastReturnedCycle, latestDate, latestDateOf, type Cycle, type WorkerState } from './worker.state';
import { codeErrors, type CodeError } from './worker.codes';
import { ruleCode, type WorkerRule, type WorkerRuleCode } from './worker.rules';

/**
 * Commands, in the imperative. `today` is the caller's clock and ids come from the caller: the domain
 * never reads a clock or makes an id itself.
 */
type Command<T extends string, D> = { readonly type: T; readonly data: D & { readonly today: string } };

export type RegisterWorker = Command<
  'RegisterWorker',
  {
    readonly workerId: string;
    readonly sex: Sex;
    readonly originArea: string;
    readonly educationIsced?: number;
    readonly languages: readonly string[];
    readonly personalData: PersonalData;
    /** Registered people who may be the same person (found by the caller's fuzzy search). */
    readonly duplicateCandidates: readonly { readonly workerId: string; readonly score: number }[];
  }
>;
export type CompleteOrientation = Command<
  'CompleteOrientation',
  { readonly completedOn: string; readonly topics: readonly OrientationTopic[]; readonly provider: string }
>;
/** The departure as it will be recorded, less what the registry works out itself (worker and cycle). */
export type RecordDeparture = Command<'RecordDeparture', Omit<DepartureRecorded['data'], 'workerId' | 'cycleNumber'>>;
export type RecordArrival = Command<'RecordArrival', { readonly arrivedOn: string; readonly country: string }>;
export type RecordEmploymentChange = Command<
  'RecordEmploymentChange',
  {
    readonly changedOn: string;
    readonly change: EmploymentChange;
    readonly employerName?: string;
    readonly occupationIsco?: string;
    readonly contractEnd?: string;
  }
>;
export type RecordSkills = Command<'RecordSkills', { readonly recordedOn: string; readonly skills: readonly AcquiredSkill[] }>;
export type RecordIncident = Command<
  'RecordIncident',
  {
    readonly incidentId: string;
    readonly occurredOn: string;
    readonly kind: IncidentKind;
    readonly fundAssistanceRequested: boolean;
    readonly caseNotes?: string;
  }
>;
export type RecordReturn = Command<
  'RecordReturn',
  { readonly returnedOn: string; readonly fromCountry: string; readonly assistance: ReturnAssistance; readonly reason: ReturnReason }
>;
export type AssessReintegrationNeeds = Command<
  'AssessReintegrationNeeds',
  { readonly assessedOn: string; readonly economic: NeedLevel; readonly social: NeedLevel; readonly psychosocial: NeedLevel }
>;
export type ReferForReintegration = Command<
  'ReferForReintegration',
  { readonly referralId: string; readonly referredOn: string; readonly service: ReintegrationService }
>;
export type RecordReferralOutcome = Command<
  'RecordReferralOutcome',
  { readonly referralId: string; readonly recordedOn: string; readonly outcome: ReferralOutcome }
>;
export type CorrectWorkerDetails = Command<
  'CorrectWorkerDetails',
  {
    readonly correctsVersion: number;
    readonly sex?: Sex;
    readonly originArea?: string;
    readonly educationIsced?: number;
    readonly languages?: readonly string[];
    readonly personalData?: PersonalData;
  }
>;
export type ErasePersonalData = Command<'ErasePersonalData', { readonly basis: ErasureBasis }>;
export type ResolveDuplicate = Command<'ResolveDuplicate', { readonly candidateId: string; readonly samePerson: boolean }>;

export type WorkerCommand =
  | RegisterWorker
  | CompleteOrientation
  | RecordDeparture
  | RecordArrival
  | RecordEmploymentChange
  | RecordSkills
  | RecordIncident
  | RecordReturn
  | AssessReintegrationNeeds
  | ReferForReintegration
  | RecordReferralOutcome
  | CorrectWorkerDetails
  | ErasePersonalData
  | ResolveDuplicate;

/**
 * A command the registry refuses: the rule it breaks (one of `WORKER_RULES`, whose code a client reads), the
 * field at fault as a dotted path into the command's data (empty for the command as a whole), and why in words.
 */
export class WorkerRuleViolation extends Error {
  override readonly name = 'WorkerRuleViolation';
  readonly code: WorkerRuleCode;
  constructor(
    readonly rule: WorkerRule,
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.code = ruleCode(rule);
  }
}

/** A command with values that name nothing in their code lists (a country XX, a language qq, ISCO 0000…). */
export class UnknownCodes extends Error {
  override readonly name = 'UnknownCodes';
  constructor(readonly errors: readonly CodeError[]) {
    super(errors.map((e) => `${e.path.join('.')} ${e.detail}`).join('; '));
  }
}

/**
 * Dates a working life can hold. The registry records nothing before 1900-01-01 (its earliest plausible
 * date; older is a slip such as 0001-01-01); nothing of a working life before the year the worker turns
 * 15 (the ILO's working-age population starts at 15; the registry keeps the birth year in the clear, so
 * the year is the unit); an event that happened not after tomorrow (`today` is the UTC date, and the
 * origin country's own date may already be the next day); and no contract ending more than ten years on.
 */
export const DATES = { earliest: '1900-01-01', minimumWorkingAge: 15, contractYearsAhead: 10 } as const;

export class WorkerNotRegistered extends Error {
  override readonly name = 'WorkerNotRegistered';
}

export class WorkerAlreadyRegistered extends Error {
  override readonly name = 'WorkerAlreadyRegistered';
}

export function decide(command: WorkerCommand, state: WorkerState): WorkerEvent[] {
  const unknown = codeErrors(command);
  if (unknown.length > 0) throw new UnknownCodes(unknown);
  if (command.type === 'RegisterWorker') return register(command, state);
  if (state.status === 'unregistered') throw new WorkerNotRegistered('no such worker');
  if (state.profile.mergedInto && command.type !== 'ErasePersonalData') {
    throw new WorkerRuleViolation(
      'worker-merged',
      'workerId',
      `this record was merged into ${state.profile.mergedInto}; record changes there`,
    );
  }
  switch (command.type) {
    case 'CompleteOrientation':
      return [completeOrientation(command, state)];
    case 'RecordDeparture':
      return [recordDeparture(command, state)];
    case 'RecordArrival':
      return [recordArrival(command, abroad(state, 'arrivedOn'))];
    case 'RecordEmploymentChange':
      return [recordEmploymentChange(command, abroad(state, 'changedOn'))];
    case 'RecordSkills':
      return [recordSkills(command, abroad(state, 'recordedOn'))];
    case 'RecordIncident':
      return [recordIncident(command, abroad(state, 'occurredOn'))];
    case 'RecordReturn':
      return [recordReturn(command, state)];
    case 'AssessReintegrationNeeds':
      return [assessNeeds(command, state.profile.workerId, returned(state, 'assessedOn'))];
    case 'ReferForReintegration':
      return [refer(command, state.profile.workerId, returned(state, 'referredOn'))];
    case 'RecordReferralOutcome':
      return [recordOutcome(command, state.profile.workerId, returned(state, 'recordedOn'))];
    case 'CorrectWorkerDetails':
      return [correct(command, state)];
    case 'ErasePersonalData':
      return erasePersonalData(command, state);
    case 'ResolveDuplicate':
      return [resolveDuplicate(command, state)];
    default:
      assertNever(command, 'command');
  }
}

export const workerDecider = { decide, evolve, initialState };

type Registered = Exclude<WorkerState, { status: 'unregistered' }>;
type Abroad = Extract<WorkerState, { status: 'abroad' }>;

const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const addYears = (date: string, years: number): string => `${String(Number(date.slice(0, 4)) + years).padStart(4, '0')}${date.slice(4)}`;

function notBeforeEarliest(date: string, field: string, what: string): void {
  if (date < DATES.earliest) {
    throw new WorkerRuleViolation(
      'date-before-earliest',
      field,
      `${what} (${date}) is before ${DATES.earliest}, the earliest date the registry records`,
    );
  }
}

/** A date of something that has happened: on or after the registry's earliest date, and not after tomorrow. */
function notInFuture(date: string, today: string, field: string, what: string): void {
  notBeforeEarliest(date, field, what);
  if (date > addDays(today, 1)) throw new WorkerRuleViolation('date-in-future', field, `${what} cannot be dated in the future`);
}

function notBefore(rule: WorkerRule, date: string, floor: string | undefined, field: string, what: string, floorWhat: string): void {
  if (floor !== undefined && date < floor)
    throw new WorkerRuleViolation(rule, field, `${what} (${date}) is before ${floorWhat} (${floor})`);
}

/** Part of a working life: not before the year the worker turns the minimum working age. */
function ofWorkingAge(date: string, birthYear: number, field: string, what: string): void {
  const year = birthYear + DATES.minimumWorkingAge;
  if (Number(date.slice(0, 4)) < year) {
    throw new WorkerRuleViolation(
      'date-before-working-age',
      field,
      `${what} (${date}) is before ${year}, the year the worker (born ${birthYear}) turns ${DATES.minimumWorkingAge}, the minimum working age`,
    );
  }
}

/** An end of contract ahead of today, but not further than a contract runs. */
function contractEndAhead(date: string, today: string, field: string): void {
  const latest = addYears(today, DATES.contractYearsAhead);
  if (date > latest) {
    throw new WorkerRuleViolation(
      'date-too-far-ahead',
      field,
      `the contract end (${date}) is more than ${DATES.contractYearsAhead} years ahead (after ${latest})`,
    );
  }
}

/** What happens abroad needs an open cycle. */
function abroad(state: Registered, field: string): Abroad {
  if (state.status !== 'abroad')
    throw new WorkerRuleViolation('no-open-cycle', field, 'the worker is not abroad: no departure is recorded for an open cycle');
  return state;
}

/** Reintegration follows a return. */
function returned(state: Registered, field: string): Cycle {
  const cycle = lastReturnedCycle(state);
  if (!cycle)
    throw new WorkerRuleViolation(
      'not-returned',
      field,
      'reintegration follows a return, and the worker has none recorded since their last departure',
    );
  return cycle;
}

function register({ data }: RegisterWorker, state: WorkerState): (WorkerRegistered | PossibleDuplicateFlagged)[] {
  if (state.status !== 'unregistered') throw new WorkerAlreadyRegistered(`worker ${data.workerId} is already registered`);
  // A legacy register says when it registered the worker: that date is the command's `today`.
  notBeforeEarliest(data.today, 'registeredOn', 'the registration');
  notInFuture(data.personalData.dateOfBirth, data.today, 'personalData.dateOfBirth', 'the date of birth');
  const registered: WorkerRegistered = {
    type: 'WorkerRegistered',
    data: {
      workerId: data.workerId,
      registeredOn: data.today,
      sex: data.sex,
      birthYear: Number(data.personalData.dateOfBirth.slice(0, 4)),
      originArea: data.originArea,
      ...(data.educationIsced === undefined ? {} : { educationIsced: data.educationIsced }),
      languages: data.languages,
      personalData: data.personalData,
    },
  };
  const candidates = data.duplicateCandidates.filter((c) => c.workerId !== data.workerId);
  if (candidates.length === 0) return [registered];
  // Flag, never refuse and never merge: only a person decides that two records are one human being.
  return [registered, { type: 'PossibleDuplicateFlagged', data: { workerId: data.workerId, flaggedOn: data.today, candidates } }];
}

function resolveDuplicate({ data }: ResolveDuplicate, state: Registered): DuplicateResolved {
  if (!state.profile.possibleDuplicates.some((c) => c.workerId === data.candidateId)) {
    throw new WorkerRuleViolation(
      'duplicate-not-flagged',
      'candidateId',
      `${data.candidateId} is not an open possible duplicate of this worker`,
    );
  }
  return {
    type: 'DuplicateResolved',
    data: { workerId: state.profile.workerId, resolvedOn: data.today, candidateId: data.candidateId, samePerson: data.samePerson },
  };
}

function completeOrientation({ data }: CompleteOrientation, state: Registered): PreDepartureOrientationCompleted {
  if (state.status === 'abroad')
    throw new WorkerRuleViolation(
      'orientation-while-abroad',
      'completedOn',
      'pre-departure orientation is recorded while the worker is at home',
    );
  notInFuture(data.completedOn, data.today, 'completedOn', 'an orientation');
  ofWorkingAge(data.completedOn, state.profile.birthYear, 'completedOn', 'the orientation');
  notBefore('date-before-last-return', data.completedOn, latestDate(state), 'completedOn', 'the orientation', 'the last recorded return');
  const { today: _today, ...details } = data;
  return { type: 'PreDepartureOrientationCompleted', data: { workerId: state.profile.workerId, ...details } };
}

function recordDeparture({ data }: RecordDeparture, state: Registered): DepartureRecorded {
  if (state.status === 'abroad') {
    throw new WorkerRuleViolation(
      'cycle-already-open',
      'departedOn',
      `cycle ${state.current.number} is still open (departed ${state.current.departure?.departedOn ?? '?'}); record its return first`,
    );
  }
  notInFuture(data.departedOn, data.today, 'departedOn', 'a departure');
  ofWorkingAge(data.departedOn, state.profile.birthYear, 'departedOn', 'the departure');
  notBefore('date-before-last-return', data.departedOn, latestDate(state), 'departedOn', 'the departure', 'the last recorded return');
  notBeforeEarliest(data.contractStart, 'contractStart', 'the contract start');
  ofWorkingAge(data.contractStart, state.profile.birthYear, 'contractStart', 'the contract start');
  if (data.contractEnd < data.contractStart) {
    throw new WorkerRuleViolation(
      'contract-ends-before-start',
      'contractEnd',
      `the contract ends (${data.contractEnd}) before it starts (${data.contractStart})`,
    );
  }
  contractEndAhead(data.contractEnd, data.today, 'contractEnd');
  const { today: _today, ...details } = data;
  return { type: 'DepartureRecorded', data: { workerId: state.profile.workerId, cycleNumber: allCycles(state).length + 1, ...details } };
}

function recordArrival({ data }: RecordArrival, state: Abroad): ArrivalRecorded {
  const cycle = state.current;
  if (cycle.arrivedOn)
    throw new WorkerRuleViolation(
      'arrival-already-recorded',
      'arrivedOn',
      `the arrival of cycle ${cycle.number} is already recorded (${cycle.arrivedOn})`,
    );
  if (data.country !== cycle.departure?.destinationCountry) {
    throw new WorkerRuleViolation(
      'arrival-outside-cycle-country',
      'country',
      `cycle ${cycle.number} is in ${cycle.departure?.destinationCountry ?? '?'}, not ${data.country}`,
    );
  }
  notInFuture(data.arrivedOn, data.today, 'arrivedOn', 'an arrival');
  notBefore('arrival-before-departure', data.arrivedOn, cycle.departure?.departedOn, 'arrivedOn', 'the arrival', 'the departure');
  // Recorded late, an arrival still comes before everything already recorded of the stay.
  const stay = [
    ...cycle.employmentChanges.map((c) => c.changedOn),
    ...cycle.skills.map((k) => k.recordedOn),
    ...cycle.incidents.map((i) => i.occurredOn),
  ];
  const earliest = stay.length === 0 ? undefined : stay.reduce((a, b) => (a < b ? a : b));
  if (earliest !== undefined && data.arrivedOn > earliest) {
    throw new WorkerRuleViolation(
      'arrival-after-recorded-stay',
      'arrivedOn',
      `the arrival (${data.arrivedOn}) is after what is already recorded of the stay (${earliest})`,
    );
  }
  return {
    type: 'ArrivalRecorded',
    data: { workerId: state.profile.workerId, cycleNumber: cycle.number, arrivedOn: data.arrivedOn, country: data.country },
  };
}

function abroadFloor(cycle: Cycle): string | undefined {
  return cycle.arrivedOn ?? cycle.departure?.departedOn;
}

function recordEmploymentChange({ data }: RecordEmploymentChange, state: Abroad): EmploymentChanged {
  const cycle = state.current;
  notInFuture(data.changedOn, data.today, 'changedOn', 'an employment change');
  notBefore('date-before-stay', data.changedOn, abroadFloor(cycle), 'changedOn', 'the change', 'the start of the stay');
  const required = { new_employer: 'employerName', new_occupation: 'occupationIsco', contract_renewal: 'contractEnd' } as const;
  const field = required[data.change];
  if (data[field] === undefined)
    throw new WorkerRuleViolation('change-detail-missing', field, `a ${data.change.replace('_', ' ')} names the ${field}`);
  if (data.contractEnd !== undefined && data.contractEnd < data.changedOn) {
    throw new WorkerRuleViolation(
      'contract-ends-before-change',
      'contractEnd',
      `the contract ends (${data.contractEnd}) before the change (${data.changedOn})`,
    );
  }
  if (data.contractEnd !== undefined) contractEndAhead(data.contractEnd, data.today, 'contractEnd');
  const { today: _today, ...details } = data;
  return { type: 'EmploymentChanged', data: { workerId: state.profile.workerId, cycleNumber: cycle.number, ...details } };
}

function recordSkills({ data }: RecordSkills, state: Abroad): SkillsAcquired {
  if (data.skills.length === 0) throw new WorkerRuleViolation('no-skills', 'skills', 'name at least one skill');
  notInFuture(data.recordedOn, data.today, 'recordedOn', 'a skills record');
  notBefore('date-before-stay', data.recordedOn, abroadFloor(state.current), 'recordedOn', 'the skills record', 'the start of the stay');
  return {
    type: 'SkillsAcquired',
    data: { workerId: state.profile.workerId, cycleNumber: state.current.number, recordedOn: data.recordedOn, skills: data.skills },
  };
}

function recordIncident({ data }: RecordIncident, state: Abroad): WelfareIncidentRecorded {
  notInFuture(data.occurredOn, data.today, 'occurredOn', 'an incident');
  notBefore(
    'incident-before-departure',
    data.occurredOn,
    state.current.departure?.departedOn,
    'occurredOn',
    'the incident',
    'the departure',
  );
  if (allCycles(state).some((c) => c.incidents.some((i) => i.incidentId === data.incidentId))) {
    throw new WorkerRuleViolation('incident-already-recorded', 'incidentId', `incident ${data.incidentId} is already recorded`);
  }
  const { today: _today, ...details } = data;
  return { type: 'WelfareIncidentRecorded', data: { workerId: state.profile.workerId, cycleNumber: state.current.number, ...details } };
}

function recordReturn({ data }: RecordReturn, state: Registered): ReturnRecorded {
  notInFuture(data.returnedOn, data.today, 'returnedOn', 'a return');
  ofWorkingAge(data.returnedOn, state.profile.birthYear, 'returnedOn', 'the return');
  const { today: _today, ...details } = data;
  const base = { workerId: state.profile.workerId, ...details };
  if (state.status === 'abroad') {
    notBefore(
      'return-before-recorded-stay',
      data.returnedOn,
      latestDateOf(state.current),
      'returnedOn',
      'the return',
      'the last date recorded for this cycle abroad',
    );
    return { type: 'ReturnRecorded', data: { ...base, cycleNumber: state.current.number, withoutRecordedDeparture: false } };
  }
  // No open cycle: an undocumented returnee. Accepted and flagged, never refused — they must be counted.
  notBefore('date-before-last-return', data.returnedOn, latestDate(state), 'returnedOn', 'the return', 'the last recorded return');
  return { type: 'ReturnRecorded', data: { ...base, cycleNumber: allCycles(state).length + 1, withoutRecordedDeparture: true } };
}

function assessNeeds({ data }: AssessReintegrationNeeds, workerId: string, cycle: Cycle): ReintegrationNeedsAssessed {
  notInFuture(data.assessedOn, data.today, 'assessedOn', 'an assessment');
  notBefore('date-before-return', data.assessedOn, cycle.returnedOn, 'assessedOn', 'the assessment', 'the return');
  const { today: _today, ...details } = data;
  return { type: 'ReintegrationNeedsAssessed', data: { workerId, cycleNumber: cycle.number, ...details } };
}

function refer({ data }: ReferForReintegration, workerId: string, cycle: Cycle): ReintegrationReferralMade {
  notInFuture(data.referredOn, data.today, 'referredOn', 'a referral');
  notBefore('date-before-return', data.referredOn, cycle.returnedOn, 'referredOn', 'the referral', 'the return');
  if (cycle.reintegration.referrals.some((r) => r.referralId === data.referralId)) {
    throw new WorkerRuleViolation('referral-already-recorded', 'referralId', `referral ${data.referralId} is already recorded`);
  }
  const { today: _today, ...details } = data;
  return { type: 'ReintegrationReferralMade', data: { workerId, cycleNumber: cycle.number, ...details } };
}

function recordOutcome({ data }: RecordReferralOutcome, workerId: string, cycle: Cycle): ReintegrationOutcomeRecorded {
  const referral = cycle.reintegration.referrals.find((r) => r.referralId === data.referralId);
  if (!referral)
    throw new WorkerRuleViolation('referral-not-found', 'referralId', `no referral ${data.referralId} after the worker's last return`);
  if (referral.outcome)
    throw new WorkerRuleViolation(
      'outcome-already-recorded',
      'referralId',
      `the outcome of referral ${data.referralId} is already recorded`,
    );
  notInFuture(data.recordedOn, data.today, 'recordedOn', 'an outcome');
  notBefore('outcome-before-referral', data.recordedOn, referral.referredOn, 'recordedOn', 'the outcome', 'the referral');
  const { today: _today, ...details } = data;
  return { type: 'ReintegrationOutcomeRecorded', data: { workerId, cycleNumber: cycle.number, ...details } };
}

function correct({ data }: CorrectWorkerDetails, state: Registered): WorkerDetailsCorrected {
  if (data.correctsVersion < 1 || data.correctsVersion > state.profile.version) {
    throw new WorkerRuleViolation(
      'correction-version-unknown',
      'correctsVersion',
      `the worker's stream has events 1 to ${state.profile.version}`,
    );
  }
  const { today, correctsVersion, ...fields } = data;
  if (Object.values(fields).every((v) => v === undefined))
    throw new WorkerRuleViolation('correction-empty', '', 'a correction names at least one corrected field');
  if (fields.personalData && state.profile.personalDataErased) {
    throw new WorkerRuleViolation(
      'correction-of-erased-data',
      'personalData',
      "the worker's personal data was erased; it cannot be corrected back in",
    );
  }
  if (fields.personalData) notInFuture(fields.personalData.dateOfBirth, today, 'personalData.dateOfBirth', 'the date of birth');
  return { type: 'WorkerDetailsCorrected', data: { workerId: state.profile.workerId, correctedOn: today, correctsVersion, ...fields } };
}

function erasePersonalData({ data }: ErasePersonalData, state: Registered): PersonalDataErased[] {
  // Erasing twice changes nothing: the key is gone already.
  if (state.profile.personalDataErased) return [];
  return [{ type: 'PersonalDataErased', data: { workerId: state.profile.workerId, erasedOn: data.today, basis: data.basis } }];
}
