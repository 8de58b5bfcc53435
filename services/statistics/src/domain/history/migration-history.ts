import { assertNever } from '@homeward/assert-never';
import { EARLIEST_RECORDED_DAY, dayOf } from './calendar';
import { RecordIndex } from './record-index';
import { EMPLOYMENT_FACT_TYPES, type EmploymentFact, type VacancyEnd } from './employment-fact';
import { FUND_FACT_TYPES, type BenefitType, type FundFact } from './fund-fact';
import type { Money, RecruitmentChannel, RegistrationFact, ReturnAssistance, ReturnReason, Sex } from './registration-fact';
import type { CertificateChange, CertificateKind, SkillsFact } from './skills-fact';
import { FOLD_VERSION, type FoldColumn, type FoldSide, type FoldState } from './fold-state';

/** What a replay folds: the registration, skills, employment and fund topics' facts, in any interleaving. */
export type HistoryFact = RegistrationFact | SkillsFact | EmploymentFact | FundFact;

/** How a cycle's worker was recruited, as its departure recorded it. */
export interface Recruitment {
  readonly channel: RecruitmentChannel;
  readonly viaAgency: boolean;
}

/** Options of a replay that change what the fold keeps. */
export interface HistoryOptions {
  /**
   * Recorded-at cut-off (epoch ms, inclusive): facts the registry learnt later are left out, so a report
   * shows what was known at that moment and a published figure can be reproduced exactly.
   */
  readonly knownAt?: number;
}

/** One migration cycle of one person, as the reports read it. Dates are day numbers (see calendar.ts). */
export interface CycleRecord {
  /** The record (registry id) the cycle was recorded on, as an index. */
  readonly record: number;
  /** The person: records an officer merged into another resolve to the one that carries on. */
  readonly person: number;
  readonly sex: Sex;
  readonly birthYear: number | undefined;
  /** ISCED 2011 level attained, as registered or last corrected; undefined when not recorded. */
  readonly education: number | undefined;
  /** Undefined when no departure was recorded for the cycle, or it did not say whether it was regular. */
  readonly recruitment: Recruitment | undefined;
  readonly number: number;
  /** Where the cycle took the person: the departure's destination, else the country they returned from. */
  readonly country: string | undefined;
  readonly departedOn: number | undefined;
  readonly arrivedOn: number | undefined;
  /** ISCO-08 unit groups held during the stay, each from the day it started (the first from the departure). */
  readonly occupations: readonly { readonly from: number; readonly occupation: string }[];
  readonly returnedOn: number | undefined;
  readonly returnedFrom: string | undefined;
  readonly assistance: ReturnAssistance | undefined;
  readonly reason: ReturnReason | undefined;
  readonly withoutRecordedDeparture: boolean;
  readonly recruitmentCost: Money | undefined;
  readonly monthlyIncome: Money | undefined;
}

/**
 * One assessment of one person against a standard, as the skills tables read it: the person's sex and the
 * destination of their last cycle on the assessment's date come from registration's facts (joined by
 * worker id when the report is built, so that the order the two topics were read in does not matter).
 */
export interface AssessmentRecord extends PersonOnDay {
  readonly record: number;
  readonly person: number;
  readonly sex: Sex;
  readonly assessedOn: number;
  readonly standardId: string;
  /** ISCO-08 unit group of the standard's version, once the standard is known. */
  readonly occupation: string | undefined;
  /** Destination (or country returned from) of the person's last cycle by the assessment's date. */
  readonly country: string | undefined;
  readonly units: readonly { readonly code: string; readonly competent: boolean }[];
}

/** One certificate issued, with the same join as an assessment's. */
export interface CertificateRecord extends PersonOnDay {
  readonly record: number;
  readonly person: number;
  readonly sex: Sex;
  readonly issuedOn: number;
  readonly standardId: string;
  readonly occupation: string | undefined;
  readonly country: string | undefined;
  readonly kind: CertificateKind;
  /** Day number of its expiry, if it expires. */
  readonly expiresOn: number | undefined;
  /** What became of it, each change on its day, in the order recorded. */
  readonly changes: readonly { readonly on: number; readonly change: CertificateChange }[];
}

/**
 * Who a person was on a day, for a fact of another service joined to registration's by worker id: their
 * sex and level of education (corrections apply to the whole history), and the destination and recruitment
 * channel of their last cycle by that day.
 */
export interface PersonOnDay {
  readonly record: number;
  readonly person: number;
  readonly sex: Sex;
  readonly education: number | undefined;
  readonly country: string | undefined;
  readonly recruitment: Recruitment | undefined;
}

/** A returnee registered as a job seeker. */
export interface JobSeekerRecord extends PersonOnDay {
  readonly registeredOn: number;
}

/** A vacancy as the vacancy tables read it; dates are day numbers. */
export interface VacancyRecord {
  /** ISCO-08 unit group. */
  readonly occupation: string | undefined;
  /** ISO 3166-2 subdivision. */
  readonly location: string | undefined;
  /** Undefined when the posting is not known (recorded after the cut-off, or undated). */
  readonly postedOn: number | undefined;
  readonly ended: { readonly end: VacancyEnd; readonly on: number } | undefined;
}

/** A referral of a job seeker to a vacancy, with the interviews it led to. */
export interface ReferralRecord extends PersonOnDay {
  readonly referredOn: number;
  /** ISCO-08 unit group of the vacancy, once its posting is known. */
  readonly occupation: string | undefined;
  readonly interviews: readonly number[];
}

/** A hire: the placement it starts, joined to the person. */
export interface HireRecord extends PersonOnDay {
  readonly hiredOn: number;
  /** First day of work; the hire's day when the event did not say. */
  readonly startsOn: number;
  /** ISCO-08 unit group of the vacancy. */
  readonly occupation: string;
  readonly endedOn: number | undefined;
}

/**
 * A claim on the emergency fund, joined to the person on the day of the incident (the day it was filed
 * when the incident's date is not one the registry could have recorded). Dates are day numbers.
 */
export interface ClaimRecord extends PersonOnDay {
  /** Undefined for a benefit type statistics do not know. */
  readonly benefitType: BenefitType | undefined;
  /**
   * The claim's country (where the incident happened, as the claim says); the country of the person's last
   * cycle by the incident when the claim does not say.
   */
  readonly country: string | undefined;
  readonly incidentOn: number | undefined;
  /** The day the claim was filed (a draft's: the day it was submitted); undefined for a draft not submitted yet. */
  readonly filedOn: number | undefined;
  readonly approvals: readonly { readonly on: number; readonly amount: Money }[];
  readonly rejections: readonly { readonly on: number; readonly reasons: readonly string[] }[];
  readonly disbursements: readonly { readonly on: number; readonly amount: Money }[];
}

