import { eventsTopic, timestampDate, OrganisationKind, type Envelope } from '@homeward/contracts';
import {
  AssessmentMethod,
  AttestedSkillKind,
  CertificateKind,
  ErasureBasis,
  EvidenceKind,
  RevocationReason,
  SkillsEventSchema,
  SuspensionReason,
  UnitOutcome,
  type SkillsEvent,
} from '@homeward/contracts/skills/v1';
import { PoisonMessageError, type IncomingMessage } from '@homeward/messaging/consumer';
import type { EventMeta, Source } from '@homeward/projections';
import { decodeMessageValue, factMeta, type FactEnvelope } from '@homeward/projections/registration';
import { assertNever } from '@homeward/assert-never';

/**
 * The skills topic (homeward.skills.events.v1) as the agency view reads it: each protobuf message turned
 * into a plain fact with string codes, without what is sealed with the worker's key (counselling notes,
 * evidence issuers and descriptions, assessors' remarks), which no read model can open, and without what
 * the agency view has no use for (accreditations). The view projects facts, never generated types.
 */

type Fact<T extends string, D> = { readonly type: T; readonly envelope: FactEnvelope; readonly data: D };

export type CertificateStatusChange = 'superseded' | 'suspended' | 'reinstated' | 'revoked';

export type SkillsFact =
  /** A version of a competency standard, published or revised: the titles the profile shows. */
  | Fact<
      'StandardVersionPublished',
      {
        standardId: string;
        version: number;
        title: string;
        occupationIsco: string;
        level: number;
        units: readonly { code: string; title: string }[];
      }
    >
  | Fact<'CentreRegistered', { centreId: string; name: string; subdivision: string }>
  | Fact<'CounsellingRecorded', { workerId: string; counsellingId: string; counselledOn: string; standardIds: readonly string[] }>
  | Fact<
      'EvidenceAdded',
      { workerId: string; evidenceId: string; kind: string; addedOn: string; issuedOn?: string; issuerCountry?: string }
    >
  | Fact<
      'MissionAttestedSkillsAdded',
      {
        workerId: string;
        sourceEventId: string;
        cycleNumber: number;
        country: string;
        addedOn: string;
        skills: readonly { kind: string; title: string; escoUri?: string }[];
      }
    >
  | Fact<
      'AssessmentRecorded',
      {
        workerId: string;
        assessmentId: string;
        /** A reassessment of the units not yet competent, and only those. */
        reassessment: boolean;
        standardId: string;
        standardVersion: number;
        centreId: string;
        assessorId: string;
        assessedOn: string;
        method: string;
        unitsCompetent: readonly string[];
        unitsNotYetCompetent: readonly string[];
        /** Whether sealed remarks exist; their content is the skills service's to open. */
        hasRemarks: boolean;
      }
    >
  | Fact<
      'GapTrainingReferred',
      { workerId: string; referralId: string; standardId: string; unitCodes: readonly string[]; provider: string; referredOn: string }
    >
  | Fact<'GapTrainingCompleted', { workerId: string; referralId: string; completedOn: string }>
  | Fact<
      'CertificateIssued',
      {
        workerId: string;
        certificateNumber: string;
        kind: string;
        standardId: string;
        standardVersion: number;
        unitCodes: readonly string[];
        issuingBody: string;
        issuedOn: string;
        expiresOn?: string;
      }
    >
  | Fact<
      'CertificateStatusChanged',
      {
        workerId: string;
        certificateNumber: string;
        change: CertificateStatusChange;
        on: string;
        /** The coded reason of a suspension or a revocation. */
        reason?: string;
        /** The full qualification that superseded a certificate of competency. */
        supersededBy?: string;
      }
    >
  | Fact<'PersonalDataErased', { workerId: string; erasedOn: string; basis: string }>
  /** Of no use to the agency view (a standard withdrawn, accreditations), or an event type newer than this code. */
  | Fact<'Ignored', Record<string, never>>;

export type SkillsFactType = SkillsFact['type'];

