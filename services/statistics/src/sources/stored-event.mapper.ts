import type { DepartureRecorded, Money, RegistrationFact, ReturnReason, Sex } from '../domain/history/registration-fact';

type DepartureData = DepartureRecorded['data'];

/**
 * Rows of the registration service's event store → statistical facts. The store keeps each domain event's
 * data as JSON (personal data replaced by its seal under `sealed`, which the replay does not even read)
 * with the stream version and the time it was recorded in columns of their own.
 */

/** The event types that carry statistical facts; the replay reads only these rows. */
export const STATISTICAL_EVENT_TYPES = [
  'WorkerRegistered',
  'DepartureRecorded',
  'ArrivalRecorded',
  'EmploymentChanged',
  'ReturnRecorded',
  'WorkerDetailsCorrected',
  'DuplicateResolved',
  'PersonalDataErased',
] as const;

export type StatisticalEventType = (typeof STATISTICAL_EVENT_TYPES)[number];

/**
 * The fields each event type's fact is made of, as JSON paths into the stored data, in the order the
 * event-store source selects them (PostgreSQL's `#>>`: text, numbers and booleans as their text, absent as
 * null). Selecting these few fields as text columns spares the replay parsing each row's JSON, and leaves
 * everything else — sealed personal data, employers, contract terms — in the database.
 */
export const STORED_FIELDS: Readonly<Record<StatisticalEventType, readonly (readonly string[])[]>> = {
  WorkerRegistered: [['sex'], ['birthYear'], ['educationIsced']],
  DepartureRecorded: [
    ['cycleNumber'],
    ['departedOn'],
    ['destinationCountry'],
    ['occupationIsco'],
    ['recruitmentCost', 'currency'],
    ['recruitmentCost', 'amountMinor'],
    ['monthlyWage', 'currency'],
    ['monthlyWage', 'amountMinor'],
    ['channel'],
    ['recruitmentAgency'],
  ],
  ArrivalRecorded: [['cycleNumber'], ['arrivedOn'], ['country']],
  EmploymentChanged: [['cycleNumber'], ['changedOn'], ['occupationIsco']],
  ReturnRecorded: [['cycleNumber'], ['returnedOn'], ['fromCountry'], ['assistance'], ['reason'], ['withoutRecordedDeparture']],
  WorkerDetailsCorrected: [['sex'], ['educationIsced']],
  DuplicateResolved: [['samePerson'], ['candidateId']],
  PersonalDataErased: [],
};

/** How many field columns the source selects: the most any event type needs. */
export const STORED_FIELD_COLUMNS = Math.max(...Object.values(STORED_FIELDS).map((paths) => paths.length));

export interface StoredEventRow {
  readonly type: string;
  readonly streamVersion: number;
  /** recorded_at, epoch milliseconds. */
  readonly recordedAt: number;
  readonly workerId: string;
  /** The type's `STORED_FIELDS`, in order, as text; undefined where the data has none. */
  readonly fields: readonly (string | undefined)[];
}

const SEXES: readonly Sex[] = ['F', 'M', 'O', 'U'];
const REASONS: readonly ReturnReason[] = [
  'contract_completed',
  'terminated_early',
  'abuse_or_exploitation',
  'illness_or_injury',
  'death',
  'deportation',
  'evacuation',
  'voluntary',
  'other',
];

const KNOWN_SEXES: ReadonlySet<string> = new Set(SEXES);
const KNOWN_REASONS: ReadonlySet<string> = new Set(REASONS);

const text = (value: string | undefined): string => value ?? '';
const whole = (value: string | undefined): number => {
  if (value === undefined) return 0;
  const number = Number(value);
  return Number.isInteger(number) ? number : 0;
};
/** A whole number when the text is one, else undefined (absent, or not a number). */
const wholeOrNone = (value: string | undefined): number | undefined => {
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  return Number.isInteger(number) ? number : undefined;
};
const sexOf = (value: string | undefined): Sex | undefined => (value !== undefined && KNOWN_SEXES.has(value) ? (value as Sex) : undefined);

function money(currency: string | undefined, amountMinor: string | undefined): Money | undefined {
  if (currency === undefined || currency === '' || amountMinor === undefined) return undefined;
  const amount = Number(amountMinor);
  return Number.isFinite(amount) ? { currency, amountMinor: amount } : undefined;
}

/**
 * The fact of one stored event. Written with object literals rather than spreads: a replay calls it for
 * every row, and building each fact in one go is most of what it costs.
 */
export function factFromStoredEvent(row: StoredEventRow): RegistrationFact | undefined {
  const f = row.fields;
  const { workerId, streamVersion: version, recordedAt } = row;
  switch (row.type) {
    case 'WorkerRegistered': {
      const birthYear = whole(f[1]);
      const sex = sexOf(f[0]) ?? 'U';
      const educationIsced = wholeOrNone(f[2]);
      return {
        type: 'WorkerRegistered',
        workerId,
        version,
        recordedAt,
        data: {
          sex,
          ...(birthYear > 0 ? { birthYear } : {}),
          ...(educationIsced === undefined ? {} : { educationIsced }),
        },
      };
    }
    case 'DepartureRecorded': {
      const data: { -readonly [K in keyof DepartureData]: DepartureData[K] } = {
        cycle: whole(f[0]),
        departedOn: text(f[1]),
        destination: text(f[2]),
        occupation: text(f[3]),
        viaAgency: text(f[9]).trim() !== '',
      };
      if (f[8] === 'regular' || f[8] === 'irregular') data.channel = f[8];
      const recruitmentCost = money(f[4], f[5]);
      const monthlyIncome = money(f[6], f[7]);
      if (recruitmentCost) data.recruitmentCost = recruitmentCost;
      if (monthlyIncome) data.monthlyIncome = monthlyIncome;
      return { type: 'DepartureRecorded', workerId, version, recordedAt, data };
    }
    case 'ArrivalRecorded':
      return {
        type: 'ArrivalRecorded',
        workerId,
        version,
        recordedAt,
        data: { cycle: whole(f[0]), arrivedOn: text(f[1]), country: text(f[2]) },
      };
    case 'EmploymentChanged': {
      const occupation = text(f[2]);
      if (occupation === '') return undefined;
      return { type: 'OccupationChanged', workerId, version, recordedAt, data: { cycle: whole(f[0]), changedOn: text(f[1]), occupation } };
    }
    case 'ReturnRecorded':
      return {
        type: 'ReturnRecorded',
        workerId,
        version,
        recordedAt,
        data: {
          cycle: whole(f[0]),
          returnedOn: text(f[1]),
          from: text(f[2]),
          assistance: f[3] === 'assisted' || f[3] === 'unassisted' ? f[3] : 'unspecified',
          reason: f[4] !== undefined && KNOWN_REASONS.has(f[4]) ? (f[4] as ReturnReason) : 'unspecified',
          withoutRecordedDeparture: f[5] === 'true',
        },
      };
    case 'WorkerDetailsCorrected': {
      const sex = sexOf(f[0]);
      const educationIsced = wholeOrNone(f[1]);
      return {
        type: 'DetailsCorrected',
        workerId,
        version,
        recordedAt,
        data: { ...(sex ? { sex } : {}), ...(educationIsced === undefined ? {} : { educationIsced }) },
      };
    }
    case 'DuplicateResolved':
      return f[0] === 'true' ? { type: 'RecordMerged', workerId, version, recordedAt, data: { into: text(f[1]) } } : undefined;
    case 'PersonalDataErased':
      return { type: 'PersonalDataErased', workerId, version, recordedAt, data: {} };
    default:
      return undefined;
  }
}