/** What the fold did with the facts it was given. */
export interface FoldCounts {
  readonly applied: number;
  /** Redeliveries of a fact already applied (the log is at-least-once), recognised by stream version. */
  readonly duplicates: number;
  /** Recorded after the `knownAt` cut-off. */
  readonly notYetKnown: number;
  /**
   * Facts dated with something that is not a date the registry could have recorded (not a calendar date,
   * or before EARLIEST_RECORDED_DAY: stored before dates were checked). The movement they date is left
   * out of every table, as if unrecorded, and counted here so that the report says so.
   */
  readonly undated: number;
}

const NONE = -2147483648;
const SEXES: readonly Sex[] = ['U', 'F', 'M', 'O'];
const ASSISTANCE: readonly (ReturnAssistance | undefined)[] = [undefined, 'assisted', 'unassisted', 'unspecified'];
const REASONS: readonly (ReturnReason | undefined)[] = [
  undefined,
  'contract_completed',
  'terminated_early',
  'abuse_or_exploitation',
  'illness_or_injury',
  'death',
  'deportation',
  'evacuation',
  'voluntary',
  'other',
  'unspecified',
];
const sexIndex = (sex: Sex): number => Math.max(0, SEXES.indexOf(sex));
/** ISCED 2011 levels are 0 to 8; kept as level + 1 so that 0 means not recorded. A value outside is kept as recorded and coded unknown. */
const educationIndex = (level: number | undefined): number =>
  level === undefined || !Number.isInteger(level) || level < 0 || level > 254 ? 0 : level + 1;
const REGISTERED = 1;
const ERASED = 2;
/** At least one fact of the record is known (at the cut-off). */
const SEEN = 4;
const UNDOCUMENTED = 1;
/** The cycle's departure named a recruitment agency. */
const VIA_AGENCY = 2;
const CHANNELS: readonly (RecruitmentChannel | undefined)[] = [undefined, 'regular', 'irregular'];
const MAX_MERGE_CHAIN = 64;
const MAX_CYCLE_NUMBER = 0xffff;
/**
 * Workers and cycles are kept in pages of this many: growing adds a page and copies nothing, so memory
 * never holds an old and a new copy of the arrays at once (with arrays grown by copying, that instant was
 * a third of a ten-million-event replay's peak), and at most one page is slack.
 */
const PAGE_BITS = 14;
const PAGE = 1 << PAGE_BITS;
const IN_PAGE = PAGE - 1;

/**
 * Short strings (country, occupation and currency codes) kept once, referred to by number (0 = none). The
 * numbers fit 16 bits: every code list involved has far fewer values (ISO 3166 alpha-2, ISCO-08, ISO 4217).
 */
const DICTIONARY_LIMIT = 0xffff;
class Dictionary {
  constructor(private readonly what: string) {}

  private readonly ids = new Map<string, number>();
  private readonly values: string[] = [''];
  intern(value: string | undefined): number {
    if (value === undefined || value === '') return 0;
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      if (id > DICTIONARY_LIMIT)
        throw new RangeError(`more than ${DICTIONARY_LIMIT} distinct ${this.what}: the history is not what it claims to be`);
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }
  value(id: number): string | undefined {
    return id === 0 ? undefined : this.values[id];
  }
  /** Every value interned, in the order of their ids (1, 2, …). */
  all(): string[] {
    return this.values.slice(1);
  }
}

type Column = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;
const WORKER_COLUMNS = ['sex', 'birthYear', 'education', 'version', 'flags', 'lastCycle'] as const;
const CYCLE_COLUMNS = [
  'worker',
  'number',
  'previous',
  'departed',
  'arrived',
  'returned',
  'destination',
  'from',
  'occupation',
  'assistance',
  'reason',
  'channel',
  'flags',
  'cost',
  'costCurrency',
  'income',
  'incomeCurrency',
] as const;

/** The first `count` entries of a column kept in pages, as one array. */
function joinPages<P extends Record<N, Column>, N extends string>(pages: readonly P[], name: N, count: number): Column {
  const first = pages[0]?.[name];
  const Type = (first?.constructor ?? Uint8Array) as new (n: number) => Column;
  const out = new Type(count);
  for (let p = 0; p * PAGE < count; p++) out.set(pages[p]![name].subarray(0, Math.min(PAGE, count - p * PAGE)), p * PAGE);
  return out;
}

function splitPages<P extends Record<N, Column>, N extends string>(pages: readonly P[], name: N, values: Column, count: number): void {
  if (values.length !== count) throw new Error(`a fold state whose column ${name} holds ${values.length} values, not ${count}`);
  for (let p = 0; p * PAGE < count; p++) {
    const target = pages[p]![name];
    if (target.constructor !== values.constructor) throw new Error(`a fold state whose column ${name} is of another type`);
    target.set(values.subarray(p * PAGE, Math.min(count, (p + 1) * PAGE)) as never);
  }
}

/** Ids of one dictionary in another's: interned there in the order they were here. */
function remap(from: Dictionary, into: Dictionary): Uint16Array {
  const values = from.all();
  const ids = new Uint16Array(values.length + 1);
  values.forEach((v, n) => (ids[n + 1] = into.intern(v)));
  return ids;
}

function unite(into: Map<string, number>, from: ReadonlyMap<string, number>, what: string): void {
  for (const [k, v] of from) {
    if (into.has(k)) throw new Error(`${what} ${k} was folded in two partitions`);
    into.set(k, v);
  }
}

/** PAGE workers' attributes, one typed array a column. */
class WorkerPage {
  readonly sex = new Uint8Array(PAGE);
  readonly birthYear = new Uint16Array(PAGE);
  /** ISCED 2011 level + 1; 0 when not recorded. */
  readonly education = new Uint8Array(PAGE);
  readonly version = new Uint32Array(PAGE);
  readonly flags = new Uint8Array(PAGE);
  /** The worker's newest cycle, -1 for none; older ones are chained through `CyclePage.previous`. */
  readonly lastCycle = new Int32Array(PAGE).fill(-1);
}

