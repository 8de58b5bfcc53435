import { country } from '@homeward/classifications/countries';
import { subdivision } from '@homeward/classifications/countries';
import { iscedLevel, iscedLevels } from '@homeward/classifications/isced-2011';
import { iscoUnitGroup } from '@homeward/classifications/isco-08';
import type { RecruitmentChannel, ReturnAssistance, ReturnReason, Sex } from '../history/registration-fact';
import type { CertificateKind } from '../history/skills-fact';
import { completeMonths } from '../history/calendar';
import { currency } from '@homeward/classifications/currencies';
import type { BenefitType } from '../history/fund-fact';

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
  | 'EDUCATION'
  | 'RECRUITMENT_CHANNEL'
  | 'OCCUPATION_ABROAD'
  | 'PLACEMENT_WINDOW'
  | 'PLACEMENT_STATUS'
  | 'LOCATION'
  | 'VACANCY_FLOW'
  | 'EMPLOYMENT_SERVICE'
  | 'BENEFIT_TYPE'
  | 'FUND_STEP'
  | 'REJECTION_REASON'
  | 'CURRENCY'
  | 'DAYS_TO_PAYMENT'
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

// Level of education attained (ILO core disaggregation), ISCED 2011 levels 0 to 8 as UNESCO names them.
export const EDUCATION = dimension('EDUCATION', 'Level of education (ISCED 2011)', [
  ...iscedLevels().map(({ level, title }) => ({ id: `ISCED11_${level}`, name: title })),
  { id: UNKNOWN, name: 'Unknown (not recorded)' },
]);
/** The EDUCATION code of a recorded ISCED 2011 level; unknown when none was recorded or it is not a level. */
export function educationCode(level: number | undefined): string {
  return level !== undefined && iscedLevel(level) ? `ISCED11_${level}` : UNKNOWN;
}

/**
 * Recruitment channel of the migration cycle (ILO core disaggregation): regular or irregular, through a
 * recruitment agency or not, as the departure recorded it. Unknown for a cycle with no recorded departure
 * (an undocumented returnee) or a departure that did not say whether it was regular.
 */
export const RECRUITMENT_CHANNEL = dimension('RECRUITMENT_CHANNEL', 'Recruitment channel', [
  { id: 'REG_AGENCY', name: 'Regular, through a recruitment agency' },
  { id: 'REG_DIRECT', name: 'Regular, without a recruitment agency (direct hire)' },
  { id: 'IRREG_AGENCY', name: 'Irregular, through a recruitment agency' },
  { id: 'IRREG_DIRECT', name: 'Irregular, without a recruitment agency' },
  { id: UNKNOWN, name: 'Unknown (no recorded departure, or channel not recorded)' },
]);
export function recruitmentChannelCode(channel: RecruitmentChannel | undefined, viaAgency: boolean | undefined): string {
  if (channel === undefined || viaAgency === undefined) return UNKNOWN;
  return `${channel === 'regular' ? 'REG' : 'IRREG'}_${viaAgency ? 'AGENCY' : 'DIRECT'}`;
}

/** The ISCO-08 major group of the last job held abroad, beside OCCUPATION (the job found at home). */
export const OCCUPATION_ABROAD: Dimension = {
  ...OCCUPATION,
  id: 'OCCUPATION_ABROAD',
  name: 'Occupation of the last job abroad (ISCO-08 major group)',
};

/** Months from the return within which a placement counts (no total: each window is a measure of its own). */
export const PLACEMENT_WINDOWS = [
  { id: 'M3', name: 'Within 3 months of return', months: 3 },
  { id: 'M6', name: 'Within 6 months of return', months: 6 },
  { id: 'M12', name: 'Within 12 months of return', months: 12 },
] as const;
export const PLACEMENT_WINDOW: Dimension = {
  id: 'PLACEMENT_WINDOW',
  name: 'Placement window',
  codes: PLACEMENT_WINDOWS.map(({ id, name }) => ({ id, name })),
  hasTotal: false,
};

/**
 * What became of a return within a window, as known on the reference date; the total is every return of
 * the cohort. A placement within the window is final as soon as it starts, whether or not the window has
 * elapsed; a return not placed is "not placed" only once its window has elapsed.
 */
export type PlacementStatus = 'PLACED' | 'NOT_PLACED' | 'OPEN';
export const PLACEMENT_STATUS = dimension('PLACEMENT_STATUS', 'Placement status on the reference date', [
  { id: 'PLACED', name: 'Placed within the window' },
  { id: 'NOT_PLACED', name: 'Not placed within the window (window elapsed)' },
  { id: 'OPEN', name: 'Not placed yet (window not yet elapsed)' },
]);

/** Not applicable: the occupation of the placement of a return not placed. */
export const NOT_APPLICABLE = '_Z';
export const PLACEMENT_OCCUPATION: Dimension = {
  ...OCCUPATION,
  codes: [...OCCUPATION.codes, { id: NOT_APPLICABLE, name: 'Not applicable (not placed)' }],
  name: 'Occupation of the placement (ISCO-08 major group)',
};

/** ISO 3166-2 subdivisions of vacancies' workplaces, those seen in the history, in code order. */
export function locationDimension(codes: Iterable<string>): Dimension {
  const sorted = [...new Set([...codes].map(locationCode))].filter((c) => c !== UNKNOWN).sort();
  return dimension('LOCATION', 'Place of work (ISO 3166-2 subdivision)', [
    ...sorted.map((id) => ({ id, name: subdivision(id)!.name })),
    { id: UNKNOWN, name: 'Unknown' },
  ]);
}
/** The LOCATION code of a recorded subdivision; unknown when it names no ISO 3166-2 subdivision. */
export function locationCode(code: string | undefined): string {
  return code !== undefined && subdivision(code) ? code : UNKNOWN;
}

