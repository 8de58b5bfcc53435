import { randomUUID } from 'node:crypto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { create, eventsTopic, OrganisationKind, timestampFromDate, toBinary } from '@homeward/contracts';
import { EmploymentEventSchema, type EmploymentEvent } from '@homeward/contracts/employment/v1';
import type { ProducingClient } from './skills-events';

/**
 * The employment topic's messages for the read sides' tests (statistics, agency view), written as the
 * employment-matching service publishes them: an `EmploymentEvent` of the generated contract with its
 * envelope, encoded with protobuf, keyed by its stream ("vacancy-<id>", "seeker-<workerId>",
 * "referral-<id>"). The read sides are tested against the contract, not against the service.
 */

type EventInit = NonNullable<MessageInitShape<typeof EmploymentEventSchema>['event']>;

/** One message of the topic: the decoded event (for reading back in a test), its bytes and its key. */
export interface EmploymentMessage {
  readonly event: EmploymentEvent;
  readonly key: string;
  readonly value: Uint8Array;
}

const TYPE_NAMES: Record<EventInit['case'] & string, string> = {
  vacancyPosted: 'VacancyPosted',
  vacancyClosed: 'VacancyClosed',
  vacancyFilled: 'VacancyFilled',
  vacancyWithdrawn: 'VacancyWithdrawn',
  jobSeekerRegistered: 'JobSeekerRegistered',
  jobSeekerPreferencesSet: 'JobSeekerPreferencesSet',
  jobSeekerLeft: 'JobSeekerLeft',
  referralMade: 'ReferralMade',
  interviewRecorded: 'InterviewRecorded',
  referralClosed: 'ReferralClosed',
  hireRecorded: 'HireRecorded',
  placementEnded: 'PlacementEnded',
};

/**
 * A stream of the employment topic whose events are numbered in the order they are made. `on` is the date
 * the event occurred (the envelope's occurred-at, midnight UTC); it is recorded at 08:00 that day unless
 * `recordedAt` says otherwise.
 */
export class EmploymentStream {
  private version = 0;
  constructor(readonly streamId: string) {}

  event(on: string, event: EventInit, options: { recordedAt?: Date; eventId?: string } = {}): EmploymentMessage {
    const message = create(EmploymentEventSchema, {
      envelope: {
        eventId: options.eventId ?? randomUUID(),
        eventType: `homeward.employment.v1.${TYPE_NAMES[event.case!]}`,
        streamId: this.streamId,
        streamVersion: BigInt(++this.version),
        occurredAt: timestampFromDate(new Date(`${on}T00:00:00Z`)),
        recordedAt: timestampFromDate(options.recordedAt ?? new Date(`${on}T08:00:00Z`)),
        actor: { organisationId: 'ph-peso', kind: OrganisationKind.AGENCY },
        jurisdiction: { originCountry: 'PH', destinationCountry: '' },
        schemaVersion: 1,
      },
      event,
    });
    return { event: message, key: this.streamId, value: toBinary(EmploymentEventSchema, message) };
  }
}

export const vacancyStream = (vacancyId: string) => new EmploymentStream(`vacancy-${vacancyId}`);
export const seekerStream = (workerId: string) => new EmploymentStream(`seeker-${workerId}`);
export const referralStream = (referralId: string) => new EmploymentStream(`referral-${referralId}`);

/** Publishes messages to the employment topic of `topicNamespace` (created beforehand by whoever reads it, or by the test). */
export async function publishEmploymentEvents(
  kafka: ProducingClient,
  topicNamespace: string,
  messages: readonly EmploymentMessage[],
): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({
      topic: eventsTopic('employment', topicNamespace),
      messages: messages.map((m) => ({ key: m.key, value: Buffer.from(m.value), headers: { ce_id: m.event.envelope!.eventId } })),
    });
  } finally {
    await producer.disconnect();
  }
}