/** PAGE cycles, one typed array a column; dates are day numbers, NONE for unknown; codes are dictionary ids. */
class CyclePage {
  readonly worker = new Int32Array(PAGE);
  readonly number = new Uint16Array(PAGE);
  readonly previous = new Int32Array(PAGE);
  readonly departed = new Int32Array(PAGE).fill(NONE);
  readonly arrived = new Int32Array(PAGE).fill(NONE);
  readonly returned = new Int32Array(PAGE).fill(NONE);
  readonly destination = new Uint16Array(PAGE);
  readonly from = new Uint16Array(PAGE);
  readonly occupation = new Uint16Array(PAGE);
  readonly assistance = new Uint8Array(PAGE);
  readonly reason = new Uint8Array(PAGE);
  /** Index in CHANNELS: 0 when no departure said. */
  readonly channel = new Uint8Array(PAGE);
  readonly flags = new Uint8Array(PAGE);
  readonly cost = new Float64Array(PAGE).fill(NaN);
  readonly costCurrency = new Uint16Array(PAGE);
  readonly income = new Float64Array(PAGE).fill(NaN);
  readonly incomeCurrency = new Uint16Array(PAGE);
}

/**
 * The registry's history folded into compact per-person, per-cycle facts: the state a replay keeps
 * instead of events, so that memory grows with people and cycles, not with the length of the log.
 *
 * Invariants of the fold:
 * - a worker's facts arrive in their stream order; a fact whose stream version is not above the last one
 *   applied for that worker is a redelivery and changes nothing (the log is at-least-once);
 * - facts recorded after `knownAt` are left out, as if the registry had not learnt them yet;
 * - a cycle is identified by (worker, cycle number); a re-migration is a new cycle; a return with no
 *   recorded departure is a cycle of its own that counts as a return;
 * - corrections of sex apply to the whole history (they say what was true all along);
 * - erasure of personal data changes nothing here: sex, birth year, destination and occupation are not
 *   personal data under seal, and an erased person still counts;
 * - a record merged into another (same person, an officer's decision) is read as that other person.
 */
export class MigrationHistory {
  private readonly countries = new Dictionary('country codes');
  private readonly occupationCodes = new Dictionary('occupation codes');
  private readonly currencies = new Dictionary('currency codes');
  private readonly workerIndex = new RecordIndex();
  private readonly mergedInto = new Map<number, number>();
  private readonly occupationChanges = new Map<number, { from: number; occupation: number }[]>();
  private counts = { applied: 0, duplicates: 0, notYetKnown: 0, undated: 0 };
  /** The latest recorded-at of every fact given to the fold (applied, redelivered or left out); -Infinity for none. */
  private latestRecordedAt = -Infinity;
  /** The skills topic's streams and the last version applied of each (redeliveries are recognised by it). */
  private readonly skillsVersions = new Map<string, number>();
  /** Each standard version's title and occupation, by "<id>@<version>"; and the latest seen of each standard. */
  private readonly standards = new Map<string, { readonly title: string; readonly occupation: string }>();
  private readonly latestStandard = new Map<string, { readonly version: number; readonly title: string; readonly occupation: string }>();
  private readonly assessments: {
    readonly worker: number;
    readonly day: number;
    readonly standardId: string;
    readonly standardVersion: number;
    readonly units: readonly { readonly code: string; readonly competent: boolean }[];
  }[] = [];
  private readonly certificates: {
    readonly worker: number;
    readonly day: number;
    readonly number: string;
    readonly standardId: string;
    readonly standardVersion: number;
    readonly kind: CertificateKind;
    readonly expiresOn: number | undefined;
  }[] = [];
  /** Status changes by certificate number (a change is kept apart from its certificate: nothing depends on their order). */
  private readonly certificateChanges = new Map<string, { on: number; change: CertificateChange }[]>();

  /** The employment topic's streams and the last version applied of each. */
  private readonly employmentVersions = new Map<string, number>();
  private readonly seekers: { readonly worker: number; readonly day: number }[] = [];
  private readonly vacancies = new Map<
    string,
    { occupation?: string; location?: string; postedOn?: number; ended?: { end: VacancyEnd; on: number } }
  >();
  private readonly referrals = new Map<string, { readonly worker: number; readonly vacancyId: string; readonly day: number }>();
  private readonly interviews = new Map<string, number[]>();
  private readonly hires: {
    readonly worker: number;
    readonly referralId: string;
    readonly hiredOn: number;
    readonly startsOn: number;
    readonly occupation: string;
  }[] = [];
  private readonly placementEnds = new Map<string, number>();

  /** The fund topic's streams and the last version applied of each. */
  private readonly fundVersions = new Map<string, number>();
  private readonly claims = new Map<
    string,
    {
      filed?: {
        worker: number;
        benefitType: BenefitType | undefined;
        country: string | undefined;
        incidentOn?: number;
        openedOn: number;
        filedOn?: number;
      };
      submitted?: { on: number; benefitType: BenefitType | undefined };
      approvals: { on: number; amount: Money }[];
      rejections: { on: number; reasons: readonly string[] }[];
      disbursements: { on: number; amount: Money }[];
    }
  >();

  private workerCount = 0;
  private readonly workerPages: WorkerPage[] = [];
  private cycleCount = 0;
  private readonly cyclePages: CyclePage[] = [];

  constructor(private readonly options: HistoryOptions = {}) {}

