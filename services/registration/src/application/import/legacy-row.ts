import type { FieldError } from '@homeward/service-kit/problem';
import { fieldError } from '@homeward/service-kit/problem';
import { textFault } from '@homeward/service-kit/text';
import { codeChecks, type CodeError } from '../../domain/worker/worker.codes';
import type { RecordDeparture, RecordReturn, RegisterWorker } from '../../domain/worker/worker.decider';
import type { RecruitmentChannel, ReturnAssistance, ReturnReason, Sex } from '../../domain/worker/worker.events';

/**
 * One record of a legacy register, as it arrives: a CSV line under a header, or an NDJSON object, with
 * snake_case names. A worker, and optionally their last departure and return.
 */
export type LegacyRecord = Readonly<Record<string, unknown>>;

export const LEGACY_COLUMNS = [
  'source_row_id',
  'given_name',
  'family_name',
  'date_of_birth',
  'sex',
  'origin_area',
  'national_id',
  'passport_number',
  'education_isced',
  'languages',
  'registered_on',
  'destination_country',
  'departed_on',
  'employer_name',
  'occupation_isco',
  'contract_start',
  'contract_end',
  'recruitment_agency',
  'channel',
  'returned_on',
  'from_country',
  'assistance',
  'return_reason',
] as const;

/** What a valid record asks for; the decider still has the last word on the rules. */
export interface LegacyImportRow {
  readonly sourceRowId: string;
  readonly register: Omit<RegisterWorker['data'], 'workerId' | 'duplicateCandidates'>;
  readonly departure?: RecordDeparture['data'];
  readonly homecoming?: RecordReturn['data'];
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const digitsAt = (s: string, from: number, to: number): number => {
  let value = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
};
/**
 * A calendar date written YYYY-MM-DD (proleptic Gregorian, years 0000–9999). Checked on the characters:
 * an import validates several dates a row, and parsing each through Date three times was a noticeable
 * share of an import's time.
 */
export const validDate = (s: string): boolean => {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const year = digitsAt(s, 0, 4);
  const month = digitsAt(s, 5, 7);
  const day = digitsAt(s, 8, 10);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
};
const MAX_LANGUAGES = 20;
const SEXES: readonly Sex[] = ['F', 'M', 'O', 'U'];
const CHANNELS: readonly RecruitmentChannel[] = ['regular', 'irregular'];
const ASSISTANCE: readonly ReturnAssistance[] = ['assisted', 'unassisted'];
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

/**
 * Reads a record into a row, or names every field at fault: its shape, and every code against its code
 * list (as the API does). Whether the dates make a plausible working life is the decider's to say.
 */
export function readLegacyRecord(record: LegacyRecord, today: string): { row: LegacyImportRow } | { errors: FieldError[] } {
  if (typeof record[NOT_A_RECORD] === 'string') return { errors: [fieldError('body', [], `the line ${record[NOT_A_RECORD]}`)] };
  const errors: (FieldError & { readonly code?: string })[] = [];
  const text = (name: string, required: boolean, max = 300): string | undefined => {
    const raw = record[name];
    const value = raw === undefined || raw === null ? '' : String(raw).trim();
    if (value === '') {
      if (required) errors.push(fieldError('body', [name], 'is required'));
      return undefined;
    }
    if (value.length > max) errors.push(fieldError('body', [name], `is longer than ${max} characters`));
    const fault = textFault(value);
    if (fault) errors.push(fieldError('body', [name], fault));
    return value;
  };
  const date = (name: string, required: boolean) => {
    const v = text(name, required, 10);
    if (v !== undefined && !validDate(v)) errors.push(fieldError('body', [name], 'must be a date YYYY-MM-DD'));
    return v;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], required: boolean): T | undefined => {
    const v = text(name, required, 64);
    if (v !== undefined && !allowed.includes(v as T)) errors.push(fieldError('body', [name], `must be one of: ${allowed.join(', ')}`));
    return v as T | undefined;
  };
  const coded = <T>(name: string, value: T | undefined, check: (value: T) => Omit<CodeError, 'path'> | undefined): T | undefined => {
    const wrong = value === undefined ? undefined : check(value);
    if (wrong) errors.push({ ...fieldError('body', [name], wrong.detail), code: wrong.code });
    return value;
  };
  const code = (name: string, check: (value: string) => Omit<CodeError, 'path'> | undefined, required: boolean) =>
    coded(name, text(name, required, 64), check);

