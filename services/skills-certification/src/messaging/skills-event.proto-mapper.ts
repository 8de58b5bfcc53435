import { create, fromBinary, binaryEncoder, toEnvelope as envelopeOf, type Envelope, type EnvelopeFields } from '@homeward/contracts';
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  AssessmentMethod as ProtoMethod,
  AttestedSkillKind as ProtoSkillKind,
  CertificateKind as ProtoCertificateKind,
  ErasureBasis as ProtoBasis,
  EvidenceKind as ProtoEvidenceKind,
  RevocationReason as ProtoRevocation,
  SkillsEventSchema,
  SuspensionReason as ProtoSuspension,
  UnitOutcome as ProtoOutcome,
  type SkillsEvent,
} from '@homeward/contracts/skills/v1';
import type { SealedData } from '@homeward/personal-data';
import { assertNever } from '@homeward/assert-never';
import type {
  AssessmentData,
  AssessmentMethod,
  AttestedSkillKind,
  CandidateEvent,
  CertificateKind,
  ErasureBasis,
  RevocationReason,
  SuspensionReason,
  UnitOutcome,
} from '../domain/candidate/candidate.events';
import type { CentreEvent } from '../domain/centre/centre.events';
import type { EvidenceKind, StandardContent, StandardEvent } from '../domain/standard/standard.events';

/**
 * Domain events ⇄ integration events (homeward.skills.v1). The domain's words stay in the domain; what
 * crosses Kafka is the protobuf contract, and these explicit mappers are the only bridge. Free text about
 * a worker never crosses in the clear: the proto carries it sealed with the worker's data key, which never
 * leaves this service; erasing the key makes every copy on the topic unreadable. A certificate's
 * verification-code hash stays in the service: on the topic it could be brute-forced offline.
 */

/** Every event of the service's three kinds of stream. */
export type SkillsDomainEvent = StandardEvent | CentreEvent | CandidateEvent;

const evidenceKindToProto: Record<EvidenceKind, ProtoEvidenceKind> = {
  document: ProtoEvidenceKind.DOCUMENT,
  employer_reference: ProtoEvidenceKind.EMPLOYER_REFERENCE,
  work_sample: ProtoEvidenceKind.WORK_SAMPLE,
  training_record: ProtoEvidenceKind.TRAINING_RECORD,
  self_assessment: ProtoEvidenceKind.SELF_ASSESSMENT,
};
const skillKindToProto: Record<AttestedSkillKind, ProtoSkillKind> = {
  language: ProtoSkillKind.LANGUAGE,
  technology: ProtoSkillKind.TECHNOLOGY,
  work_process: ProtoSkillKind.WORK_PROCESS,
};
const methodToProto: Record<AssessmentMethod, ProtoMethod> = {
  observation: ProtoMethod.OBSERVATION,
  portfolio_review: ProtoMethod.PORTFOLIO_REVIEW,
  test: ProtoMethod.TEST,
  interview: ProtoMethod.INTERVIEW,
};
const outcomeToProto: Record<UnitOutcome, ProtoOutcome> = {
  competent: ProtoOutcome.COMPETENT,
  not_yet_competent: ProtoOutcome.NOT_YET_COMPETENT,
};
const certificateKindToProto: Record<CertificateKind, ProtoCertificateKind> = {
  full_qualification: ProtoCertificateKind.FULL_QUALIFICATION,
  certificate_of_competency: ProtoCertificateKind.CERTIFICATE_OF_COMPETENCY,
};
const suspensionToProto: Record<SuspensionReason, ProtoSuspension> = {
  under_investigation: ProtoSuspension.UNDER_INVESTIGATION,
  assessment_disputed: ProtoSuspension.ASSESSMENT_DISPUTED,
  administrative_hold: ProtoSuspension.ADMINISTRATIVE_HOLD,
};
const revocationToProto: Record<RevocationReason, ProtoRevocation> = {
  issued_in_error: ProtoRevocation.ISSUED_IN_ERROR,
  fraud_or_misrepresentation: ProtoRevocation.FRAUD_OR_MISREPRESENTATION,
  assessment_irregularity: ProtoRevocation.ASSESSMENT_IRREGULARITY,
  holder_request: ProtoRevocation.HOLDER_REQUEST,
};
const basisToProto: Record<ErasureBasis, ProtoBasis> = {
  subject_request: ProtoBasis.SUBJECT_REQUEST,
  retention_period_ended: ProtoBasis.RETENTION_PERIOD_ENDED,
  legal_obligation: ProtoBasis.LEGAL_OBLIGATION,
};