  /** Folds one fact in. Facts of different workers may come in any order (the topic's partitions interleave). */
  apply(fact: HistoryFact): void {
    if (fact.recordedAt > this.latestRecordedAt) this.latestRecordedAt = fact.recordedAt;
    if (EMPLOYMENT_FACT_TYPES.has(fact.type as EmploymentFact['type'])) {
      this.applyEmployment(fact as EmploymentFact);
      return;
    }
    if (FUND_FACT_TYPES.has(fact.type as FundFact['type'])) {
      this.applyFund(fact as FundFact);
      return;
    }
    if (
      fact.type === 'StandardPublished' ||
      fact.type === 'AssessmentRecorded' ||
      fact.type === 'CertificateIssued' ||
      fact.type === 'CertificateStatusChanged'
    ) {
      this.applySkills(fact);
      return;
    }
    if (!('workerId' in fact)) return;
    const worker = this.workerFor(fact.workerId);
    const w = this.workerPages[worker >>> PAGE_BITS]!;
    const wi = worker & IN_PAGE;
    if (fact.version > 0 && fact.version <= w.version[wi]!) {
      this.counts.duplicates++;
      return;
    }
    if (fact.version > 0) w.version[wi] = fact.version;
    if (this.options.knownAt !== undefined && fact.recordedAt > this.options.knownAt) {
      this.counts.notYetKnown++;
      return;
    }
    this.counts.applied++;
    w.flags[wi]! |= SEEN;
    switch (fact.type) {
      case 'WorkerRegistered':
        w.sex[wi] = sexIndex(fact.data.sex);
        w.birthYear[wi] = fact.data.birthYear ?? 0;
        w.education[wi] = educationIndex(fact.data.educationIsced);
        w.flags[wi]! |= REGISTERED;
        return;
      case 'DetailsCorrected':
        if (fact.data.sex !== undefined) w.sex[wi] = sexIndex(fact.data.sex);
        if (fact.data.educationIsced !== undefined) w.education[wi] = educationIndex(fact.data.educationIsced);
        return;
      case 'PersonalDataErased':
        w.flags[wi]! |= ERASED;
        return;
      case 'RecordMerged': {
        const into = this.workerFor(fact.data.into);
        if (into !== worker) this.mergedInto.set(worker, into);
        return;
      }
      case 'DepartureRecorded': {
        const c = this.cycleFor(worker, fact.data.cycle);
        const page = this.cyclePages[c >>> PAGE_BITS]!;
        const i = c & IN_PAGE;
        const { departedOn, destination, occupation, recruitmentCost, monthlyIncome, channel, viaAgency } = fact.data;
        page.channel[i] = Math.max(0, CHANNELS.indexOf(channel));
        if (viaAgency) page.flags[i]! |= VIA_AGENCY;
        else page.flags[i]! &= ~VIA_AGENCY;
        page.departed[i] = this.day(departedOn) ?? NONE;
        page.destination[i] = this.countries.intern(destination);
        page.occupation[i] = this.occupationCodes.intern(occupation);
        if (recruitmentCost) {
          page.cost[i] = recruitmentCost.amountMinor;
          page.costCurrency[i] = this.currencies.intern(recruitmentCost.currency);
        }
        if (monthlyIncome) {
          page.income[i] = monthlyIncome.amountMinor;
          page.incomeCurrency[i] = this.currencies.intern(monthlyIncome.currency);
        }
        return;
      }
      case 'ArrivalRecorded': {
        const c = this.cycleFor(worker, fact.data.cycle);
        const page = this.cyclePages[c >>> PAGE_BITS]!;
        const i = c & IN_PAGE;
        page.arrived[i] = this.day(fact.data.arrivedOn) ?? NONE;
        if (page.destination[i] === 0) page.destination[i] = this.countries.intern(fact.data.country);
        return;
      }
      case 'OccupationChanged': {
        const c = this.cycleFor(worker, fact.data.cycle);
        const from = this.day(fact.data.changedOn);
        if (from === undefined) return;
        const changes = this.occupationChanges.get(c) ?? [];
        changes.push({ from, occupation: this.occupationCodes.intern(fact.data.occupation) });
        this.occupationChanges.set(c, changes);
        return;
      }
      case 'ReturnRecorded': {
        const c = this.cycleFor(worker, fact.data.cycle);
        const page = this.cyclePages[c >>> PAGE_BITS]!;
        const i = c & IN_PAGE;
        const { returnedOn, from, assistance, reason, withoutRecordedDeparture } = fact.data;
        page.returned[i] = this.day(returnedOn) ?? NONE;
        page.from[i] = this.countries.intern(from);
        page.assistance[i] = Math.max(0, ASSISTANCE.indexOf(assistance));
        page.reason[i] = Math.max(0, REASONS.indexOf(reason));
        if (withoutRecordedDeparture) page.flags[i]! |= UNDOCUMENTED;
        return;
      }
      default:
        assertNever(fact, 'fact');
    }
  }

  /**
   * A skills fact: deduplicated by its stream's version, left out after `knownAt`, and kept with its date as
   * a day number (an undated one is counted and left out, as a registration fact's movement is).
   */
  private applySkills(fact: SkillsFact): void {
    const applied = this.skillsVersions.get(fact.stream) ?? 0;
    if (fact.version > 0 && fact.version <= applied) {
      this.counts.duplicates++;
      return;
    }
    if (fact.version > 0) this.skillsVersions.set(fact.stream, fact.version);
    if (this.options.knownAt !== undefined && fact.recordedAt > this.options.knownAt) {
      this.counts.notYetKnown++;
      return;
    }
    this.counts.applied++;
    switch (fact.type) {
      case 'StandardPublished': {
        const { standardId, standardVersion, title, occupation } = fact.data;
        this.standards.set(`${standardId}@${standardVersion}`, { title, occupation });
        const latest = this.latestStandard.get(standardId);
        if (!latest || latest.version <= standardVersion)
          this.latestStandard.set(standardId, { version: standardVersion, title, occupation });
        return;
      }
      case 'AssessmentRecorded': {
        const day = this.day(fact.data.assessedOn);
        if (day === undefined) return;
        const worker = this.workerFor(fact.data.workerId);
        const { standardId, standardVersion, units } = fact.data;
        this.assessments.push({ worker, day, standardId, standardVersion, units });
        return;
      }
      case 'CertificateIssued': {
        const day = this.day(fact.data.issuedOn);
        if (day === undefined) return;
        const worker = this.workerFor(fact.data.workerId);
        const { certificateNumber, standardId, standardVersion, kind, expiresOn } = fact.data;
        const expires = expiresOn === undefined ? undefined : this.day(expiresOn);
        this.certificates.push({ worker, day, number: certificateNumber, standardId, standardVersion, kind, expiresOn: expires });
        return;
      }
      case 'CertificateStatusChanged': {
        const on = this.day(fact.data.on);
        if (on === undefined) return;
        const changes = this.certificateChanges.get(fact.data.certificateNumber) ?? [];
        changes.push({ on, change: fact.data.change });
        this.certificateChanges.set(fact.data.certificateNumber, changes);
        return;
      }
      default:
        assertNever(fact, 'skills fact');
    }
  }

