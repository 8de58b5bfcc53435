import { assertNever } from '@homeward/assert-never';

/**
 * Events of a competency standard's stream, `standard-<standardId>`, in the past tense. Dates are ISO
 * calendar dates (YYYY-MM-DD). A standard is versioned data: each revision carries its whole content again,
 * and assessments and certificates name the version they used.
 */

/** What a unit of competency asks an assessor to see; also the kinds of a portfolio's evidence. */
export type EvidenceKind = 'document' | 'employer_reference' | 'work_sample' | 'training_record' | 'self_assessment';
export const EVIDENCE_KINDS: readonly EvidenceKind[] = [
  'document',
  'employer_reference',
  'work_sample',
  'training_record',
  'self_assessment',
];

/** One unit of competency (the ILO / ASEAN regional model competency standards' shape). */
export interface UnitOfCompetency {
  /** Unique within the standard version, e.g. "HHK-CORE-01". */
  readonly code: string;
  readonly title: string;
  /** ESCO skill URIs (http://data.europa.eu/esco/skill/<uuid>). */
  readonly escoSkills: readonly string[];
  readonly evidenceRequired: readonly EvidenceKind[];
}

/** The content of one version of a standard: what publishing and revising write in full. */
export interface StandardContent {
  readonly title: string;
  /** ISCO-08 unit group, four digits. */
  readonly occupationIsco: string;
  /** Qualification level, 1 to 8. */
  readonly level: number;
  readonly units: readonly UnitOfCompetency[];
  readonly effectiveFrom: string;
}

export interface CompetencyStandardPublished {
  readonly type: 'CompetencyStandardPublished';
  readonly data: StandardContent & { readonly standardId: string; readonly version: 1; readonly publishedOn: string };
}

export interface CompetencyStandardRevised {
  readonly type: 'CompetencyStandardRevised';
  readonly data: StandardContent & { readonly standardId: string; readonly version: number; readonly revisedOn: string };
}

export interface CompetencyStandardWithdrawn {
  readonly type: 'CompetencyStandardWithdrawn';
  readonly data: { readonly standardId: string; readonly withdrawnOn: string };
}

export type StandardEvent = CompetencyStandardPublished | CompetencyStandardRevised | CompetencyStandardWithdrawn;

/** When it happened in the world, for the envelope's occurred-at. */
export function standardEventOn(event: StandardEvent): string {
  switch (event.type) {
    case 'CompetencyStandardPublished':
      return event.data.publishedOn;
    case 'CompetencyStandardRevised':
      return event.data.revisedOn;
    case 'CompetencyStandardWithdrawn':
      return event.data.withdrawnOn;
    default:
      assertNever(event, 'event');
  }
}
