import { assertNever } from '@homeward/assert-never';
import { EARLIEST_RECORDED_DAY, dayOf } from './calendar';
import { RecordIndex } from './record-index';
import type { Money, RegistrationFact, ReturnAssistance, ReturnReason, Sex } from './registration-fact';
import type { CertificateChange, CertificateKind, SkillsFact } from './skills-fact';

/** What a replay folds: the registration topic's facts and the skills topic's, in any interleaving of the two. */
export type HistoryFact = RegistrationFact | SkillsFact;

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
export interface AssessmentRecord {
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
export interface CertificateRecord {
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
const REGISTERED = 1;
const ERASED = 2;
/** At least one fact of the record is known (at the cut-off). */
const SEEN = 4;
const UNDOCUMENTED = 1;
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
}

/** PAGE workers' attributes, one typed array a column. */
class WorkerPage {
  readonly sex = new Uint8Array(PAGE);
  readonly birthYear = new Uint16Array(PAGE);
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

  private workerCount = 0;
  private readonly workerPages: WorkerPage[] = [];
  private cycleCount = 0;
  private readonly cyclePages: CyclePage[] = [];

  constructor(private readonly options: HistoryOptions = {}) {}

  /** Folds one fact in. Facts of different workers may come in any order (the topic's partitions interleave). */
  apply(fact: HistoryFact): void {
    if (
      fact.type === 'StandardPublished' ||
      fact.type === 'AssessmentRecorded' ||
      fact.type === 'CertificateIssued' ||
      fact.type === 'CertificateStatusChanged'
    ) {
      this.applySkills(fact);
      return;
    }
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
        w.flags[wi]! |= REGISTERED;
        return;
      case 'DetailsCorrected':
        if (fact.data.sex !== undefined) w.sex[wi] = sexIndex(fact.data.sex);
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
        const { departedOn, destination, occupation, recruitmentCost, monthlyIncome } = fact.data;
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

  /** The registration side of a skills fact: the person, their sex, the standard's occupation and the last cycle's country by `day`. */
  private joined(record: number, day: number, standardId: string, standardVersion: number) {
    const person = this.personOf(record);
    const attributes = this.workerFlags(person) & REGISTERED ? person : record;
    const standard = this.standards.get(`${standardId}@${standardVersion}`) ?? this.latestStandard.get(standardId);
    return {
      record,
      person,
      sex: SEXES[this.workerPages[attributes >>> PAGE_BITS]!.sex[attributes & IN_PAGE]!]!,
      standardId,
      occupation: standard?.occupation,
      country: this.lastCountryBy(record, day),
    };
  }

  /**
   * Where the record's last cycle by `day` took the person: of the cycles with a departure or a return on
   * or before that day, the one with the highest number, its destination (or the country returned from).
   */
  private lastCountryBy(worker: number, day: number): string | undefined {
    let best = -1;
    let country: string | undefined;
    for (let c = this.workerPages[worker >>> PAGE_BITS]!.lastCycle[worker & IN_PAGE]!; c !== -1;) {
      const page = this.cyclePages[c >>> PAGE_BITS]!;
      const i = c & IN_PAGE;
      const departed = page.departed[i]!;
      const returned = page.returned[i]!;
      const happened = (departed !== NONE && departed <= day) || (returned !== NONE && returned <= day);
      if (happened && page.number[i]! > best) {
        best = page.number[i]!;
        country = this.countries.value(page.destination[i]!) ?? this.countries.value(page.from[i]!);
      }
      c = page.previous[i]!;
    }
    return country;
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