  /**
   * An employment fact: deduplicated by its stream's version, left out after `knownAt`, dates kept as day
   * numbers (an undated one is counted and left out).
   */
  private applyEmployment(fact: EmploymentFact): void {
    const applied = this.employmentVersions.get(fact.stream) ?? 0;
    if (fact.version > 0 && fact.version <= applied) {
      this.counts.duplicates++;
      return;
    }
    if (fact.version > 0) this.employmentVersions.set(fact.stream, fact.version);
    if (this.options.knownAt !== undefined && fact.recordedAt > this.options.knownAt) {
      this.counts.notYetKnown++;
      return;
    }
    this.counts.applied++;
    switch (fact.type) {
      case 'JobSeekerRegistered': {
        const day = this.day(fact.data.registeredOn);
        if (day !== undefined) this.seekers.push({ worker: this.workerFor(fact.data.workerId), day });
        return;
      }
      case 'VacancyPosted': {
        const vacancy = this.vacancy(fact.data.vacancyId);
        vacancy.occupation = fact.data.occupation;
        vacancy.location = fact.data.location;
        const day = this.day(fact.data.postedOn);
        if (day !== undefined) vacancy.postedOn = day;
        return;
      }
      case 'VacancyEnded': {
        const day = this.day(fact.data.on);
        if (day !== undefined) this.vacancy(fact.data.vacancyId).ended = { end: fact.data.end, on: day };
        return;
      }
      case 'ReferralMade': {
        const day = this.day(fact.data.referredOn);
        if (day === undefined) return;
        this.referrals.set(fact.data.referralId, { worker: this.workerFor(fact.data.workerId), vacancyId: fact.data.vacancyId, day });
        return;
      }
      case 'InterviewRecorded': {
        const day = this.day(fact.data.interviewedOn);
        if (day === undefined) return;
        const days = this.interviews.get(fact.data.referralId) ?? [];
        days.push(day);
        this.interviews.set(fact.data.referralId, days);
        return;
      }
      case 'ReferralClosed':
        // Nothing tabulated depends on it: a referral counts on the day it was made.
        this.day(fact.data.closedOn);
        return;
      case 'HireRecorded': {
        const hiredOn = this.day(fact.data.hiredOn);
        if (hiredOn === undefined) return;
        const startsOn = fact.data.startsOn === undefined ? hiredOn : this.day(fact.data.startsOn);
        if (startsOn === undefined) return;
        this.hires.push({
          worker: this.workerFor(fact.data.workerId),
          referralId: fact.data.referralId,
          hiredOn,
          startsOn,
          occupation: fact.data.occupation,
        });
        return;
      }
      case 'PlacementEnded': {
        const day = this.day(fact.data.endedOn);
        if (day !== undefined) this.placementEnds.set(fact.data.referralId, day);
        return;
      }
      default:
        assertNever(fact, 'employment fact');
    }
  }

  /**
   * A fund fact: deduplicated by its stream's version, left out after `knownAt`, dates kept as day numbers
   * (an undated one is counted and left out). A claim's decisions and payments are kept with the claim,
   * whatever order they arrive in.
   */
  private applyFund(fact: FundFact): void {
    const applied = this.fundVersions.get(fact.stream) ?? 0;
    if (fact.version > 0 && fact.version <= applied) {
      this.counts.duplicates++;
      return;
    }
    if (fact.version > 0) this.fundVersions.set(fact.stream, fact.version);
    if (this.options.knownAt !== undefined && fact.recordedAt > this.options.knownAt) {
      this.counts.notYetKnown++;
      return;
    }
    this.counts.applied++;
    switch (fact.type) {
      case 'ClaimFiled': {
        const filedOn = this.day(fact.data.filedOn);
        if (filedOn === undefined) return;
        const incidentOn = dayOf(fact.data.incidentOn);
        this.claim(fact.data.claimId).filed = {
          worker: this.workerFor(fact.data.workerId),
          benefitType: fact.data.benefitType,
          country: fact.data.country,
          ...(incidentOn !== undefined && incidentOn >= EARLIEST_RECORDED_DAY ? { incidentOn } : {}),
          openedOn: filedOn,
          ...(fact.data.draft ? {} : { filedOn }),
        };
        return;
      }
      case 'ClaimSubmitted': {
        const on = this.day(fact.data.submittedOn);
        if (on !== undefined) this.claim(fact.data.claimId).submitted = { on, benefitType: fact.data.benefitType };
        return;
      }
      case 'ClaimApproved': {
        const on = this.day(fact.data.approvedOn);
        if (on !== undefined) this.claim(fact.data.claimId).approvals.push({ on, amount: fact.data.amount });
        return;
      }
      case 'ClaimRejected': {
        const on = this.day(fact.data.rejectedOn);
        if (on !== undefined) this.claim(fact.data.claimId).rejections.push({ on, reasons: fact.data.reasons });
        return;
      }
      case 'DisbursementMade': {
        const on = this.day(fact.data.paidOn);
        if (on !== undefined) this.claim(fact.data.claimId).disbursements.push({ on, amount: fact.data.amount });
        return;
      }
      default:
        assertNever(fact, 'fund fact');
    }
  }

  private claim(id: string) {
    let claim = this.claims.get(id);
    if (!claim) {
      claim = { approvals: [], rejections: [], disbursements: [] };
      this.claims.set(id, claim);
    }
    return claim;
  }

  /**
   * Every claim whose filing is known, joined to the person on the day of the incident (of filing, when the
   * incident is undated). Decisions or payments of a claim whose filing is not known (recorded after the
   * cut-off) are left out with it.
   */
  forEachClaim(visit: (claim: ClaimRecord) => void): void {
    for (const c of this.claims.values()) {
      const filed = c.filed;
      if (!filed) continue;
      const person = this.personOn(filed.worker, filed.incidentOn ?? filed.openedOn);
      visit({
        ...person,
        country: filed.country ?? person.country,
        benefitType: c.submitted?.benefitType ?? filed.benefitType,
        incidentOn: filed.incidentOn,
        filedOn: filed.filedOn ?? c.submitted?.on,
        approvals: c.approvals,
        rejections: c.rejections,
        disbursements: c.disbursements,
      });
    }
  }

  private vacancy(id: string) {
    let vacancy = this.vacancies.get(id);
    if (!vacancy) {
      vacancy = {};
      this.vacancies.set(id, vacancy);
    }
    return vacancy;
  }

  /** Every returnee registered as a job seeker, joined to the person on the day of registration. */
  forEachJobSeeker(visit: (seeker: JobSeekerRecord) => void): void {
    for (const s of this.seekers) visit({ ...this.personOn(s.worker, s.day), registeredOn: s.day });
  }

  /** Every vacancy seen (its posting, or only its end when the posting is not known). */
  forEachVacancy(visit: (vacancy: VacancyRecord) => void): void {
    for (const v of this.vacancies.values())
      visit({ occupation: v.occupation, location: v.location, postedOn: v.postedOn, ended: v.ended });
  }

  /** Every referral, joined to the person on the day of the referral and to the vacancy's occupation. */
  forEachReferral(visit: (referral: ReferralRecord) => void): void {
    for (const [id, r] of this.referrals) {
      visit({
        ...this.personOn(r.worker, r.day),
        referredOn: r.day,
        occupation: this.vacancies.get(r.vacancyId)?.occupation,
        interviews: this.interviews.get(id) ?? [],
      });
    }
  }

  /** Every hire, joined to the person on the day the placement starts. */
  forEachHire(visit: (hire: HireRecord) => void): void {
    for (const h of this.hires) {
      visit({
        ...this.personOn(h.worker, h.startsOn),
        hiredOn: h.hiredOn,
        startsOn: h.startsOn,
        occupation: h.occupation,
        endedOn: this.placementEnds.get(h.referralId),
      });
    }
  }

