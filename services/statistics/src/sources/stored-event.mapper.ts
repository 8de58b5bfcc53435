import type { Money, RegistrationFact, ReturnAssistance, ReturnReason, Sex } from '../domain/history/registration-fact';

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

export interface StoredEventRow {
  readonly type: string;
  readonly streamVersion: number;
  /** recorded_at, epoch milliseconds. */
  readonly recordedAt: number;
  /** The event's data (JSON), without its sealed fields. */
  readonly data: Readonly<Record<string, unknown>>;
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

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const whole = (value: unknown): number => (typeof value === 'number' && Number.isInteger(value) ? value : 0);
const sexOf = (value: unknown): Sex | undefined => SEXES.find((s) => s === value);

function money(value: unknown): Money | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { currency, amountMinor } = value as { currency?: unknown; amountMinor?: unknown };
  if (typeof currency !== 'string' || currency === '' || typeof amountMinor !== 'number') return undefined;
  return { currency, amountMinor };
}

export function factFromStoredEvent(row: StoredEventRow): RegistrationFact | undefined {
  const d = row.data;
  const base = { workerId: text(d.workerId), version: row.streamVersion, recordedAt: row.recordedAt };
  switch (row.type) {
    case 'WorkerRegistered': {
      const birthYear = whole(d.birthYear);
      return { ...base, type: 'WorkerRegistered', data: { sex: sexOf(d.sex) ?? 'U', ...(birthYear > 0 ? { birthYear } : {}) } };
    }
    case 'DepartureRecorded': {
      const recruitmentCost = money(d.recruitmentCost);
      const monthlyIncome = money(d.monthlyWage);
      return {
        ...base,
        type: 'DepartureRecorded',
        data: {
          cycle: whole(d.cycleNumber),
          departedOn: text(d.departedOn),
          destination: text(d.destinationCountry),
          occupation: text(d.occupationIsco),
          ...(recruitmentCost ? { recruitmentCost } : {}),
          ...(monthlyIncome ? { monthlyIncome } : {}),
        },
      };
    }
    case 'ArrivalRecorded':
      return {
        ...base,
        type: 'ArrivalRecorded',
        data: { cycle: whole(d.cycleNumber), arrivedOn: text(d.arrivedOn), country: text(d.country) },
      };
    case 'EmploymentChanged': {
      const occupation = text(d.occupationIsco);
      if (occupation === '') return undefined;
      return { ...base, type: 'OccupationChanged', data: { cycle: whole(d.cycleNumber), changedOn: text(d.changedOn), occupation } };
    }
    case 'ReturnRecorded': {
      const assistance: ReturnAssistance = d.assistance === 'assisted' || d.assistance === 'unassisted' ? d.assistance : 'unspecified';
      return {
        ...base,
        type: 'ReturnRecorded',
        data: {
          cycle: whole(d.cycleNumber),
          returnedOn: text(d.returnedOn),
          from: text(d.fromCountry),
          assistance,
          reason: REASONS.find((r) => r === d.reason) ?? 'unspecified',
          withoutRecordedDeparture: d.withoutRecordedDeparture === true,
        },
      };
    }
    case 'WorkerDetailsCorrected': {
      const sex = sexOf(d.sex);
      return { ...base, type: 'DetailsCorrected', data: sex ? { sex } : {} };
    }
    case 'DuplicateResolved':
      return d.samePerson === true ? { ...base, type: 'RecordMerged', data: { into: text(d.candidateId) } } : undefined;
    case 'PersonalDataErased':
      return { ...base, type: 'PersonalDataErased', data: {} };
    default:
      return undefined;
  }
}
