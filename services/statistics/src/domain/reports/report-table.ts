import type { Dimension } from './codelists';
import type { Frequency, ReferencePeriod } from './period';

export type ReportKind =
  | 'stock'
  | 'departures'
  | 'returns'
  | 'durations'
  | 'recruitment-cost'
  | 'assessments'
  | 'pass-rates'
  | 'certificates'
  | 'placements'
  | 'vacancies'
  | 'referrals'
  | 'fund';
export const REPORT_KINDS: readonly ReportKind[] = [
  'stock',
  'departures',
  'returns',
  'durations',
  'recruitment-cost',
  'assessments',
  'pass-rates',
  'certificates',
  'placements',
  'vacancies',
  'referrals',
  'fund',
];

/** The reports of the skills topic (issue 11): a replay reads that topic only when one of them is asked for. */
export const SKILLS_REPORT_KINDS: readonly ReportKind[] = ['assessments', 'pass-rates', 'certificates'];

/** The reports of the employment topic (issue 12): a replay reads that topic only when one of them is asked for. */
export const EMPLOYMENT_REPORT_KINDS: readonly ReportKind[] = ['placements', 'vacancies', 'referrals'];

/** The reports of the fund topic (issue 13): a replay reads that topic only when one of them is asked for. */
export const FUND_REPORT_KINDS: readonly ReportKind[] = ['fund'];

export type TableId =
  | 'stock'
  | 'departures'
  | 'returns'
  | 'time-abroad'
  | 'time-since-return'
  | 'recruitment-cost'
  | 'assessments'
  | 'pass-rate-standard'
  | 'pass-rate-unit'
  | 'certificates'
  | 'placements'
  | 'placement-rate'
  | 'placed-within-6-months-by-sex'
  | 'vacancies'
  | 'referrals'
  | 'fund-claims'
  | 'fund-rejections'
  | 'fund-amounts-paid'
  | 'fund-days-to-payment'
  | 'fund-median-days-to-payment';

/** What a statistician asks for. Everything that shapes the output is here, so equal requests give equal bytes. */
export interface ReportRequest {
  /** Reference date (ISO): events that occurred after it are not counted; stocks are measured on it. */
  readonly asOf: string;
  readonly period: ReferencePeriod;
  /** Breakdown of flows within the period. */
  readonly frequency: Frequency;
  readonly reports: readonly ReportKind[];
  /** Counts from 1 to n-1 (and means over fewer than n) are shown as suppressed; zeros are shown. */
  readonly suppressBelow?: number;
  /** Value of one unit (major) of each currency in a common unit, to compare costs and incomes in different currencies. */
  readonly exchangeRates?: Readonly<Record<string, number>>;
  /** Recorded-at cut-off the history was replayed with, echoed in the output (ISO instant). */
  readonly knownAt?: string;
}

/** How a cell's value reads. */
export type Unit = 'PS' | 'NUM' | 'RATIO';

export interface Observation {
  /** Codes, one per dimension of the table, in the table's dimension order. */
  readonly key: readonly string[];
  /** Absent when suppressed or when there is nothing to compute a mean from. */
  readonly value: number | undefined;
  /** SDMX OBS_STATUS: A normal, M missing (no observation to compute a mean from). */
  readonly status: 'A' | 'M';
  /** SDMX CONF_STATUS: F free, C confidential (suppressed below the threshold). */
  readonly confidentiality: 'F' | 'C';
  /** For means: how many departures the mean is over; for pass rates: how many units were assessed. */
  readonly count?: number;
  /** For means: departures with both amounts recorded but in currencies that could not be compared. */
  readonly excluded?: number;
}

export interface ReportTable {
  readonly id: TableId;
  readonly title: string;
  /** The ILO definition the table follows, in words, for the reader. */
  readonly definition: string;
  /** The SDMX dataflow the table is published as. */
  readonly flow: { readonly id: string; readonly version: string };
  readonly unit: Unit;
  readonly unitName: string;
  /** Decimal places of values in text outputs. */
  readonly decimals: number;
  readonly dimensions: readonly Dimension[];
  readonly observations: readonly Observation[];
}

/** The whole report: the request it answers, the basis it was computed from, and its tables. */
export interface Report {
  readonly request: ReportRequest;
  /** What the tables were computed from, as known at the cut-off (so a reproduction gives the same bytes). */
  readonly basis: {
    /** Registry records (pseudonymous ids) in the replayed history. */
    readonly records: number;
    /** Of which with personal data erased: they count like everyone else. */
    readonly erasedRecords: number;
    readonly cycles: number;
    /**
     * What the history holds that no table can place, said rather than dropped: values recorded before
     * the registry checked them. Codes that name no country or no ISCO-08 unit group are counted under
     * `_U`; a fact whose date the registry could not have recorded is left out of every table.
     */
    readonly unplaced: {
      readonly countryCodes: readonly UnplacedCode[];
      readonly occupationCodes: readonly UnplacedCode[];
      readonly undatedFacts: number;
    };
  };
  readonly tables: readonly ReportTable[];
}

/** A code that names nothing in its code list, and how many migration cycles carry it. */
export interface UnplacedCode {
  readonly code: string;
  readonly cycles: number;
}
