import { assertNever } from '@homeward/assert-never';
import type { EvidenceKind } from '../standard/standard.events';

/**
 * Events of a worker's recognition-of-prior-learning case, the stream `candidate-<workerId>`, in the past
 * tense: counselling → portfolio of evidence → assessment → gap training → reassessment → certificates.
 * Dates are ISO calendar dates (YYYY-MM-DD).
 *
 * Free text about the worker is sealed with the worker's data key before it is stored (the fields in
 * `CANDIDATE_SEALED_FIELDS`): in the domain it is plain text, absent once the worker's personal data is
 * erased. Everything else — the facts of assessments and certificates — stays after erasure, so that a
 * certificate number still verifies as valid or revoked.
 */

export type { EvidenceKind };

export interface CounsellingRecorded {
  readonly type: 'CounsellingRecorded';
  readonly data: {
    readonly workerId: string;
    readonly counsellingId: string;
    readonly counselledOn: string;
    /** The standards the worker means to be assessed against (may be empty). */
    readonly standardIds: readonly string[];
    /** The counsellor's notes. Sealed in storage; absent when none, or read back after erasure. */
    readonly notes?: string;
  };
}

/** A piece of evidence: described here, the file itself kept by content hash in the service's object store. */
export interface EvidenceAdded {
  readonly type: 'EvidenceAdded';
  readonly data: {
    readonly workerId: string;
    readonly evidenceId: string;
    readonly kind: EvidenceKind;
    readonly addedOn: string;
    readonly issuedOn?: string;
    /** The period the evidence covers (an employment, a training). */
    readonly periodFrom?: string;
    readonly periodTo?: string;
    /** ISO 3166-1 alpha-2 of the issuer's country. */
    readonly issuerCountry?: string;
    /** Lower-case hex SHA-256 of the file. */
    readonly contentHash: string;
    readonly sizeBytes: number;
    /** IANA media type, e.g. application/pdf. */
    readonly mediaType?: string;
    /**
     * Who issued it. Sealed in storage: an employer may be a household, whose name points back at the
     * worker (docs/adr/0006). Absent when read back after erasure.
     */
    readonly issuer?: string;
    /** What the evidence shows; for an employer reference, its text. Sealed in storage; absent after erasure. */
    readonly description?: string;
  };
}

export type AttestedSkillKind = 'language' | 'technology' | 'work_process';

export interface AttestedSkill {
  readonly kind: AttestedSkillKind;
  readonly title: string;
  /** ESCO skill URI, when the skill is in ESCO. */
  readonly escoUri?: string;
}

/**
 * Skills a mission recorded abroad (registration's SkillsAcquired), in the portfolio as evidence attested
 * by the mission. Added by the service's consumer of registration's topic, never by a person.
 */
export interface MissionAttestedSkillsAdded {
  readonly type: 'MissionAttestedSkillsAdded';
  readonly data: {
    readonly workerId: string;
    /** The id of the registration event that carried the skills: each is added once. */
    readonly sourceEventId: string;
    readonly cycleNumber: number;
    /** ISO 3166-1 alpha-2 of the country of the stay. */
    readonly country: string;
    /** When the mission recorded them. */
    readonly recordedOn: string;
    readonly addedOn: string;
    readonly skills: readonly AttestedSkill[];
  };
}

export type AssessmentMethod = 'observation' | 'portfolio_review' | 'test' | 'interview';
export const ASSESSMENT_METHODS: readonly AssessmentMethod[] = ['observation', 'portfolio_review', 'test', 'interview'];
export type UnitOutcome = 'competent' | 'not_yet_competent';

export interface UnitResult {
  readonly unitCode: string;
  readonly outcome: UnitOutcome;
}

/** What an assessment and a reassessment record alike. */
export interface AssessmentData {
  readonly workerId: string;
  readonly assessmentId: string;
  readonly standardId: string;
  readonly standardVersion: number;
  readonly centreId: string;
  readonly assessorId: string;
  readonly assessedOn: string;
  readonly method: AssessmentMethod;
  readonly results: readonly UnitResult[];
  /** The assessor's remarks, by unit code. Sealed in storage; absent when none, or read back after erasure. */
  readonly remarks?: Readonly<Record<string, string>>;
}

export interface AssessmentRecorded {
  readonly type: 'AssessmentRecorded';
  readonly data: AssessmentData;
}

export interface GapTrainingReferred {
  readonly type: 'GapTrainingReferred';
  readonly data: {
    readonly workerId: string;
    readonly referralId: string;
    readonly standardId: string;
    readonly unitCodes: readonly string[];
    /** The training provider, an organisation. */
    readonly provider: string;
    readonly referredOn: string;
  };
}

export interface GapTrainingCompleted {
  readonly type: 'GapTrainingCompleted';
  readonly data: { readonly workerId: string; readonly referralId: string; readonly completedOn: string };
}

/** The units not yet competent, assessed again: only those. */
export interface ReassessmentRecorded {
  readonly type: 'ReassessmentRecorded';
  readonly data: AssessmentData;
}