/** The free text of an event, sealed for this event: the only form in which it leaves the service. */
export interface SealedFields {
  readonly notes?: SealedData;
  readonly issuer?: SealedData;
  readonly description?: SealedData;
  readonly remarks?: SealedData;
}

const sealedProto = (s: SealedData | undefined) => (s ? { keyId: s.keyId, nonce: s.nonce, ciphertext: s.ciphertext } : undefined);

export const PROTO_EVENT_TYPES: Record<SkillsDomainEvent['type'], string> = {
  CompetencyStandardPublished: 'homeward.skills.v1.CompetencyStandardPublished',
  CompetencyStandardRevised: 'homeward.skills.v1.CompetencyStandardRevised',
  CompetencyStandardWithdrawn: 'homeward.skills.v1.CompetencyStandardWithdrawn',
  AssessmentCentreRegistered: 'homeward.skills.v1.AssessmentCentreRegistered',
  AssessorAccredited: 'homeward.skills.v1.AssessorAccredited',
  AccreditationWithdrawn: 'homeward.skills.v1.AccreditationWithdrawn',
  CounsellingRecorded: 'homeward.skills.v1.CounsellingRecorded',
  EvidenceAdded: 'homeward.skills.v1.EvidenceAdded',
  MissionAttestedSkillsAdded: 'homeward.skills.v1.MissionAttestedSkillsAdded',
  AssessmentRecorded: 'homeward.skills.v1.AssessmentRecorded',
  GapTrainingReferred: 'homeward.skills.v1.GapTrainingReferred',
  GapTrainingCompleted: 'homeward.skills.v1.GapTrainingCompleted',
  ReassessmentRecorded: 'homeward.skills.v1.ReassessmentRecorded',
  CertificateIssued: 'homeward.skills.v1.CertificateIssued',
  CertificateSuperseded: 'homeward.skills.v1.CertificateSuperseded',
  CertificateSuspended: 'homeward.skills.v1.CertificateSuspended',
  CertificateReinstated: 'homeward.skills.v1.CertificateReinstated',
  CertificateRevoked: 'homeward.skills.v1.CertificateRevoked',
  PersonalDataErased: 'homeward.skills.v1.PersonalDataErased',
};

export type { EnvelopeFields };

/** The envelope of a skills event: the shared fields (@homeward/contracts) under the event's proto type. */
export function toEnvelope(event: SkillsDomainEvent, fields: EnvelopeFields): Envelope {
  return envelopeOf(PROTO_EVENT_TYPES[event.type], fields);
}

function standardContent(d: StandardContent) {
  return {
    title: d.title,
    occupationIsco: d.occupationIsco,
    level: d.level,
    units: d.units.map((u) => ({
      code: u.code,
      title: u.title,
      escoSkills: [...u.escoSkills],
      evidenceRequired: u.evidenceRequired.map((k) => evidenceKindToProto[k]),
    })),
    effectiveFrom: d.effectiveFrom,
  };
}

function assessment(d: AssessmentData, sealed: SealedFields) {
  return {
    workerId: d.workerId,
    assessmentId: d.assessmentId,
    standardId: d.standardId,
    standardVersion: d.standardVersion,
    centreId: d.centreId,
    assessorId: d.assessorId,
    assessedOn: d.assessedOn,
    method: methodToProto[d.method],
    results: d.results.map((r) => ({ unitCode: r.unitCode, outcome: outcomeToProto[r.outcome] })),
    ...(sealed.remarks ? { sealedRemarks: sealedProto(sealed.remarks) } : {}),
  };
}

/**
 * The integration event of a domain event. `sealed` holds its free text as sealed for it; the clear text
 * of a sealed field is never read here, so it cannot leave even when a caller passes it.
 */