  const sourceRowId = text('source_row_id', true, 128);
  const givenName = text('given_name', true, 200);
  const familyName = text('family_name', true, 200);
  const dateOfBirth = date('date_of_birth', true);
  const sex = oneOf('sex', SEXES, true);
  const originArea = code('origin_area', codeChecks.originArea, true);
  const nationalId = text('national_id', false, 64);
  const passportNumber = text('passport_number', false, 64);
  const educationRaw = text('education_isced', false, 2);
  const educationIsced = coded('education_isced', educationRaw === undefined ? undefined : Number(educationRaw), codeChecks.education);
  const languages = (text('languages', false, 200) ?? '').split(/[;,\s]+/).filter(Boolean);
  coded(
    'languages',
    languages.find((l) => codeChecks.language(l) !== undefined),
    codeChecks.language,
  );
  // As many as the API takes (RegisterWorkerRequest.languages): one contract, whichever way a worker comes in.
  if (languages.length > MAX_LANGUAGES) errors.push(fieldError('body', ['languages'], `at most ${MAX_LANGUAGES} languages`));
  const registeredOn = date('registered_on', false);

  const destinationCountry = code('destination_country', codeChecks.country, false);
  const departs = destinationCountry !== undefined;
  const departedOn = date('departed_on', departs);
  const employerName = text('employer_name', departs);
  const occupationIsco = code('occupation_isco', codeChecks.occupation, departs);
  const contractStart = date('contract_start', departs);
  const contractEnd = date('contract_end', departs);
  const recruitmentAgency = text('recruitment_agency', false);
  const channel = oneOf('channel', CHANNELS, departs);

  const returnedOn = date('returned_on', false);
  const returns = returnedOn !== undefined;
  const fromCountry = code('from_country', codeChecks.country, returns);
  const assistance = oneOf('assistance', ASSISTANCE, returns);
  const reason = oneOf('return_reason', REASONS, returns);

  if (errors.length > 0) return { errors };
  const row: LegacyImportRow = {
    sourceRowId: sourceRowId!,
    register: {
      today: registeredOn ?? today,
      sex: sex!,
      originArea: originArea!,
      ...(educationIsced === undefined ? {} : { educationIsced }),
      languages,
      personalData: {
        givenName: givenName!,
        familyName: familyName!,
        dateOfBirth: dateOfBirth!,
        ...(nationalId ? { nationalId } : {}),
        ...(passportNumber ? { passportNumber } : {}),
      },
    },
    ...(departs
      ? {
          departure: {
            today,
            destinationCountry: destinationCountry!,
            departedOn: departedOn!,
            employerName: employerName!,
            occupationIsco: occupationIsco!,
            contractStart: contractStart!,
            contractEnd: contractEnd!,
            channel: channel!,
            ...(recruitmentAgency ? { recruitmentAgency } : {}),
          },
        }
      : {}),
    ...(returns
      ? { homecoming: { today, returnedOn: returnedOn!, fromCountry: fromCountry!, assistance: assistance!, reason: reason! } }
      : {}),
  };
  return { row };
}

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. The first record is the header. */
export function parseCsv(text: string): LegacyRecord[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      field = '';
      if (record.length > 1 || record[0] !== '') records.push(record);
      record = [];
    } else field += c;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const [header, ...rows] = records;
  if (!header) return [];
  const names = header.map((h) => h.trim().toLowerCase());
  return rows.map((values) => Object.fromEntries(names.map((n, i) => [n, values[i] ?? ''])));
}

/** Marks a line that could not be read as a record; validation reports it. */
const NOT_A_RECORD = '__not_a_record';

/** One JSON object per line; a line that is not an object becomes a record that fails validation. */
export function parseNdjson(text: string): LegacyRecord[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        const value = JSON.parse(line) as unknown;
        return typeof value === 'object' && value !== null && !Array.isArray(value)
          ? (value as LegacyRecord)
          : { [NOT_A_RECORD]: 'is not a JSON object' };
      } catch {
        return { [NOT_A_RECORD]: 'is not valid JSON' };
      }
    });
}