export type CertificateKind = 'full_qualification' | 'certificate_of_competency';

export interface CertificateIssued {
  readonly type: 'CertificateIssued';
  readonly data: {
    readonly workerId: string;
    /** Unique in the registry: allocated by the service's database. */
    readonly certificateNumber: string;
    readonly kind: CertificateKind;
    readonly standardId: string;
    readonly standardVersion: number;
    readonly unitCodes: readonly string[];
    readonly issuingBody: string;
    readonly issuedOn: string;
    /** Absent when the certificate does not expire. */
    readonly expiresOn?: string;
    /** Positions in the service's Bitstring Status Lists (revocation, suspension), allocated by its database. */
    readonly revocationStatusIndex: number;
    readonly suspensionStatusIndex: number;
    /**
     * SHA-256 (lower-case hex) of the public verification code printed on the certificate. Kept in the
     * service's store; never published on the topic, where it could be brute-forced offline.
     */
    readonly verificationCodeHash: string;
  };
}

/** A certificate of competency replaced by the full qualification issued with it, in the same decision. */
export interface CertificateSuperseded {
  readonly type: 'CertificateSuperseded';
  readonly data: {
    readonly workerId: string;
    readonly certificateNumber: string;
    readonly supersededBy: string;
    readonly supersededOn: string;
  };
}

export type SuspensionReason = 'under_investigation' | 'assessment_disputed' | 'administrative_hold';
export const SUSPENSION_REASONS: readonly SuspensionReason[] = ['under_investigation', 'assessment_disputed', 'administrative_hold'];
export type RevocationReason = 'issued_in_error' | 'fraud_or_misrepresentation' | 'assessment_irregularity' | 'holder_request';
export const REVOCATION_REASONS: readonly RevocationReason[] = [
  'issued_in_error',
  'fraud_or_misrepresentation',
  'assessment_irregularity',
  'holder_request',
];

export interface CertificateSuspended {
  readonly type: 'CertificateSuspended';
  readonly data: {
    readonly workerId: string;
    readonly certificateNumber: string;
    readonly suspendedOn: string;
    readonly reason: SuspensionReason;
  };
}

export interface CertificateReinstated {
  readonly type: 'CertificateReinstated';
  readonly data: { readonly workerId: string; readonly certificateNumber: string; readonly reinstatedOn: string };
}

export interface CertificateRevoked {
  readonly type: 'CertificateRevoked';
  readonly data: {
    readonly workerId: string;
    readonly certificateNumber: string;
    readonly revokedOn: string;
    readonly reason: RevocationReason;
  };
}

export type ErasureBasis = 'subject_request' | 'retention_period_ended' | 'legal_obligation';

/** The service's data key of the worker is deleted: every sealed field is unreadable for good. */
export interface PersonalDataErased {
  readonly type: 'PersonalDataErased';
  readonly data: { readonly workerId: string; readonly erasedOn: string; readonly basis: ErasureBasis };
}

export type CandidateEvent =
  | CounsellingRecorded
  | EvidenceAdded
  | MissionAttestedSkillsAdded
  | AssessmentRecorded
  | GapTrainingReferred
  | GapTrainingCompleted
  | ReassessmentRecorded
  | CertificateIssued
  | CertificateSuperseded
  | CertificateSuspended
  | CertificateReinstated
  | CertificateRevoked
  | PersonalDataErased;

/**
 * The top-level data fields sealed with the worker's key, per event type: the `personalData.fields` of the
 * candidate streams (@homeward/command-handling). The worker's key is made by the first event that seals
 * something, whichever it is, so none of them goes in `sealedWithExistingKey`.
 */
export const CANDIDATE_SEALED_FIELDS = {
  CounsellingRecorded: ['notes'],
  EvidenceAdded: ['issuer', 'description'],
  AssessmentRecorded: ['remarks'],
  ReassessmentRecorded: ['remarks'],
} as const satisfies Partial<Record<CandidateEvent['type'], readonly string[]>>;

/** When it happened in the world, for the envelope's occurred-at. */
export function candidateEventOn(event: CandidateEvent): string {
  switch (event.type) {
    case 'CounsellingRecorded':
      return event.data.counselledOn;
    case 'EvidenceAdded':
      return event.data.addedOn;
    case 'MissionAttestedSkillsAdded':
      return event.data.addedOn;
    case 'AssessmentRecorded':
    case 'ReassessmentRecorded':
      return event.data.assessedOn;
    case 'GapTrainingReferred':
      return event.data.referredOn;
    case 'GapTrainingCompleted':
      return event.data.completedOn;
    case 'CertificateIssued':
      return event.data.issuedOn;
    case 'CertificateSuperseded':
      return event.data.supersededOn;
    case 'CertificateSuspended':
      return event.data.suspendedOn;
    case 'CertificateReinstated':
      return event.data.reinstatedOn;
    case 'CertificateRevoked':
      return event.data.revokedOn;
    case 'PersonalDataErased':
      return event.data.erasedOn;
    default:
      assertNever(event, 'event');
  }
}
