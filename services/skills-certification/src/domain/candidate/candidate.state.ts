import { assertNever } from '@homeward/assert-never';
import type {
  AssessmentData,
  AttestedSkill,
  CandidateEvent,
  CertificateIssued,
  EvidenceAdded,
  RevocationReason,
  SuspensionReason,
  UnitOutcome,
} from './candidate.events';

export interface Counselling {
  readonly counsellingId: string;
  readonly counselledOn: string;
  readonly standardIds: readonly string[];
  /** Absent when none were written, and once the worker's personal data is erased. */
  readonly notes?: string;
}

export type Evidence = Omit<EvidenceAdded['data'], 'workerId'>;

export interface MissionAttestation {
  readonly sourceEventId: string;
  readonly cycleNumber: number;
  readonly country: string;
  readonly recordedOn: string;
  readonly addedOn: string;
  readonly skills: readonly AttestedSkill[];
}

export interface Assessment extends Omit<AssessmentData, 'workerId'> {
  readonly reassessment: boolean;
}

/** Where a unit stands: the outcome of the latest assessment of it. */
export interface UnitStanding {
  readonly outcome: UnitOutcome;
  readonly assessmentId: string;
  readonly standardVersion: number;
  readonly assessedOn: string;
}

export interface GapTraining {
  readonly referralId: string;
  readonly standardId: string;
  readonly unitCodes: readonly string[];
  readonly provider: string;
  readonly referredOn: string;
  readonly completedOn?: string;
}

export type CertificateStatus = 'active' | 'suspended' | 'superseded' | 'revoked';

export interface Certificate extends Omit<CertificateIssued['data'], 'workerId'> {
  readonly status: CertificateStatus;
  readonly suspension?: { readonly suspendedOn: string; readonly reason: SuspensionReason };
  readonly supersededBy?: string;
  readonly revocation?: { readonly revokedOn: string; readonly reason: RevocationReason };
}

/**
 * A worker's recognition-of-prior-learning case, folded from the events of `candidate-<workerId>`.
 *
 * Invariants that `decide` keeps and `evolve` relies on:
 * - the case opens (`portfolioOpenedOn`, the earliest date of counselling or evidence added) before any
 *   assessment; no assessment is dated before it; skills attested by a mission do not open it;
 * - `standing[standardId][unitCode]` is the outcome of the latest assessment of the unit, and results of a
 *   unit are never dated before the one they replace; a reassessment only ever names units that stood
 *   not yet competent, and gap training only units that stand not yet competent;
 * - every certificate covers units of its standard version that stood competent when it was issued, none
 *   twice; a full qualification covers every unit of its version, a certificate of competency only some;
 *   it expires after it is issued;
 * - when a full qualification is issued, every certificate of competency of the same standard that was
 *   active or suspended is superseded by it, in the same decision;
 * - a certificate's status moves active ⇄ suspended, active or suspended → superseded, and any of those →
 *   revoked; revoked is terminal;
 * - ids (counselling, evidence, assessment, referral, certificate number, source event) are unique in the case;
 * - once `personalDataErased`, the state holds no sealed text (notes, issuers, descriptions, remarks), and
 *   nothing puts it back: no counselling, evidence, assessment, training or new certificate is recorded after.
 */
export interface CandidateState {
  /** Undefined until the stream has its first event. */
  readonly workerId?: string;
  readonly portfolioOpenedOn?: string;
  readonly counselling: readonly Counselling[];
  readonly evidence: readonly Evidence[];
  readonly attestations: readonly MissionAttestation[];
  readonly assessments: readonly Assessment[];
  readonly standing: Readonly<Record<string, Readonly<Record<string, UnitStanding>>>>;
  readonly gapTraining: readonly GapTraining[];
  readonly certificates: readonly Certificate[];
  readonly personalDataErased: boolean;
}

export const initialState = (): CandidateState => ({
  counselling: [],
  evidence: [],
  attestations: [],
  assessments: [],
  standing: {},
  gapTraining: [],
  certificates: [],
  personalDataErased: false,
});

const opened = (state: CandidateState, on: string): string | undefined =>
  state.portfolioOpenedOn === undefined || on < state.portfolioOpenedOn ? on : state.portfolioOpenedOn;

