import { randomUUID } from 'node:crypto';

/**
 * The events every contender appends. Data and metadata are the same JSON for all of them; payloads are
 * built ahead of time so the timed loop only pays for fresh ids, like a command handler would.
 */

/** A departure record as the registration service writes it (~400 bytes of JSON). */
export type DepartureRecorded = {
  workerId: string;
  passportNumber: string;
  fullName: string;
  birthDate: string;
  sex: 'F' | 'M';
  destinationCountry: string;
  employer: { name: string; city: string };
  occupation: string;
  contract: { start: string; months: number; monthlySalary: number; currency: string };
  flight: { number: string; departure: string };
};

export type EventMetadata = {
  correlationId: string;
  causationId: string;
  actor: string;
  source: string;
  schemaVersion: number;
};

export interface BenchEvent {
  readonly eventId: string;
  readonly type: 'DepartureRecorded';
  readonly data: DepartureRecorded;
  readonly metadata: EventMetadata;
  readonly occurredAt: Date;
}

const FIRST_NAMES = ['Maria', 'Jose', 'Ana', 'Mark', 'Grace', 'Ramon', 'Liza', 'Paolo', 'Joy', 'Ricardo'];
const LAST_NAMES = ['Santos', 'Reyes', 'Cruz', 'Bautista', 'Garcia', 'Mendoza', 'Villanueva', 'Aquino'];
const DESTINATIONS = [
  { country: 'AE', city: 'Dubai', currency: 'AED' },
  { country: 'SA', city: 'Riyadh', currency: 'SAR' },
  { country: 'HK', city: 'Hong Kong', currency: 'HKD' },
  { country: 'SG', city: 'Singapore', currency: 'SGD' },
  { country: 'QA', city: 'Doha', currency: 'QAR' },
];
const OCCUPATIONS = ['Domestic worker', 'Caregiver', 'Welder', 'Registered nurse', 'Electrician', 'Seafarer'];

function pick<T>(values: readonly T[], i: number): T {
  return values[i % values.length]!;
}

function departureRecord(i: number): DepartureRecorded {
  const destination = pick(DESTINATIONS, i);
  return {
    workerId: randomUUID(),
    passportNumber: `P${String(1_000_000 + i * 7919).slice(-7)}A`,
    fullName: `${pick(FIRST_NAMES, i)} ${pick(LAST_NAMES, i * 3)} ${pick(LAST_NAMES, i * 5 + 1)}`,
    birthDate: `19${70 + (i % 30)}-0${1 + (i % 9)}-1${i % 10}`,
    sex: i % 3 === 0 ? 'M' : 'F',
    destinationCountry: destination.country,
    employer: { name: `${pick(LAST_NAMES, i * 7)} Facilities Management LLC`, city: destination.city },
    occupation: pick(OCCUPATIONS, i),
    contract: { start: '2025-03-01', months: 24, monthlySalary: 1_500 + (i % 20) * 50, currency: destination.currency },
    flight: { number: `PR${600 + (i % 90)}`, departure: '2025-02-27T23:40:00+08:00' },
  };
}

/** Distinct payloads to cycle through; a few hundred are enough for realistic, non-identical rows. */
const RECORDS: readonly DepartureRecorded[] = Array.from({ length: 512 }, (_, i) => departureRecord(i));
let sequence = 0;

/** A new event with fresh ids. */
export function newEvent(): BenchEvent {
  const i = sequence++;
  const eventId = randomUUID();
  const correlationId = randomUUID();
  return {
    eventId,
    type: 'DepartureRecorded',
    data: RECORDS[i % RECORDS.length]!,
    metadata: { correlationId, causationId: correlationId, actor: 'officer:ph-mnl-0042', source: 'registration', schemaVersion: 1 },
    occurredAt: new Date(),
  };
}

export function newEvents(count: number): BenchEvent[] {
  return Array.from({ length: count }, () => newEvent());
}

/** Sizes of the serialised payloads, printed with the results so readers know what was appended. */
export function payloadSizes(): { dataBytes: number; metadataBytes: number } {
  const sample = newEvent();
  return {
    dataBytes: Buffer.byteLength(JSON.stringify(sample.data)),
    metadataBytes: Buffer.byteLength(JSON.stringify(sample.metadata)),
  };
}
