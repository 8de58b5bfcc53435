import { country } from '@homeward/classifications/countries';
import { iscoUnitGroup } from '@homeward/classifications/isco-08';
import type { ReturnAssistance, ReturnReason, Sex } from '../history/registration-fact';
import type { CertificateKind } from '../history/skills-fact';
import { completeMonths } from '../history/calendar';

/**
 * The dimensions of the reports and their code lists. Codes follow SDMX conventions (`_T` total, `_U`
 * unknown, `_O` other; age bands as in the SDG code lists, Y15T24); every dimension but TIME_PERIOD has
 * its total first. The order of codes here is the order of rows in every output.
 */
export interface Code {
  readonly id: string;
  readonly name: string;
}

export type DimensionId =
  | 'SEX'
  | 'COUNTERPART_AREA'
  | 'OCCUPATION'
  | 'AGE'
  | 'RETURN_TYPE'
  | 'RETURN_REASON'
  | 'DURATION_ABROAD'
  | 'TIME_SINCE_RETURN'
  | 'STANDARD'
  | 'COMPETENCY_UNIT'
  | 'CERTIFICATE_TYPE'
  | 'CERTIFICATE_STATUS'
  | 'TIME_PERIOD';

export interface Dimension {
  readonly id: DimensionId;
  readonly name: string;
  readonly codes: readonly Code[];
  /** Whether the first code is the total over the others (TIME_PERIOD: the whole period over its slices). */
  readonly hasTotal: boolean;
}

export const TOTAL = '_T';
export const UNKNOWN = '_U';
const total: Code = { id: TOTAL, name: 'Total' };
const unknown: Code = { id: UNKNOWN, name: 'Unknown' };

function dimension(id: DimensionId, name: string, codes: readonly Code[]): Dimension {
  return { id, name, codes: [total, ...codes], hasTotal: true };
}

// Sex, always disaggregated (ILO; SDMX CL_SEX).
export const SEX = dimension('SEX', 'Sex', [
  { id: 'F', name: 'Female' },
  { id: 'M', name: 'Male' },
  { id: '_O', name: 'Other' },
  { id: UNKNOWN, name: 'Unknown' },
]);
const SEX_CODES: Record<Sex, string> = { F: 'F', M: 'M', O: '_O', U: UNKNOWN };
export const sexCode = (sex: Sex): string => SEX_CODES[sex];

// Age at the reference date, from the birth year (the registry keeps no more of the date of birth in the clear).
const AGE_BANDS: readonly { readonly id: string; readonly name: string; readonly from: number; readonly to: number }[] = [
  { id: 'Y_LT15', name: 'Under 15 years', from: -Infinity, to: 14 },
  { id: 'Y15T24', name: '15 to 24 years', from: 15, to: 24 },
  { id: 'Y25T34', name: '25 to 34 years', from: 25, to: 34 },
  { id: 'Y35T44', name: '35 to 44 years', from: 35, to: 44 },
  { id: 'Y45T54', name: '45 to 54 years', from: 45, to: 54 },
  { id: 'Y55T64', name: '55 to 64 years', from: 55, to: 64 },
  { id: 'Y_GE65', name: '65 years or over', from: 65, to: Infinity },
];
export const AGE = dimension('AGE', 'Age group', [...AGE_BANDS.map(({ id, name }) => ({ id, name })), unknown]);
/** Age reached in the reference year: the registry keeps only the birth year of the date of birth in the clear. */
export function ageCode(birthYear: number | undefined, referenceYear: number): string {
  if (birthYear === undefined) return UNKNOWN;
  const age = referenceYear - birthYear;
  return AGE_BANDS.find((band) => age >= band.from && age <= band.to)?.id ?? UNKNOWN;
}