function withCertificate(state: CandidateState, number: string, change: (c: Certificate) => Certificate): CandidateState {
  return { ...state, certificates: state.certificates.map((c) => (c.certificateNumber === number ? change(c) : c)) };
}

function assessed(state: CandidateState, data: AssessmentData, reassessment: boolean): CandidateState {
  const { workerId: _w, ...assessment } = data;
  const units = { ...(state.standing[data.standardId] ?? {}) };
  for (const { unitCode, outcome } of data.results) {
    units[unitCode] = { outcome, assessmentId: data.assessmentId, standardVersion: data.standardVersion, assessedOn: data.assessedOn };
  }
  return {
    ...state,
    assessments: [...state.assessments, { ...assessment, reassessment }],
    standing: { ...state.standing, [data.standardId]: units },
  };
}

export function evolve(state: CandidateState, event: CandidateEvent): CandidateState {
  const s: CandidateState = state.workerId === undefined ? { ...state, workerId: event.data.workerId } : state;
  switch (event.type) {
    case 'CounsellingRecorded': {
      const { workerId: _w, ...counselling } = event.data;
      return { ...s, counselling: [...s.counselling, counselling], portfolioOpenedOn: opened(s, event.data.counselledOn) };
    }
    case 'EvidenceAdded': {
      const { workerId: _w, ...evidence } = event.data;
      return { ...s, evidence: [...s.evidence, evidence], portfolioOpenedOn: opened(s, event.data.addedOn) };
    }
    case 'MissionAttestedSkillsAdded': {
      const { workerId: _w, ...attestation } = event.data;
      return { ...s, attestations: [...s.attestations, attestation] };
    }
    case 'AssessmentRecorded':
      return assessed(s, event.data, false);
    case 'ReassessmentRecorded':
      return assessed(s, event.data, true);
    case 'GapTrainingReferred': {
      const { workerId: _w, ...referral } = event.data;
      return { ...s, gapTraining: [...s.gapTraining, referral] };
    }
    case 'GapTrainingCompleted': {
      const { referralId, completedOn } = event.data;
      return { ...s, gapTraining: s.gapTraining.map((g) => (g.referralId === referralId ? { ...g, completedOn } : g)) };
    }
    case 'CertificateIssued': {
      const { workerId: _w, ...certificate } = event.data;
      return { ...s, certificates: [...s.certificates, { ...certificate, status: 'active' }] };
    }
    case 'CertificateSuperseded':
      return withCertificate(s, event.data.certificateNumber, (c) => ({
        ...c,
        status: 'superseded',
        supersededBy: event.data.supersededBy,
      }));
    case 'CertificateSuspended': {
      const { suspendedOn, reason } = event.data;
      return withCertificate(s, event.data.certificateNumber, (c) => ({ ...c, status: 'suspended', suspension: { suspendedOn, reason } }));
    }
    case 'CertificateReinstated':
      return withCertificate(s, event.data.certificateNumber, ({ suspension: _s, ...c }) => ({ ...c, status: 'active' }));
    case 'CertificateRevoked': {
      const { revokedOn, reason } = event.data;
      return withCertificate(s, event.data.certificateNumber, (c) => ({ ...c, status: 'revoked', revocation: { revokedOn, reason } }));
    }
    case 'PersonalDataErased':
      return {
        ...s,
        personalDataErased: true,
        counselling: s.counselling.map(({ notes: _n, ...c }) => c),
        evidence: s.evidence.map(({ issuer: _i, description: _d, ...e }) => e),
        assessments: s.assessments.map(({ remarks: _r, ...a }) => a),
      };
    default:
      assertNever(event, 'event');
  }
}

/** The certificate under that number, if the case holds one. */
export function certificateOf(state: CandidateState, certificateNumber: string): Certificate | undefined {
  return state.certificates.find((c) => c.certificateNumber === certificateNumber);
}

/** Where the worker stands on a unit of a standard: the latest assessment's outcome, if ever assessed. */
export function standingOf(state: CandidateState, standardId: string, unitCode: string): UnitStanding | undefined {
  return state.standing[standardId]?.[unitCode];
}

/** Certificates that still count (active or suspended): what a new certificate must not duplicate or must supersede. */
export function liveCertificates(state: CandidateState, standardId: string): readonly Certificate[] {
  return state.certificates.filter((c) => c.standardId === standardId && (c.status === 'active' || c.status === 'suspended'));
}