/** A protobuf enum value as the API's code: PORTFOLIO_REVIEW → "portfolio_review". */
export function code(enumObject: Record<number, string>, value: number): string {
  return (enumObject[value] ?? 'UNSPECIFIED').toLowerCase();
}

const optional = (value: string): string | undefined => (value === '' ? undefined : value);

/** The envelope of a Homeward event as its fact carries it (the skills and employment sources share it). */
export function envelopeOf(envelope: Envelope): FactEnvelope {
  return {
    eventId: envelope.eventId,
    eventType: envelope.eventType,
    streamId: envelope.streamId,
    streamVersion: Number(envelope.streamVersion),
    ...(envelope.occurredAt ? { occurredAt: timestampDate(envelope.occurredAt) } : {}),
    recordedAt: envelope.recordedAt ? timestampDate(envelope.recordedAt) : new Date(0),
    actor: { organisationId: envelope.actor?.organisationId ?? '', kind: code(OrganisationKind, envelope.actor?.kind ?? 0) },
    originCountry: envelope.jurisdiction?.originCountry ?? '',
    destinationCountry: envelope.jurisdiction?.destinationCountry ?? '',
  };
}

const outcomes = (results: readonly { unitCode: string; outcome: UnitOutcome }[], outcome: UnitOutcome) =>
  results.filter((r) => r.outcome === outcome).map((r) => r.unitCode);