// ISCO-08 major groups: the first digit of the unit group.
export const OCCUPATION = dimension('OCCUPATION', 'Occupation (ISCO-08 major group)', [
  { id: '1', name: 'Managers' },
  { id: '2', name: 'Professionals' },
  { id: '3', name: 'Technicians and associate professionals' },
  { id: '4', name: 'Clerical support workers' },
  { id: '5', name: 'Service and sales workers' },
  { id: '6', name: 'Skilled agricultural, forestry and fishery workers' },
  { id: '7', name: 'Craft and related trades workers' },
  { id: '8', name: 'Plant and machine operators, and assemblers' },
  { id: '9', name: 'Elementary occupations' },
  { id: '0', name: 'Armed forces occupations' },
  unknown,
]);
/** The major group of an ISCO-08 unit group; unknown for none, or for a code that is not a unit group (0000, 9999). */
export function occupationCode(isco: string | undefined): string {
  return isco !== undefined && iscoUnitGroup(isco) ? isco[0]! : UNKNOWN;
}

export const RETURN_TYPE = dimension('RETURN_TYPE', 'Return type', [
  { id: 'ASSISTED', name: 'Assisted (by the state, a mission or an international organisation)' },
  { id: 'UNASSISTED', name: 'Unassisted' },
  unknown,
]);
const ASSISTANCE_CODES: Record<ReturnAssistance, string> = { assisted: 'ASSISTED', unassisted: 'UNASSISTED', unspecified: UNKNOWN };
export const returnTypeCode = (assistance: ReturnAssistance | undefined): string => (assistance ? ASSISTANCE_CODES[assistance] : UNKNOWN);

export const RETURN_REASON = dimension('RETURN_REASON', 'Reason for return', [
  { id: 'CONTRACT_COMPLETED', name: 'Contract completed' },
  { id: 'TERMINATED_EARLY', name: 'Contract terminated early' },
  { id: 'ABUSE_EXPLOITATION', name: 'Abuse or exploitation' },
  { id: 'ILLNESS_INJURY', name: 'Illness or injury' },
  { id: 'DEATH', name: 'Death (repatriation of remains)' },
  { id: 'DEPORTATION', name: 'Deportation' },
  { id: 'EVACUATION', name: 'Emergency or crisis evacuation' },
  { id: 'VOLUNTARY', name: 'Voluntary' },
  { id: 'OTHER', name: 'Other' },
  unknown,
]);
const REASON_CODES: Record<ReturnReason, string> = {
  contract_completed: 'CONTRACT_COMPLETED',
  terminated_early: 'TERMINATED_EARLY',
  abuse_or_exploitation: 'ABUSE_EXPLOITATION',
  illness_or_injury: 'ILLNESS_INJURY',
  death: 'DEATH',
  deportation: 'DEPORTATION',
  evacuation: 'EVACUATION',
  voluntary: 'VOLUNTARY',
  other: 'OTHER',
  unspecified: UNKNOWN,
};
export const returnReasonCode = (reason: ReturnReason | undefined): string => (reason ? REASON_CODES[reason] : UNKNOWN);

/** Bands of whole months; `upTo` is exclusive. */
interface MonthBand {
  readonly id: string;
  readonly name: string;
  readonly upTo: number;
}
const ABROAD_BANDS: readonly MonthBand[] = [
  { id: 'M_LT6', name: 'Less than 6 months', upTo: 6 },
  { id: 'M6T11', name: '6 to 11 months', upTo: 12 },
  { id: 'M12T23', name: '1 year to less than 2 years', upTo: 24 },
  { id: 'M24T59', name: '2 years to less than 5 years', upTo: 60 },
  { id: 'M_GE60', name: '5 years or more', upTo: Infinity },
];
const SINCE_RETURN_BANDS: readonly MonthBand[] = [
  { id: 'M_LT3', name: 'Less than 3 months', upTo: 3 },
  { id: 'M3T5', name: '3 to 5 months', upTo: 6 },
  { id: 'M6T11', name: '6 to 11 months', upTo: 12 },
  { id: 'M12T23', name: '1 year to less than 2 years', upTo: 24 },
  { id: 'M_GE24', name: '2 years or more', upTo: Infinity },
];
const band = (bands: readonly MonthBand[], months: number) => bands.find((b) => months < b.upTo)?.id ?? UNKNOWN;

