import { randomUUID } from 'node:crypto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { create, eventsTopic, OrganisationKind, timestampFromDate, toBinary } from '@homeward/contracts';
import { FundEventSchema, type FundEvent } from '@homeward/contracts/fund/v1';
import type { ProducingClient } from './skills-events';

/**
 * The fund topic's messages for the read sides' tests (agency view, mission view, statistics), written as
 * the emergency-fund service publishes them: a `FundEvent` of the generated contract with its envelope,
 * encoded with protobuf, keyed by its stream ("policy-<fundId>", "member-<workerId>", "claim-<claimId>").
 * The read sides are tested against the contract, not against the service.
 */

type EventInit = NonNullable<MessageInitShape<typeof FundEventSchema>['event']>;

/** One message of the topic: the decoded event (for reading back in a test), its bytes and its key. */
export interface FundMessage {
  readonly event: FundEvent;
  readonly key: string;
  readonly value: Uint8Array;
}

const TYPE_NAMES: Record<EventInit['case'] & string, string> = {
  policyVersionPublished: 'PolicyVersionPublished',
  contributionRecorded: 'ContributionRecorded',
  coverageGranted: 'CoverageGranted',
  claimFiled: 'ClaimFiled',
  claimSubmitted: 'ClaimSubmitted',
  documentAttached: 'DocumentAttached',
  eligibilityAssessed: 'EligibilityAssessed',
  claimApproved: 'ClaimApproved',
  claimRejected: 'ClaimRejected',
  claimAppealed: 'ClaimAppealed',
  disbursementMade: 'DisbursementMade',
  paymentReconciled: 'PaymentReconciled',
  reservationVoided: 'ReservationVoided',
  claimClosed: 'ClaimClosed',
  caseNotesAdded: 'CaseNotesAdded',
  personalDataErased: 'PersonalDataErased',
};

/** Who acts: the welfare-fund administration (an agency) unless a mission is named. */
export interface FundActor {
  readonly organisationId: string;
  readonly kind: 'agency' | 'mission';
  /** The mission's country (ISO 3166-1 alpha-2), for the envelope's jurisdiction. */
  readonly country?: string;
}

const FUND_ADMINISTRATION: FundActor = { organisationId: 'ph-owwa', kind: 'agency' };

/**
 * A stream of the fund topic whose events are numbered in the order they are made. `on` is the date the
 * event occurred (the envelope's occurred-at, midnight UTC); it is recorded at 08:00 that day unless
 * `recordedAt` says otherwise. `destinationCountry` goes into the envelope's jurisdiction (a claim's
 * country).
 */
export class FundStream {
  private version = 0;
  constructor(
    readonly streamId: string,
    private readonly destinationCountry = '',
    private readonly actor: FundActor = FUND_ADMINISTRATION,
  ) {}

  event(on: string, event: EventInit, options: { recordedAt?: Date; eventId?: string; actor?: FundActor } = {}): FundMessage {
    const actor = options.actor ?? this.actor;
    const message = create(FundEventSchema, {
      envelope: {
        eventId: options.eventId ?? randomUUID(),
        eventType: event.case ? `homeward.fund.v1.${TYPE_NAMES[event.case]}` : 'homeward.fund.v1.Unknown',
        streamId: this.streamId,
        streamVersion: BigInt(++this.version),
        occurredAt: timestampFromDate(new Date(`${on}T00:00:00Z`)),
        recordedAt: timestampFromDate(options.recordedAt ?? new Date(`${on}T08:00:00Z`)),
        actor: {
          organisationId: actor.organisationId,
          kind: actor.kind === 'mission' ? OrganisationKind.MISSION : OrganisationKind.AGENCY,
        },
        jurisdiction: { originCountry: 'PH', destinationCountry: this.destinationCountry },
        schemaVersion: 1,
      },
      event,
    });
    return { event: message, key: this.streamId, value: toBinary(FundEventSchema, message) };
  }
}

export const claimStream = (claimId: string, destinationCountry = '', actor?: FundActor) =>
  new FundStream(`claim-${claimId}`, destinationCountry, actor);
export const memberStream = (workerId: string) => new FundStream(`member-${workerId}`);
export const policyStream = (fundId: string) => new FundStream(`policy-${fundId}`);

/** Publishes messages to the fund topic of `topicNamespace` (created beforehand by whoever reads it, or by the test). */
export async function publishFundEvents(kafka: ProducingClient, topicNamespace: string, messages: readonly FundMessage[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 }); // idempotent: a retried send under load writes no second copy
  await producer.connect();
  try {
    await producer.send({
      topic: eventsTopic('fund', topicNamespace),
      messages: messages.map((m) => ({ key: m.key, value: Buffer.from(m.value), headers: { ce_id: m.event.envelope!.eventId } })),
    });
  } finally {
    await producer.disconnect();
  }
}