/** Vacancies: posted, filled, closed, withdrawn in the period (flows) and open on the reference date (a stock); no total. */
export const VACANCY_FLOW: Dimension = {
  id: 'VACANCY_FLOW',
  name: 'Vacancies',
  codes: [
    { id: 'POSTED', name: 'Posted in the period' },
    { id: 'OPEN', name: 'Open on the reference date' },
    { id: 'FILLED', name: 'Filled in the period' },
    { id: 'CLOSED', name: 'Closed unfilled in the period' },
    { id: 'WITHDRAWN', name: 'Withdrawn in the period' },
  ],
  hasTotal: false,
};

/** Steps of the public employment service's work with job seekers; no total (a person may take every step). */
export const EMPLOYMENT_SERVICE: Dimension = {
  id: 'EMPLOYMENT_SERVICE',
  name: 'Employment service step',
  codes: [
    { id: 'JOB_SEEKERS', name: 'Returnees registered as job seekers' },
    { id: 'REFERRALS', name: 'Referrals to a vacancy' },
    { id: 'INTERVIEWS', name: 'Interviews' },
    { id: 'HIRES', name: 'Hires' },
  ],
  hasTotal: false,
};

/** The emergency fund's benefit types (issue 13), in the policy's order; unknown for a type of a newer policy. */
const BENEFIT_CODES: Record<BenefitType, Code> = {
  repatriation: { id: 'REPATRIATION', name: 'Repatriation' },
  repatriation_of_remains: { id: 'REMAINS', name: 'Repatriation of remains' },
  death: { id: 'DEATH', name: 'Death' },
  disability_injury: { id: 'DISABILITY', name: 'Disability or injury' },
  medical: { id: 'MEDICAL', name: 'Medical' },
  legal_assistance: { id: 'LEGAL', name: 'Legal assistance' },
  counselling: { id: 'COUNSELLING', name: 'Counselling' },
  emergency_shelter: { id: 'SHELTER', name: 'Emergency shelter and subsistence' },
};
export const BENEFIT_TYPE = dimension('BENEFIT_TYPE', 'Benefit type', [...Object.values(BENEFIT_CODES), unknown]);
export const benefitTypeCode = (type: BenefitType | undefined): string => (type ? BENEFIT_CODES[type].id : UNKNOWN);

/** Steps of a claim on the fund; no total (one claim may take every step). */
export const FUND_STEP: Dimension = {
  id: 'FUND_STEP',
  name: 'Claims and decisions',
  codes: [
    { id: 'CLAIMS', name: 'Claims filed' },
    { id: 'APPROVALS', name: 'Claims approved' },
    { id: 'REJECTIONS', name: 'Claims rejected' },
    { id: 'DISBURSEMENTS', name: 'Disbursements made' },
  ],
  hasTotal: false,
};

/**
 * The reason codes of rejections seen in the history, in code order, without a total: a rejection with two
 * reasons counts under each, so a sum over reasons would count it twice (the number of rejections is in
 * the claims table).
 */
export function rejectionReasonDimension(codes: Iterable<string>): Dimension {
  const sorted = [...new Set(codes)].filter((c) => c !== '' && c !== UNKNOWN).sort();
  return {
    id: 'REJECTION_REASON',
    name: "Reason for rejection (the policy's reason code)",
    codes: [...sorted.map((id) => ({ id, name: id })), { id: UNKNOWN, name: 'No reason recorded' }],
    hasTotal: false,
  };
}

/**
 * ISO 4217 currencies of the amounts seen in the history, in code order, without a total (amounts in
 * different currencies do not add up); a code that names no currency is kept as recorded; `_Z` alone when
 * nothing was paid.
 */
export function currencyDimension(codes: Iterable<string>): Dimension {
  const sorted = [...new Set(codes)].sort();
  return {
    id: 'CURRENCY',
    name: 'Currency (ISO 4217)',
    // With no payment yet, one code says so: a dimension needs at least one code.
    codes:
      sorted.length === 0 ? [{ id: NOT_APPLICABLE, name: 'No payment' }] : sorted.map((id) => ({ id, name: currency(id)?.name ?? id })),
    hasTotal: false,
  };
}

/** Days from the incident to a payment, in bands (the median is a table of its own). */
const DAY_BANDS: readonly { id: string; name: string; upTo: number }[] = [
  { id: 'D0T7', name: 'Up to 7 days', upTo: 8 },
  { id: 'D8T30', name: '8 to 30 days', upTo: 31 },
  { id: 'D31T90', name: '31 to 90 days', upTo: 91 },
  { id: 'D91T180', name: '91 to 180 days', upTo: 181 },
  { id: 'D181T365', name: '181 to 365 days', upTo: 366 },
  { id: 'D_GT365', name: 'More than 365 days', upTo: Infinity },
];
export const DAYS_TO_PAYMENT = dimension('DAYS_TO_PAYMENT', 'Days from the incident to the payment', [
  ...DAY_BANDS.map(({ id, name }) => ({ id, name })),
  { id: UNKNOWN, name: 'Unknown (incident not dated, or dated after the payment)' },
]);
export function daysToPaymentCode(days: number | undefined): string {
  return days === undefined || days < 0 ? UNKNOWN : (DAY_BANDS.find((b) => days < b.upTo)?.id ?? UNKNOWN);
}

export function timePeriod(codes: readonly Code[]): Dimension {
  return { id: 'TIME_PERIOD', name: 'Time period', codes, hasTotal: codes.length > 1 };
}