  /** The title of a standard's latest version seen, for the reports' code lists. */
  standardTitle(standardId: string): string | undefined {
    return this.latestStandard.get(standardId)?.title;
  }

  /** Every assessment, in the order they were folded (which no report may depend on). */
  forEachAssessment(visit: (assessment: AssessmentRecord) => void): void {
    for (const a of this.assessments) {
      visit({ ...this.joined(a.worker, a.day, a.standardId, a.standardVersion), assessedOn: a.day, units: a.units });
    }
  }

  /** Every certificate issued, in the order they were folded. */
  forEachCertificate(visit: (certificate: CertificateRecord) => void): void {
    for (const c of this.certificates) {
      visit({
        ...this.joined(c.worker, c.day, c.standardId, c.standardVersion),
        issuedOn: c.day,
        kind: c.kind,
        expiresOn: c.expiresOn,
        changes: this.certificateChanges.get(c.number) ?? [],
      });
    }
  }

  /** The registration side of a skills fact: the person on `day`, and the standard's occupation. */
  private joined(record: number, day: number, standardId: string, standardVersion: number) {
    const standard = this.standards.get(`${standardId}@${standardVersion}`) ?? this.latestStandard.get(standardId);
    return { ...this.personOn(record, day), standardId, occupation: standard?.occupation };
  }

  /** Who the record's person was on `day`: sex and education (the carrying-on record's), and their last cycle's country and channel. */
  private personOn(record: number, day: number): PersonOnDay {
    const person = this.personOf(record);
    const attributes = this.workerFlags(person) & REGISTERED ? person : record;
    const w = this.workerPages[attributes >>> PAGE_BITS]!;
    const education = w.education[attributes & IN_PAGE]!;
    const last = this.lastCycleBy(record, day);
    return {
      record,
      person,
      sex: SEXES[w.sex[attributes & IN_PAGE]!]!,
      education: education === 0 ? undefined : education - 1,
      ...last,
    };
  }

  /**
   * Where the record's last cycle by `day` took the person and how they were recruited for it: of the
   * cycles with a departure or a return on or before that day, the one with the highest number, its
   * destination (or the country returned from) and its recruitment channel.
   */
  private lastCycleBy(worker: number, day: number): { country: string | undefined; recruitment: Recruitment | undefined } {
    let best = -1;
    let country: string | undefined;
    let recruitment: Recruitment | undefined;
    for (let c = this.workerPages[worker >>> PAGE_BITS]!.lastCycle[worker & IN_PAGE]!; c !== -1;) {
      const page = this.cyclePages[c >>> PAGE_BITS]!;
      const i = c & IN_PAGE;
      const departed = page.departed[i]!;
      const returned = page.returned[i]!;
      const happened = (departed !== NONE && departed <= day) || (returned !== NONE && returned <= day);
      if (happened && page.number[i]! > best) {
        best = page.number[i]!;
        country = this.countries.value(page.destination[i]!) ?? this.countries.value(page.from[i]!);
        recruitment = this.recruitmentOf(page, i);
      }
      c = page.previous[i]!;
    }
    return { country, recruitment };
  }

  private recruitmentOf(page: CyclePage, i: number): Recruitment | undefined {
    const channel = CHANNELS[page.channel[i]!];
    return channel === undefined ? undefined : { channel, viaAgency: (page.flags[i]! & VIA_AGENCY) !== 0 };
  }

  /**
   * The fold's whole state, to be saved as a checkpoint (see fold-state.ts for its encoding): restored by
   * `fromState`, it folds further facts exactly as this history would. Deterministic: the same facts folded
   * in the same order give the same state.
   */
  exportState(): FoldState {
    const columns: FoldColumn[] = [];
    for (const name of WORKER_COLUMNS)
      columns.push({ name: `worker.${name}`, values: joinPages(this.workerPages, name, this.workerCount) });
    for (const name of CYCLE_COLUMNS) columns.push({ name: `cycle.${name}`, values: joinPages(this.cyclePages, name, this.cycleCount) });
    const side: FoldSide = {
      counts: { ...this.counts },
      latestRecordedAt: Number.isFinite(this.latestRecordedAt) ? this.latestRecordedAt : null,
      workers: this.workerCount,
      cycles: this.cycleCount,
      ids: this.workerIndex.ids(),
      countries: this.countries.all(),
      occupations: this.occupationCodes.all(),
      currencies: this.currencies.all(),
      mergedInto: [...this.mergedInto],
      occupationChanges: [...this.occupationChanges],
      skillsVersions: [...this.skillsVersions],
      standards: [...this.standards],
      latestStandard: [...this.latestStandard],
      assessments: this.assessments,
      certificates: this.certificates,
      certificateChanges: [...this.certificateChanges],
      employmentVersions: [...this.employmentVersions],
      seekers: this.seekers,
      vacancies: [...this.vacancies],
      referrals: [...this.referrals],
      interviews: [...this.interviews],
      hires: this.hires,
      placementEnds: [...this.placementEnds],
      fundVersions: [...this.fundVersions],
      claims: [...this.claims],
    };
    return { foldVersion: FOLD_VERSION, side, columns };
  }

