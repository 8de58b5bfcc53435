import { fromBinary } from '@bufbuild/protobuf';
import type { Envelope } from '@homeward/contracts';
import { CertificateKind as ProtoCertificateKind, SkillsEventSchema, UnitOutcome, type SkillsEvent } from '@homeward/contracts/skills/v1';
import { assertNever } from '@homeward/assert-never';
import type { CertificateChange, CertificateKind, SkillsFact } from '../domain/history/skills-fact';

/**
 * Integration events of the skills topic (homeward.skills.v1) → statistical facts: standards' occupations,
 * assessments' results per unit, certificates issued. What is sealed (remarks, notes, evidence) is never
 * opened, and the events without statistical content map to nothing.
 */

const KIND: Record<ProtoCertificateKind, CertificateKind> = {
  [ProtoCertificateKind.UNSPECIFIED]: 'unknown',
  [ProtoCertificateKind.FULL_QUALIFICATION]: 'full',
  [ProtoCertificateKind.CERTIFICATE_OF_COMPETENCY]: 'partial',
};

function envelopeOf(envelope: Envelope | undefined): { stream: string; version: number; recordedAt: number } {
  const recorded = envelope?.recordedAt;
  return {
    stream: envelope?.streamId ?? '',
    version: envelope ? Number(envelope.streamVersion) : 0,
    recordedAt: recorded ? Number(recorded.seconds) * 1000 + Math.floor(recorded.nanos / 1_000_000) : 0,
  };
}

const status = (envelope: ReturnType<typeof envelopeOf>, certificateNumber: string, change: CertificateChange, on: string): SkillsFact => ({
  type: 'CertificateStatusChanged',
  ...envelope,
  data: { certificateNumber, change, on },
});

/** The fact a decoded skills event carries for statistics; nothing for events without statistical content. */
export function factFromSkillsEvent(message: SkillsEvent): SkillsFact | undefined {
  const { event } = message;
  const envelope = envelopeOf(message.envelope);
  switch (event.case) {
    case 'competencyStandardPublished':
    case 'competencyStandardRevised': {
      const e = event.value;
      return {
        type: 'StandardPublished',
        ...envelope,
        data: { standardId: e.standardId, standardVersion: e.version, title: e.title, occupation: e.occupationIsco },
      };
    }
    case 'assessmentRecorded':
    case 'reassessmentRecorded': {
      const e = event.value;
      return {
        type: 'AssessmentRecorded',
        ...envelope,
        data: {
          workerId: e.workerId,
          standardId: e.standardId,
          standardVersion: e.standardVersion,
          assessedOn: e.assessedOn,
          // A unit without an outcome was not judged: it is not among the units assessed.
          units: e.results
            .filter((r) => r.outcome !== UnitOutcome.UNSPECIFIED)
            .map((r) => ({ code: r.unitCode, competent: r.outcome === UnitOutcome.COMPETENT })),
        },
      };
    }
    case 'certificateIssued': {
      const e = event.value;
      return {
        type: 'CertificateIssued',
        ...envelope,
        data: {
          workerId: e.workerId,
          certificateNumber: e.certificateNumber,
          standardId: e.standardId,
          standardVersion: e.standardVersion,
          kind: KIND[e.kind] ?? 'unknown',
          issuedOn: e.issuedOn,
          ...(e.expiresOn === '' ? {} : { expiresOn: e.expiresOn }),
        },
      };
    }
    case 'certificateSuperseded':
      return status(envelope, event.value.certificateNumber, 'superseded', event.value.supersededOn);
    case 'certificateSuspended':
      return status(envelope, event.value.certificateNumber, 'suspended', event.value.suspendedOn);
    case 'certificateReinstated':
      return status(envelope, event.value.certificateNumber, 'reinstated', event.value.reinstatedOn);
    case 'certificateRevoked':
      return status(envelope, event.value.certificateNumber, 'revoked', event.value.revokedOn);
    case 'competencyStandardWithdrawn':
    case 'assessmentCentreRegistered':
    case 'assessorAccredited':
    case 'accreditationWithdrawn':
    case 'counsellingRecorded':
    case 'evidenceAdded':
    case 'missionAttestedSkillsAdded':
    case 'gapTrainingReferred':
    case 'gapTrainingCompleted':
    case 'personalDataErased':
    case undefined:
      return undefined;
    default:
      assertNever(event, 'skills event');
  }
}

/** The fact a message on the skills topic carries, if any; throws when the bytes are not a SkillsEvent. */
export function skillsFactFromMessage(bytes: Uint8Array): SkillsFact | undefined {
  return factFromSkillsEvent(fromBinary(SkillsEventSchema, bytes));
}