export function toSkillsEvent(event: SkillsDomainEvent, envelope: Envelope, sealed: SealedFields = {}): SkillsEvent {
  const message = (event: MessageInitShape<typeof SkillsEventSchema>['event']) => create(SkillsEventSchema, { envelope, event });
  switch (event.type) {
    case 'CompetencyStandardPublished': {
      const d = event.data;
      return message({
        case: 'competencyStandardPublished',
        value: {
          standardId: d.standardId,
          version: d.version,
          ...standardContent(d),
          publishedOn: d.publishedOn,
        },
      });
    }
    case 'CompetencyStandardRevised': {
      const d = event.data;
      return message({
        case: 'competencyStandardRevised',
        value: {
          standardId: d.standardId,
          version: d.version,
          ...standardContent(d),
          revisedOn: d.revisedOn,
        },
      });
    }
    case 'CompetencyStandardWithdrawn':
      return message({ case: 'competencyStandardWithdrawn', value: { ...event.data } });
    case 'AssessmentCentreRegistered':
      return message({ case: 'assessmentCentreRegistered', value: { ...event.data } });
    case 'AssessorAccredited':
      return message({ case: 'assessorAccredited', value: { ...event.data } });
    case 'AccreditationWithdrawn':
      return message({ case: 'accreditationWithdrawn', value: { ...event.data } });
    case 'CounsellingRecorded': {
      const d = event.data;
      return message({
        case: 'counsellingRecorded',
        value: {
          workerId: d.workerId,
          counsellingId: d.counsellingId,
          counselledOn: d.counselledOn,
          standardIds: [...d.standardIds],
          ...(sealed.notes ? { sealedNotes: sealedProto(sealed.notes) } : {}),
        },
      });
    }
    case 'EvidenceAdded': {
      const d = event.data;
      return message({
        case: 'evidenceAdded',
        value: {
          workerId: d.workerId,
          evidenceId: d.evidenceId,
          kind: evidenceKindToProto[d.kind],
          addedOn: d.addedOn,
          issuedOn: d.issuedOn ?? '',
          periodFrom: d.periodFrom ?? '',
          periodTo: d.periodTo ?? '',
          issuerCountry: d.issuerCountry ?? '',
          contentHashSha256: d.contentHash,
          sizeBytes: BigInt(d.sizeBytes),
          mediaType: d.mediaType ?? '',
          ...(sealed.issuer ? { sealedIssuer: sealedProto(sealed.issuer) } : {}),
          ...(sealed.description ? { sealedDescription: sealedProto(sealed.description) } : {}),
        },
      });
    }
    case 'MissionAttestedSkillsAdded': {
      const d = event.data;
      return message({
        case: 'missionAttestedSkillsAdded',
        value: {
          workerId: d.workerId,
          sourceEventId: d.sourceEventId,
          cycleNumber: d.cycleNumber,
          country: d.country,
          recordedOn: d.recordedOn,
          addedOn: d.addedOn,
          skills: d.skills.map((k) => ({ kind: skillKindToProto[k.kind], title: k.title, escoUri: k.escoUri ?? '' })),
        },
      });
    }
    case 'AssessmentRecorded':
      return message({
        case: 'assessmentRecorded',
        value: assessment(event.data, sealed),
      });
    case 'ReassessmentRecorded':
      return message({
        case: 'reassessmentRecorded',
        value: assessment(event.data, sealed),
      });
    case 'GapTrainingReferred': {
      const d = event.data;
      return message({
        case: 'gapTrainingReferred',
        value: { ...d, unitCodes: [...d.unitCodes] },
      });
    }
    case 'GapTrainingCompleted':
      return message({ case: 'gapTrainingCompleted', value: { ...event.data } });
    case 'CertificateIssued': {
      const d = event.data;
      return message({
        case: 'certificateIssued',
        value: {
          workerId: d.workerId,
          certificateNumber: d.certificateNumber,
          kind: certificateKindToProto[d.kind],
          standardId: d.standardId,
          standardVersion: d.standardVersion,
          unitCodes: [...d.unitCodes],
          issuingBody: d.issuingBody,
          issuedOn: d.issuedOn,
          expiresOn: d.expiresOn ?? '',
          revocationStatusIndex: d.revocationStatusIndex,
          suspensionStatusIndex: d.suspensionStatusIndex,
        },
      });
    }
    case 'CertificateSuperseded':
      return message({ case: 'certificateSuperseded', value: { ...event.data } });
    case 'CertificateSuspended': {
      const d = event.data;
      return message({
        case: 'certificateSuspended',
        value: { ...d, reason: suspensionToProto[d.reason] },
      });
    }
    case 'CertificateReinstated':
      return message({ case: 'certificateReinstated', value: { ...event.data } });
    case 'CertificateRevoked': {
      const d = event.data;
      return message({
        case: 'certificateRevoked',
        value: { ...d, reason: revocationToProto[d.reason] },
      });
    }
    case 'PersonalDataErased': {
      const d = event.data;
      return message({
        case: 'personalDataErased',
        value: { ...d, basis: basisToProto[d.basis] },
      });
    }
    default:
      assertNever(event, 'event');
  }
}

const encoder = binaryEncoder(SkillsEventSchema);

export function encodeSkillsEvent(message: SkillsEvent): Uint8Array {
  return encoder(message);
}

export function decodeSkillsEvent(bytes: Uint8Array): SkillsEvent {
  return fromBinary(SkillsEventSchema, bytes);
}