export const DURATION_ABROAD = dimension('DURATION_ABROAD', 'Time abroad (last stay)', [
  ...ABROAD_BANDS.map(({ id, name }) => ({ id, name })),
  { id: UNKNOWN, name: 'Unknown (no recorded departure)' },
]);
/** Whole months from departure to return; unknown for a return without a recorded departure. */
export function durationAbroadCode(departedOn: number | undefined, returnedOn: number): string {
  return departedOn === undefined || departedOn > returnedOn ? UNKNOWN : band(ABROAD_BANDS, completeMonths(departedOn, returnedOn));
}

export const TIME_SINCE_RETURN = dimension(
  'TIME_SINCE_RETURN',
  'Time since return',
  SINCE_RETURN_BANDS.map(({ id, name }) => ({ id, name })),
);
export function timeSinceReturnCode(returnedOn: number, asOf: number): string {
  return band(SINCE_RETURN_BANDS, completeMonths(returnedOn, asOf));
}

/**
 * The COUNTERPART_AREA code of a recorded country: its ISO 3166-1 alpha-2 code, or unknown when none was
 * recorded or the code names no country (XX, UK: accepted before the registry checked codes). One such
 * record is counted under `_U` and reported in the report's basis; it never stops the report.
 */
export function countryCode(code: string | undefined): string {
  return code !== undefined && country(code) ? code : UNKNOWN;
}

/** Countries as ISO 3166-1 alpha-2 codes (alpha-3 in SDMX output), those seen in the history, in code order. */
export function counterpartArea(codes: Iterable<string>): Dimension {
  const sorted = [...new Set([...codes].map(countryCode))].filter((c) => c !== UNKNOWN).sort();
  return dimension('COUNTERPART_AREA', 'Country of destination or previous residence', [
    ...sorted.map((id) => ({ id, name: country(id)!.name })),
    { id: UNKNOWN, name: 'Unknown' },
  ]);
}

/** The competency standards assessed (their ids, named by their latest title), in code order. */
export function standardDimension(standards: ReadonlyMap<string, string>): Dimension {
  const ids = [...standards.keys()].sort();
  return dimension(
    'STANDARD',
    'Competency standard',
    ids.map((id) => ({ id, name: standards.get(id)! })),
  );
}

/** The code of a unit of competency in the COMPETENCY_UNIT code list: the standard's id, a colon, the unit's code. */
export const competencyUnitCode = (standardId: string, unitCode: string): string => `${standardId}:${unitCode}`;

/** The units of competency assessed, each under its standard, in code order. */
export function competencyUnitDimension(units: ReadonlyMap<string, string>): Dimension {
  const ids = [...units.keys()].sort();
  return dimension(
    'COMPETENCY_UNIT',
    'Unit of competency',
    ids.map((id) => ({ id, name: units.get(id)! })),
  );
}

export const CERTIFICATE_TYPE = dimension('CERTIFICATE_TYPE', 'Certificate type', [
  { id: 'FULL', name: 'Full qualification (every unit of the standard)' },
  { id: 'PARTIAL', name: 'Certificate of competency (some units)' },
  unknown,
]);
const CERTIFICATE_CODES: Record<CertificateKind, string> = { full: 'FULL', partial: 'PARTIAL', unknown: UNKNOWN };
export const certificateTypeCode = (kind: CertificateKind): string => CERTIFICATE_CODES[kind];

// What became of a certificate by the reference date.
export type CertificateStatus = 'ACTIVE' | 'SUPERSEDED' | 'SUSPENDED' | 'REVOKED' | 'EXPIRED';
export const CERTIFICATE_STATUS = dimension('CERTIFICATE_STATUS', 'Certificate status on the reference date', [
  { id: 'ACTIVE', name: 'Valid' },
  { id: 'SUPERSEDED', name: 'Superseded by the full qualification' },
  { id: 'SUSPENDED', name: 'Suspended' },
  { id: 'REVOKED', name: 'Revoked' },
  { id: 'EXPIRED', name: 'Expired' },
]);

export function timePeriod(codes: readonly Code[]): Dimension {
  return { id: 'TIME_PERIOD', name: 'Time period', codes, hasTotal: codes.length > 1 };
}
