import { randomUUID } from 'node:crypto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { create, eventsTopic, OrganisationKind, timestampFromDate, toBinary } from '@homeward/contracts';
import { SkillsEventSchema, type SkillsEvent } from '@homeward/contracts/skills/v1';

/**
 * The skills topic's messages for the read sides' tests (agency view, statistics), written as the skills
 * service publishes them: a `SkillsEvent` of the generated contract with its envelope, encoded with
 * protobuf, keyed by its stream ("standard-<id>", "centre-<id>", "candidate-<workerId>"). The read sides
 * are tested against the contract, not against the skills service.
 */

type EventInit = NonNullable<MessageInitShape<typeof SkillsEventSchema>['event']>;

/** One message of the topic: the decoded event (for reading back in a test), its bytes and its key. */
export interface SkillsMessage {
  readonly event: SkillsEvent;
  readonly key: string;
  readonly value: Uint8Array;
}

const TYPE_NAMES: Record<EventInit['case'] & string, string> = {
  competencyStandardPublished: 'CompetencyStandardPublished',
  competencyStandardRevised: 'CompetencyStandardRevised',
  competencyStandardWithdrawn: 'CompetencyStandardWithdrawn',
  assessmentCentreRegistered: 'AssessmentCentreRegistered',
  assessorAccredited: 'AssessorAccredited',
  accreditationWithdrawn: 'AccreditationWithdrawn',
  counsellingRecorded: 'CounsellingRecorded',
  evidenceAdded: 'EvidenceAdded',
  missionAttestedSkillsAdded: 'MissionAttestedSkillsAdded',
  assessmentRecorded: 'AssessmentRecorded',
  gapTrainingReferred: 'GapTrainingReferred',
  gapTrainingCompleted: 'GapTrainingCompleted',
  reassessmentRecorded: 'ReassessmentRecorded',
  certificateIssued: 'CertificateIssued',
  certificateSuperseded: 'CertificateSuperseded',
  certificateSuspended: 'CertificateSuspended',
  certificateReinstated: 'CertificateReinstated',
  certificateRevoked: 'CertificateRevoked',
  personalDataErased: 'PersonalDataErased',
};

/**
 * A stream of the skills topic whose events are numbered in the order they are made. `on` is the date the
 * event occurred (the envelope's occurred-at, midnight UTC); it is recorded at 08:00 that day unless
 * `recordedAt` says otherwise.
 */
export class SkillsStream {
  private version = 0;
  constructor(readonly streamId: string) {}

  event(on: string, event: EventInit, options: { recordedAt?: Date; eventId?: string } = {}): SkillsMessage {
    const message = create(SkillsEventSchema, {
      envelope: {
        eventId: options.eventId ?? randomUUID(),
        eventType: `homeward.skills.v1.${TYPE_NAMES[event.case!]}`,
        streamId: this.streamId,
        streamVersion: BigInt(++this.version),
        occurredAt: timestampFromDate(new Date(`${on}T00:00:00Z`)),
        recordedAt: timestampFromDate(options.recordedAt ?? new Date(`${on}T08:00:00Z`)),
        actor: { organisationId: 'ph-tesda', kind: OrganisationKind.AGENCY },
        jurisdiction: { originCountry: 'PH', destinationCountry: '' },
        schemaVersion: 1,
      },
      event,
    });
    return { event: message, key: this.streamId, value: toBinary(SkillsEventSchema, message) };
  }
}

export const standardStream = (standardId: string) => new SkillsStream(`standard-${standardId}`);
export const centreStream = (centreId: string) => new SkillsStream(`centre-${centreId}`);
export const candidateStream = (workerId: string) => new SkillsStream(`candidate-${workerId}`);

/** What publishing needs of a Kafka client (the one `@homeward/messaging`'s createKafka makes): a producer. */
export interface ProducingClient {
  producer(config?: { idempotent?: boolean; maxInFlightRequests?: number }): {
    connect(): Promise<void>;
    send(record: { topic: string; messages: { key: string; value: Buffer; headers: Record<string, string> }[] }): Promise<unknown>;
    disconnect(): Promise<void>;
  };
}

/** Publishes messages to the skills topic of `topicNamespace` (created beforehand by whoever reads it, or by the test). */
export async function publishSkillsEvents(
  kafka: ProducingClient,
  topicNamespace: string,
  messages: readonly SkillsMessage[],
): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 }); // idempotent: a retried send under load writes no second copy
  await producer.connect();
  try {
    await producer.send({
      topic: eventsTopic('skills', topicNamespace),
      messages: messages.map((m) => ({ key: m.key, value: Buffer.from(m.value), headers: { ce_id: m.event.envelope!.eventId } })),
    });
  } finally {
    await producer.disconnect();
  }
}
