import { randomUUID } from 'node:crypto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { create, eventsTopic, OrganisationKind, timestampFromDate, toBinary } from '@homeward/contracts';
import { EmploymentEventSchema, type EmploymentEvent } from '@homeward/contracts/employment/v1';
import type { ProducingClient } from './skills-events';

/**
 * The employment topic's messages for the read sides' tests (agency view, statistics), written as the
 * employment-matching service publishes them: an `EmploymentEvent` of the generated contract with its
 * envelope, encoded with protobuf, keyed by its stream ("vacancy-<vacancyId>", "seeker-<workerId>",
 * "referral-<referralId>"). The read sides are tested against the contract, not against the service.
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

/** Who acts: the employment office (an agency) unless an employer's organisation is named. */
export interface EmploymentActor {
  readonly organisationId: string;
  readonly kind: 'agency' | 'employer';
}

const EMPLOYMENT_OFFICE: EmploymentActor = { organisationId: 'ph-peso', kind: 'agency' };

/**
 * A stream of the employment topic whose events are numbered in the order they are made. `on` is the date
 * the event occurred (the envelope's occurred-at, midnight UTC); it is recorded at 08:00 that day unless
 * `recordedAt` says otherwise.
 */
export class EmploymentStream {
  private version = 0;
  constructor(
    readonly streamId: string,
    private readonly actor: EmploymentActor = EMPLOYMENT_OFFICE,
  ) {}

  event(on: string, event: EventInit, options: { recordedAt?: Date; eventId?: string; actor?: EmploymentActor } = {}): EmploymentMessage {
    const actor = options.actor ?? this.actor;
    const message = create(EmploymentEventSchema, {
      envelope: {
        eventId: options.eventId ?? randomUUID(),
        eventType: event.case ? `homeward.employment.v1.${TYPE_NAMES[event.case]}` : 'homeward.employment.v1.Unknown',
        streamId: this.streamId,
        streamVersion: BigInt(++this.version),
        occurredAt: timestampFromDate(new Date(`${on}T00:00:00Z`)),
        recordedAt: timestampFromDate(options.recordedAt ?? new Date(`${on}T08:00:00Z`)),
        actor: {
          organisationId: actor.organisationId,
          kind: actor.kind === 'employer' ? OrganisationKind.EMPLOYER : OrganisationKind.AGENCY,
        },
        jurisdiction: { originCountry: 'PH', destinationCountry: '' },
        schemaVersion: 1,
      },
      event,
    });
    return { event: message, key: this.streamId, value: toBinary(EmploymentEventSchema, message) };
  }
}

export const vacancyStream = (vacancyId: string, actor?: EmploymentActor) => new EmploymentStream(`vacancy-${vacancyId}`, actor);
export const seekerStream = (workerId: string) => new EmploymentStream(`seeker-${workerId}`);
export const referralStream = (referralId: string, actor?: EmploymentActor) => new EmploymentStream(`referral-${referralId}`, actor);

/** Publishes messages to the employment topic of `topicNamespace` (created beforehand by whoever reads it, or by the test). */
export async function publishEmploymentEvents(
  kafka: ProducingClient,
  topicNamespace: string,
  messages: readonly EmploymentMessage[],
): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 }); // idempotent: a retried send under load writes no second copy
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
