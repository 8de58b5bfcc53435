/**
 * What statistics learn from the skills topic (homeward.skills.events.v1): the competency standards'
 * occupations, the assessments with their result per unit, and the certificates issued — the figures of
 * the skills tables, and nothing else. No remark, no evidence, no name: the assessor's remarks are sealed
 * with the worker's key, which statistics never hold, and need not.
 *
 * A skills fact's stream is the skills service's (an assessment's, a certificate's, a standard's): facts are
 * deduplicated by stream and version, as registration facts are by worker and version. Dates are ISO
 * calendar dates; `recordedAt` is when the skills service learnt of it (epoch milliseconds).
 */

interface SkillsFactOf<T extends string, D> {
  readonly type: T;
  /** The skills service's stream the event belongs to. */
  readonly stream: string;
  /** 1-based position of the event in its stream: redeliveries are recognised by it. */
  readonly version: number;
  readonly recordedAt: number;
  readonly data: D;
}

/** A version of a competency standard: its occupation is the OCCUPATION of every assessment against it. */
export type StandardPublished = SkillsFactOf<
  'StandardPublished',
  {
    readonly standardId: string;
    readonly standardVersion: number;
    readonly title: string;
    /** ISCO-08 unit group. */
    readonly occupation: string;
  }
>;

/** An assessment (or a reassessment of the units not yet competent) and its result per unit. */
export type AssessmentRecorded = SkillsFactOf<
  'AssessmentRecorded',
  {
    /** Pseudonymous registry id, the one registration's events carry. */
    readonly workerId: string;
    readonly standardId: string;
    readonly standardVersion: number;
    readonly assessedOn: string;
    readonly units: readonly { readonly code: string; readonly competent: boolean }[];
  }
>;

/** A full qualification (every unit of the standard) or a certificate of competency (some units); unknown if the event does not say. */
export type CertificateKind = 'full' | 'partial' | 'unknown';

export type CertificateIssued = SkillsFactOf<
  'CertificateIssued',
  {
    readonly workerId: string;
    readonly certificateNumber: string;
    readonly standardId: string;
    readonly standardVersion: number;
    readonly kind: CertificateKind;
    readonly issuedOn: string;
    /** Absent when the certificate does not expire. */
    readonly expiresOn?: string;
  }
>;

export type CertificateChange = 'superseded' | 'suspended' | 'reinstated' | 'revoked';

/** What became of a certificate: superseded by the full qualification, suspended, reinstated, revoked. */
export type CertificateStatusChanged = SkillsFactOf<
  'CertificateStatusChanged',
  { readonly certificateNumber: string; readonly change: CertificateChange; readonly on: string }
>;

export type SkillsFact = StandardPublished | AssessmentRecorded | CertificateIssued | CertificateStatusChanged;
