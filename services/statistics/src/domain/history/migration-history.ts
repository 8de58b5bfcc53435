import { dayOf } from './calendar';
import { RecordIndex } from './record-index';
import type { Money, RegistrationFact, ReturnAssistance, ReturnReason, Sex } from './registration-fact';

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

/** What the fold did with the facts it was given. */
export interface FoldCounts {
  readonly applied: number;
  /** Redeliveries of a fact already applied (the log is at-least-once), recognised by stream version. */
  readonly duplicates: number;
  /** Recorded after the `knownAt` cut-off. */
  readonly notYetKnown: number;
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
/** Arrays grow by half: less slack at ten million events than doubling, for a few more copies. */
const GROWTH = 1.5;

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

function grown<T extends Int32Array | Uint8Array | Uint16Array | Uint32Array | Float64Array>(array: T, capacity: number, fill?: number): T {
  const next = new (array.constructor as new (n: number) => T)(capacity);
  next.set(array);
  if (fill !== undefined) next.fill(fill, array.length);
  return next;
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
  private counts = { applied: 0, duplicates: 0, notYetKnown: 0 };

  private workerCount = 0;
  private workerCapacity = 1024;
  private wSex = new Uint8Array(this.workerCapacity);
  private wBirthYear = new Uint16Array(this.workerCapacity);
  private wVersion = new Uint32Array(this.workerCapacity);
  private wFlags = new Uint8Array(this.workerCapacity);
  private wLastCycle = new Int32Array(this.workerCapacity).fill(-1);

  private cycleCount = 0;
  private cycleCapacity = 1024;
  private cWorker = new Int32Array(this.cycleCapacity);
  private cNumber = new Uint16Array(this.cycleCapacity);
  private cPrevious = new Int32Array(this.cycleCapacity);
  private cDeparted = new Int32Array(this.cycleCapacity).fill(NONE);
  private cArrived = new Int32Array(this.cycleCapacity).fill(NONE);
  private cReturned = new Int32Array(this.cycleCapacity).fill(NONE);
  private cDestination = new Uint16Array(this.cycleCapacity);
  private cFrom = new Uint16Array(this.cycleCapacity);
  private cOccupation = new Uint16Array(this.cycleCapacity);
  private cAssistance = new Uint8Array(this.cycleCapacity);
  private cReason = new Uint8Array(this.cycleCapacity);
  private cFlags = new Uint8Array(this.cycleCapacity);
  private cCost = new Float64Array(this.cycleCapacity).fill(NaN);
  private cCostCurrency = new Uint16Array(this.cycleCapacity);
  private cIncome = new Float64Array(this.cycleCapacity).fill(NaN);
  private cIncomeCurrency = new Uint16Array(this.cycleCapacity);

  constructor(private readonly options: HistoryOptions = {}) {}

  /** Folds one fact in. Facts of different workers may come in any order (the topic's partitions interleave). */
  apply(fact: RegistrationFact): void {
    const worker = this.workerFor(fact.workerId);
    if (fact.version > 0 && fact.version <= this.wVersion[worker]!) {
      this.counts.duplicates++;
      return;
    }
    if (fact.version > 0) this.wVersion[worker] = fact.version;
    if (this.options.knownAt !== undefined && fact.recordedAt > this.options.knownAt) {
      this.counts.notYetKnown++;
      return;
    }
    this.counts.applied++;
    this.wFlags[worker]! |= SEEN;
    switch (fact.type) {
      case 'WorkerRegistered':
        this.wSex[worker] = sexIndex(fact.data.sex);
        this.wBirthYear[worker] = fact.data.birthYear ?? 0;
        this.wFlags[worker]! |= REGISTERED;
        return;
      case 'DetailsCorrected':
        if (fact.data.sex !== undefined) this.wSex[worker] = sexIndex(fact.data.sex);
        return;
      case 'PersonalDataErased':
        this.wFlags[worker]! |= ERASED;
        return;
      case 'RecordMerged': {
        const into = this.workerFor(fact.data.into);
        if (into !== worker) this.mergedInto.set(worker, into);
        return;
      }
      case 'DepartureRecorded': {
        const c = this.cycleFor(worker, fact.data.cycle);
        const { departedOn, destination, occupation, recruitmentCost, monthlyIncome } = fact.data;
        this.cDeparted[c] = dayOf(departedOn) ?? NONE;
        this.cDestination[c] = this.countries.intern(destination);
        this.cOccupation[c] = this.occupationCodes.intern(occupation);
        if (recruitmentCost) {
          this.cCost[c] = recruitmentCost.amountMinor;
          this.cCostCurrency[c] = this.currencies.intern(recruitmentCost.currency);
        }
        if (monthlyIncome) {
          this.cIncome[c] = monthlyIncome.amountMinor;
          this.cIncomeCurrency[c] = this.currencies.intern(monthlyIncome.currency);
        }
        return;
      }
      case 'ArrivalRecorded': {
        const c = this.cycleFor(worker, fact.data.cycle);
        this.cArrived[c] = dayOf(fact.data.arrivedOn) ?? NONE;
        if (this.cDestination[c] === 0) this.cDestination[c] = this.countries.intern(fact.data.country);
        return;
      }
      case 'OccupationChanged': {
        const c = this.cycleFor(worker, fact.data.cycle);
        const from = dayOf(fact.data.changedOn);
        if (from === undefined) return;
        const changes = this.occupationChanges.get(c) ?? [];
        changes.push({ from, occupation: this.occupationCodes.intern(fact.data.occupation) });
        this.occupationChanges.set(c, changes);
        return;
      }
      case 'ReturnRecorded': {
        const c = this.cycleFor(worker, fact.data.cycle);
        const { returnedOn, from, assistance, reason, withoutRecordedDeparture } = fact.data;
        this.cReturned[c] = dayOf(returnedOn) ?? NONE;
        this.cFrom[c] = this.countries.intern(from);
        this.cAssistance[c] = Math.max(0, ASSISTANCE.indexOf(assistance));
        this.cReason[c] = Math.max(0, REASONS.indexOf(reason));
        if (withoutRecordedDeparture) this.cFlags[c]! |= UNDOCUMENTED;
        return;
      }
      default: {
        const unknown: never = fact;
        throw new Error(`unknown fact ${JSON.stringify(unknown)}`);
      }
    }
  }

  get foldCounts(): FoldCounts {
    return { ...this.counts };
  }

  /** Records (pseudonymous registry ids) with at least one known fact. */
  get records(): number {
    let n = 0;
    for (let w = 0; w < this.workerCount; w++) if (this.wFlags[w]! & SEEN) n++;
    return n;
  }

  /** Records whose personal data was erased: still counted like everyone else. */
  get erasedRecords(): number {
    let n = 0;
    for (let w = 0; w < this.workerCount; w++) if (this.wFlags[w]! & ERASED) n++;
    return n;
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
    const record = this.cWorker[c]!;
    const person = this.personOf(record);
    // The person's attributes are those of the record that carries on, once it is known.
    const attributes = this.wFlags[person]! & REGISTERED ? person : record;
    const birthYear = this.wBirthYear[attributes]!;
    const departedOn = this.cDeparted[c]!;
    const occupations: { from: number; occupation: string }[] = [];
    const first = this.occupationCodes.value(this.cOccupation[c]!);
    if (first !== undefined) occupations.push({ from: departedOn, occupation: first });
    const changes = this.occupationChanges.get(c);
    if (changes) {
      // Stable for changes on the same day: the one recorded later wins, as in the registry.
      const ordered = changes.map((change, i) => ({ ...change, i })).sort((a, b) => a.from - b.from || a.i - b.i);
      for (const change of ordered) {
        const occupation = this.occupationCodes.value(change.occupation);
        if (occupation !== undefined) occupations.push({ from: change.from, occupation });
      }
    }
    return {
      record,
      person,
      sex: SEXES[this.wSex[attributes]!]!,
      birthYear: birthYear === 0 ? undefined : birthYear,
      number: this.cNumber[c]!,
      country: this.countries.value(this.cDestination[c]!) ?? this.countries.value(this.cFrom[c]!),
      departedOn: departedOn === NONE ? undefined : departedOn,
      arrivedOn: this.cArrived[c] === NONE ? undefined : this.cArrived[c],
      occupations,
      returnedOn: this.cReturned[c] === NONE ? undefined : this.cReturned[c],
      returnedFrom: this.countries.value(this.cFrom[c]!),
      assistance: ASSISTANCE[this.cAssistance[c]!],
      reason: REASONS[this.cReason[c]!],
      withoutRecordedDeparture: (this.cFlags[c]! & UNDOCUMENTED) !== 0,
      recruitmentCost: this.money(this.cCost[c]!, this.cCostCurrency[c]!),
      monthlyIncome: this.money(this.cIncome[c]!, this.cIncomeCurrency[c]!),
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
      if (this.workerCount === this.workerCapacity) this.growWorkers();
      this.workerCount++;
    }
    return w;
  }

  private cycleFor(worker: number, number: number): number {
    if (!(number >= 0 && number <= MAX_CYCLE_NUMBER)) throw new RangeError(`cycle number ${number} is out of range`);
    for (let c = this.wLastCycle[worker]!; c !== -1; c = this.cPrevious[c]!) if (this.cNumber[c] === number) return c;
    if (this.cycleCount === this.cycleCapacity) this.growCycles();
    const c = this.cycleCount++;
    this.cWorker[c] = worker;
    this.cNumber[c] = number;
    this.cPrevious[c] = this.wLastCycle[worker]!;
    this.wLastCycle[worker] = c;
    return c;
  }

  private growWorkers(): void {
    const n = (this.workerCapacity = Math.ceil(this.workerCapacity * GROWTH));
    this.wSex = grown(this.wSex, n);
    this.wBirthYear = grown(this.wBirthYear, n);
    this.wVersion = grown(this.wVersion, n);
    this.wFlags = grown(this.wFlags, n);
    this.wLastCycle = grown(this.wLastCycle, n, -1);
  }

  private growCycles(): void {
    const n = (this.cycleCapacity = Math.ceil(this.cycleCapacity * GROWTH));
    this.cWorker = grown(this.cWorker, n);
    this.cNumber = grown(this.cNumber, n);
    this.cPrevious = grown(this.cPrevious, n);
    this.cDeparted = grown(this.cDeparted, n, NONE);
    this.cArrived = grown(this.cArrived, n, NONE);
    this.cReturned = grown(this.cReturned, n, NONE);
    this.cDestination = grown(this.cDestination, n);
    this.cFrom = grown(this.cFrom, n);
    this.cOccupation = grown(this.cOccupation, n);
    this.cAssistance = grown(this.cAssistance, n);
    this.cReason = grown(this.cReason, n);
    this.cFlags = grown(this.cFlags, n);
    this.cCost = grown(this.cCost, n, NaN);
    this.cCostCurrency = grown(this.cCostCurrency, n);
    this.cIncome = grown(this.cIncome, n, NaN);
    this.cIncomeCurrency = grown(this.cIncomeCurrency, n);
  }
}