  /**
   * A history that carries on from a saved state, with the options (the cut-off) of the report that
   * carries on. Refuses a state of another fold version: what it holds may not mean what this code reads.
   */
  static fromState(state: FoldState, options: HistoryOptions = {}): MigrationHistory {
    if (state.foldVersion !== FOLD_VERSION)
      throw new Error(`a fold state of version ${state.foldVersion} cannot be read by fold version ${FOLD_VERSION}`);
    const h = new MigrationHistory(options);
    const s = state.side;
    h.counts = { ...s.counts };
    h.latestRecordedAt = s.latestRecordedAt ?? -Infinity;
    for (const id of s.ids) h.workerIndex.indexOf(id);
    if (h.workerIndex.size !== s.workers) throw new Error('a fold state whose ids do not index as they did');
    for (const v of s.countries) h.countries.intern(v);
    for (const v of s.occupations) h.occupationCodes.intern(v);
    for (const v of s.currencies) h.currencies.intern(v);
    h.workerCount = s.workers;
    h.cycleCount = s.cycles;
    const column = (name: string) => {
      const c = state.columns.find((x) => x.name === name);
      if (!c) throw new Error(`a fold state without its column ${name}`);
      return c.values;
    };
    for (let p = 0; p * PAGE < s.workers; p++) h.workerPages.push(new WorkerPage());
    for (let p = 0; p * PAGE < s.cycles; p++) h.cyclePages.push(new CyclePage());
    for (const name of WORKER_COLUMNS) splitPages(h.workerPages, name, column(`worker.${name}`), s.workers);
    for (const name of CYCLE_COLUMNS) splitPages(h.cyclePages, name, column(`cycle.${name}`), s.cycles);
    for (const [k, v] of s.mergedInto) h.mergedInto.set(k, v);
    for (const [k, v] of s.occupationChanges) h.occupationChanges.set(k, v);
    for (const [k, v] of s.skillsVersions) h.skillsVersions.set(k, v);
    for (const [k, v] of s.standards) h.standards.set(k, v);
    for (const [k, v] of s.latestStandard) h.latestStandard.set(k, v);
    h.assessments.push(...s.assessments);
    h.certificates.push(...s.certificates.map((c) => ({ ...c, expiresOn: c.expiresOn ?? undefined })));
    for (const [k, v] of s.certificateChanges) h.certificateChanges.set(k, v);
    for (const [k, v] of s.employmentVersions) h.employmentVersions.set(k, v);
    h.seekers.push(...s.seekers);
    for (const [k, v] of s.vacancies) h.vacancies.set(k, v);
    for (const [k, v] of s.referrals) h.referrals.set(k, v);
    for (const [k, v] of s.interviews) h.interviews.set(k, v);
    h.hires.push(...s.hires);
    for (const [k, v] of s.placementEnds) h.placementEnds.set(k, v);
    for (const [k, v] of s.fundVersions) h.fundVersions.set(k, v);
    for (const [k, v] of s.claims) h.claims.set(k, v);
    return h;
  }

  /**
   * Folds in what another history folded from other partitions (a member of a parallel replay): the result
   * is the history one fold of both partitions' facts would give, in some interleaving (which no report
   * depends on). Each stream (a worker's registration history, a skills, employment or fund stream) must
   * have been folded by one of the two only, as each stream is in one partition; a stream folded by both
   * is refused, since its redeliveries and order could not be told apart.
   */
  absorb(other: MigrationHistory): void {
    const workers = new Int32Array(other.workerCount);
    for (let w = 0; w < other.workerCount; w++) workers[w] = this.workerFor(other.workerIndex.idAt(w));
    const touched = (h: MigrationHistory, w: number) => {
      const page = h.workerPages[w >>> PAGE_BITS]!;
      const i = w & IN_PAGE;
      return page.version[i] !== 0 || page.flags[i] !== 0 || page.lastCycle[i] !== -1;
    };
    for (let w = 0; w < other.workerCount; w++) {
      if (!touched(other, w)) continue;
      const to = workers[w]!;
      if (touched(this, to)) throw new Error(`record ${other.workerIndex.idAt(w)} was folded in two partitions`);
      const from = other.workerPages[w >>> PAGE_BITS]!;
      const into = this.workerPages[to >>> PAGE_BITS]!;
      for (const name of WORKER_COLUMNS) if (name !== 'lastCycle') into[name][to & IN_PAGE] = from[name][w & IN_PAGE]!;
    }
    const country = remap(other.countries, this.countries);
    const occupation = remap(other.occupationCodes, this.occupationCodes);
    const currency = remap(other.currencies, this.currencies);
    const cycles = new Int32Array(other.cycleCount);
    for (let c = 0; c < other.cycleCount; c++) {
      const from = other.cyclePages[c >>> PAGE_BITS]!;
      const i = c & IN_PAGE;
      const n = this.cycleFor(workers[from.worker[i]!]!, from.number[i]!);
      cycles[c] = n;
      const into = this.cyclePages[n >>> PAGE_BITS]!;
      const j = n & IN_PAGE;
      for (const name of CYCLE_COLUMNS) {
        if (name === 'worker' || name === 'number' || name === 'previous') continue;
        into[name][j] = from[name][i]!;
      }
      into.destination[j] = country[from.destination[i]!]!;
      into.from[j] = country[from.from[i]!]!;
      into.occupation[j] = occupation[from.occupation[i]!]!;
      into.costCurrency[j] = currency[from.costCurrency[i]!]!;
      into.incomeCurrency[j] = currency[from.incomeCurrency[i]!]!;
    }
    for (const [c, changes] of other.occupationChanges)
      this.occupationChanges.set(
        cycles[c]!,
        changes.map((x) => ({ from: x.from, occupation: occupation[x.occupation]! })),
      );
    for (const [w, into] of other.mergedInto) {
      const key = workers[w]!;
      if (this.mergedInto.has(key)) throw new Error(`record ${other.workerIndex.idAt(w)} was folded in two partitions`);
      this.mergedInto.set(key, workers[into]!);
    }
    this.counts.applied += other.counts.applied;
    this.counts.duplicates += other.counts.duplicates;
    this.counts.notYetKnown += other.counts.notYetKnown;
    this.counts.undated += other.counts.undated;
    this.latestRecordedAt = Math.max(this.latestRecordedAt, other.latestRecordedAt);
    unite(this.skillsVersions, other.skillsVersions, 'skills stream');
    unite(this.employmentVersions, other.employmentVersions, 'employment stream');
    unite(this.fundVersions, other.fundVersions, 'fund stream');
    for (const [k, v] of other.standards) this.standards.set(k, v);
    for (const [k, v] of other.latestStandard) {
      const mine = this.latestStandard.get(k);
      if (!mine || mine.version <= v.version) this.latestStandard.set(k, v);
    }
    for (const a of other.assessments) this.assessments.push({ ...a, worker: workers[a.worker]! });
    for (const c of other.certificates) this.certificates.push({ ...c, worker: workers[c.worker]! });
    for (const [k, v] of other.certificateChanges) this.certificateChanges.set(k, [...(this.certificateChanges.get(k) ?? []), ...v]);
    for (const s of other.seekers) this.seekers.push({ worker: workers[s.worker]!, day: s.day });
    for (const [k, v] of other.vacancies) {
      const mine = this.vacancies.get(k);
      if (!mine) this.vacancies.set(k, { ...v });
      else {
        if (v.occupation !== undefined || v.location !== undefined || v.postedOn !== undefined) {
          mine.occupation = v.occupation;
          mine.location = v.location;
          if (v.postedOn !== undefined) mine.postedOn = v.postedOn;
        }
        if (v.ended) mine.ended = v.ended;
      }
    }
    for (const [k, r] of other.referrals) this.referrals.set(k, { ...r, worker: workers[r.worker]! });
    for (const [k, v] of other.interviews) this.interviews.set(k, [...(this.interviews.get(k) ?? []), ...v]);
    for (const h of other.hires) this.hires.push({ ...h, worker: workers[h.worker]! });
    for (const [k, v] of other.placementEnds) this.placementEnds.set(k, v);
    for (const [k, c] of other.claims) {
      const mine = this.claim(k);
      if (c.filed) mine.filed = { ...c.filed, worker: workers[c.filed.worker]! };
      if (c.submitted) mine.submitted = c.submitted;
      mine.approvals.push(...c.approvals);
      mine.rejections.push(...c.rejections);
      mine.disbursements.push(...c.disbursements);
    }
  }