/** The fact a SkillsEvent states; pure. */
export function skillsFact(message: SkillsEvent): SkillsFact {
  if (!message.envelope) throw new PoisonMessageError('SkillsEvent without envelope');
  const envelope = envelopeOf(message.envelope);
  const event = message.event;
  switch (event.case) {
    case 'competencyStandardPublished':
    case 'competencyStandardRevised': {
      const e = event.value;
      return {
        type: 'StandardVersionPublished',
        envelope,
        data: {
          standardId: e.standardId,
          version: e.version,
          title: e.title,
          occupationIsco: e.occupationIsco,
          level: e.level,
          units: e.units.map((u) => ({ code: u.code, title: u.title })),
        },
      };
    }
    case 'assessmentCentreRegistered': {
      const e = event.value;
      return { type: 'CentreRegistered', envelope, data: { centreId: e.centreId, name: e.name, subdivision: e.subdivision } };
    }
    case 'counsellingRecorded': {
      const e = event.value;
      return {
        type: 'CounsellingRecorded',
        envelope,
        data: { workerId: e.workerId, counsellingId: e.counsellingId, counselledOn: e.counselledOn, standardIds: [...e.standardIds] },
      };
    }
    case 'evidenceAdded': {
      const e = event.value;
      const issuedOn = optional(e.issuedOn);
      const issuerCountry = optional(e.issuerCountry);
      return {
        type: 'EvidenceAdded',
        envelope,
        data: {
          workerId: e.workerId,
          evidenceId: e.evidenceId,
          kind: code(EvidenceKind, e.kind),
          addedOn: e.addedOn,
          ...(issuedOn ? { issuedOn } : {}),
          ...(issuerCountry ? { issuerCountry } : {}),
        },
      };
    }
    case 'missionAttestedSkillsAdded': {
      const e = event.value;
      return {
        type: 'MissionAttestedSkillsAdded',
        envelope,
        data: {
          workerId: e.workerId,
          sourceEventId: e.sourceEventId,
          cycleNumber: e.cycleNumber,
          country: e.country,
          addedOn: e.addedOn,
          skills: e.skills.map((s) => ({
            kind: code(AttestedSkillKind, s.kind),
            title: s.title,
            ...(s.escoUri ? { escoUri: s.escoUri } : {}),
          })),
        },
      };
    }
    case 'assessmentRecorded':
    case 'reassessmentRecorded': {
      const e = event.value;
      return {
        type: 'AssessmentRecorded',
        envelope,
        data: {
          workerId: e.workerId,
          assessmentId: e.assessmentId,
          reassessment: event.case === 'reassessmentRecorded',
          standardId: e.standardId,
          standardVersion: e.standardVersion,
          centreId: e.centreId,
          assessorId: e.assessorId,
          assessedOn: e.assessedOn,
          method: code(AssessmentMethod, e.method),
          unitsCompetent: outcomes(e.results, UnitOutcome.COMPETENT),
          unitsNotYetCompetent: outcomes(e.results, UnitOutcome.NOT_YET_COMPETENT),
          hasRemarks: e.sealedRemarks !== undefined,
        },
      };
    }
    case 'gapTrainingReferred': {
      const e = event.value;
      return {
        type: 'GapTrainingReferred',
        envelope,
        data: {
          workerId: e.workerId,
          referralId: e.referralId,
          standardId: e.standardId,
          unitCodes: [...e.unitCodes],
          provider: e.provider,
          referredOn: e.referredOn,
        },
      };
    }
    case 'gapTrainingCompleted': {
      const e = event.value;
      return {
        type: 'GapTrainingCompleted',
        envelope,
        data: { workerId: e.workerId, referralId: e.referralId, completedOn: e.completedOn },
      };
    }
    case 'certificateIssued': {
      const e = event.value;
      const expiresOn = optional(e.expiresOn);
      return {
        type: 'CertificateIssued',
        envelope,
        data: {
          workerId: e.workerId,
          certificateNumber: e.certificateNumber,
          kind: code(CertificateKind, e.kind),
          standardId: e.standardId,
          standardVersion: e.standardVersion,
          unitCodes: [...e.unitCodes],
          issuingBody: e.issuingBody,
          issuedOn: e.issuedOn,
          ...(expiresOn ? { expiresOn } : {}),
        },
      };
    }
    case 'certificateSuperseded': {
      const e = event.value;
      return {
        type: 'CertificateStatusChanged',
        envelope,
        data: {
          workerId: e.workerId,
          certificateNumber: e.certificateNumber,
          change: 'superseded',
          on: e.supersededOn,
          supersededBy: e.supersededBy,
        },
      };
    }
    case 'certificateSuspended': {
      const e = event.value;
      return {
        type: 'CertificateStatusChanged',
        envelope,
        data: {
          workerId: e.workerId,
          certificateNumber: e.certificateNumber,
          change: 'suspended',
          on: e.suspendedOn,
          reason: code(SuspensionReason, e.reason),
        },
      };
    }
    case 'certificateReinstated': {
      const e = event.value;
      return {
        type: 'CertificateStatusChanged',
        envelope,
        data: { workerId: e.workerId, certificateNumber: e.certificateNumber, change: 'reinstated', on: e.reinstatedOn },
      };
    }
    case 'certificateRevoked': {
      const e = event.value;
      return {
        type: 'CertificateStatusChanged',
        envelope,
        data: {
          workerId: e.workerId,
          certificateNumber: e.certificateNumber,
          change: 'revoked',
          on: e.revokedOn,
          reason: code(RevocationReason, e.reason),
        },
      };
    }
    case 'personalDataErased': {
      const e = event.value;
      return {
        type: 'PersonalDataErased',
        envelope,
        data: { workerId: e.workerId, erasedOn: e.erasedOn, basis: code(ErasureBasis, e.basis) },
      };
    }
    case 'competencyStandardWithdrawn':
    case 'assessorAccredited':
    case 'accreditationWithdrawn':
    case undefined:
      return { type: 'Ignored', envelope, data: {} };
    default:
      assertNever(event, 'skills event', (message) => new PoisonMessageError(message));
  }
}

export function decodeSkillsFact(message: IncomingMessage): SkillsFact {
  return skillsFact(decodeMessageValue(message, SkillsEventSchema));
}

export const skillsMeta: (fact: SkillsFact) => EventMeta = factMeta;

/** The skills topic (homeward.skills.events.v1) as a read model's source. */
export function skillsSource(topicNamespace = ''): Source<SkillsFact> {
  return {
    topic: eventsTopic('skills', topicNamespace),
    decode: decodeSkillsFact,
    meta: skillsMeta,
    erasedSubject: (fact) => (fact.type === 'PersonalDataErased' ? fact.data.workerId : undefined),
  };
}