  /** The latest recorded-at of every fact folded; undefined before the first. */
  get recordedUntil(): number | undefined {
    return Number.isFinite(this.latestRecordedAt) ? this.latestRecordedAt : undefined;
  }

  get foldCounts(): FoldCounts {
    return { ...this.counts };
  }

  /** The day number of a recorded date, or undefined (and counted) when it is not one the registry could have recorded. */
  private day(isoDate: string): number | undefined {
    const day = dayOf(isoDate);
    if (day !== undefined && day >= EARLIEST_RECORDED_DAY) return day;
    this.counts.undated++;
    return undefined;
  }

  /** Records (pseudonymous registry ids) with at least one known fact. */
  get records(): number {
    return this.workersFlagged(SEEN);
  }

  /** Records whose personal data was erased: still counted like everyone else. */
  get erasedRecords(): number {
    return this.workersFlagged(ERASED);
  }

  private workersFlagged(flag: number): number {
    let n = 0;
    for (let w = 0; w < this.workerCount; w++) if (this.workerFlags(w) & flag) n++;
    return n;
  }

  private workerFlags(worker: number): number {
    return this.workerPages[worker >>> PAGE_BITS]!.flags[worker & IN_PAGE]!;
  }

  get cycles(): number {
    return this.cycleCount;
  }

  /** Persons that one or more other records were merged into: their movements may be recorded twice. */
  personsWithMergedRecords(): ReadonlySet<number> {
    const persons = new Set<number>();
    for (const record of this.mergedInto.keys()) persons.add(this.personOf(record));
    return persons;
  }

  /** Every cycle, in the order they were first seen (which no report may depend on). */
  forEachCycle(visit: (cycle: CycleRecord) => void): void {
    for (let c = 0; c < this.cycleCount; c++) visit(this.cycleRecord(c));
  }

  private cycleRecord(c: number): CycleRecord {
    const page = this.cyclePages[c >>> PAGE_BITS]!;
    const i = c & IN_PAGE;
    const record = page.worker[i]!;
    const person = this.personOf(record);
    // The person's attributes are those of the record that carries on, once it is known.
    const attributes = this.workerFlags(person) & REGISTERED ? person : record;
    const w = this.workerPages[attributes >>> PAGE_BITS]!;
    const birthYear = w.birthYear[attributes & IN_PAGE]!;
    const education = w.education[attributes & IN_PAGE]!;
    const departedOn = page.departed[i]!;
    const arrivedOn = page.arrived[i]!;
    const returnedOn = page.returned[i]!;
    const occupations: { from: number; occupation: string }[] = [];
    const first = this.occupationCodes.value(page.occupation[i]!);
    if (first !== undefined) occupations.push({ from: departedOn, occupation: first });
    const changes = this.occupationChanges.get(c);
    if (changes) {
      // Stable for changes on the same day: the one recorded later wins, as in the registry.
      const ordered = changes.map((change, n) => ({ ...change, n })).sort((a, b) => a.from - b.from || a.n - b.n);
      for (const change of ordered) {
        const occupation = this.occupationCodes.value(change.occupation);
        if (occupation !== undefined) occupations.push({ from: change.from, occupation });
      }
    }
    return {
      record,
      person,
      sex: SEXES[w.sex[attributes & IN_PAGE]!]!,
      birthYear: birthYear === 0 ? undefined : birthYear,
      education: education === 0 ? undefined : education - 1,
      recruitment: this.recruitmentOf(page, i),
      number: page.number[i]!,
      country: this.countries.value(page.destination[i]!) ?? this.countries.value(page.from[i]!),
      departedOn: departedOn === NONE ? undefined : departedOn,
      arrivedOn: arrivedOn === NONE ? undefined : arrivedOn,
      occupations,
      returnedOn: returnedOn === NONE ? undefined : returnedOn,
      returnedFrom: this.countries.value(page.from[i]!),
      assistance: ASSISTANCE[page.assistance[i]!],
      reason: REASONS[page.reason[i]!],
      withoutRecordedDeparture: (page.flags[i]! & UNDOCUMENTED) !== 0,
      recruitmentCost: this.money(page.cost[i]!, page.costCurrency[i]!),
      monthlyIncome: this.money(page.income[i]!, page.incomeCurrency[i]!),
    };
  }

  private money(amountMinor: number, currency: number): Money | undefined {
    const code = this.currencies.value(currency);
    return Number.isNaN(amountMinor) || code === undefined ? undefined : { currency: code, amountMinor };
  }

  /** The record that carries on for `record` (itself unless merged); a chain of merges is followed to its end. */
  private personOf(record: number): number {
    let person = record;
    for (let steps = 0; steps < MAX_MERGE_CHAIN; steps++) {
      const next = this.mergedInto.get(person);
      if (next === undefined || next === record) return person;
      person = next;
    }
    return person;
  }

  private workerFor(workerId: string): number {
    const w = this.workerIndex.indexOf(workerId);
    if (w === this.workerCount) {
      if ((w & IN_PAGE) === 0) this.workerPages.push(new WorkerPage());
      this.workerCount++;
    }
    return w;
  }

  private cycleFor(worker: number, number: number): number {
    if (!(number >= 0 && number <= MAX_CYCLE_NUMBER)) throw new RangeError(`cycle number ${number} is out of range`);
    const w = this.workerPages[worker >>> PAGE_BITS]!;
    const wi = worker & IN_PAGE;
    for (let c = w.lastCycle[wi]!; c !== -1;) {
      const page = this.cyclePages[c >>> PAGE_BITS]!;
      if (page.number[c & IN_PAGE] === number) return c;
      c = page.previous[c & IN_PAGE]!;
    }
    const c = this.cycleCount++;
    if ((c & IN_PAGE) === 0) this.cyclePages.push(new CyclePage());
    const page = this.cyclePages[c >>> PAGE_BITS]!;
    const i = c & IN_PAGE;
    page.worker[i] = worker;
    page.number[i] = number;
    page.previous[i] = w.lastCycle[wi]!;
    w.lastCycle[wi] = c;
    return c;
  }
}
