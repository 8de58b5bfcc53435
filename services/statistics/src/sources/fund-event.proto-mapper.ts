import { fromBinary } from '@bufbuild/protobuf';
import type { Envelope } from '@homeward/contracts';
import { BenefitType as ProtoBenefitType, FundEventSchema, type FundEvent } from '@homeward/contracts/fund/v1';
import { assertNever } from '@homeward/assert-never';
import type { BenefitType, FundFact } from '../domain/history/fund-fact';
import type { Money } from '../domain/history/registration-fact';

/**
 * Integration events of the fund topic (homeward.fund.v1) → statistical facts: claims filed and submitted,
 * final approvals, rejections with their reason codes, disbursements. Policies, contributions, documents,
 * eligibility explanations, first-level approvals, reconciliations, voided reservations, case notes (sealed:
 * never opened) and erasures are not read: no table uses them.
 */

function envelopeOf(envelope: Envelope | undefined): { stream: string; version: number; recordedAt: number } {
  const recorded = envelope?.recordedAt;
  return {
    stream: envelope?.streamId ?? '',
    version: envelope ? Number(envelope.streamVersion) : 0,
    recordedAt: recorded ? Number(recorded.seconds) * 1000 + Math.floor(recorded.nanos / 1_000_000) : 0,
  };
}

function benefitTypeOf(type: ProtoBenefitType): BenefitType | undefined {
  switch (type) {
    case ProtoBenefitType.REPATRIATION:
      return 'repatriation';
    case ProtoBenefitType.REPATRIATION_OF_REMAINS:
      return 'repatriation_of_remains';
    case ProtoBenefitType.DEATH:
      return 'death';
    case ProtoBenefitType.DISABILITY_INJURY:
      return 'disability_injury';
    case ProtoBenefitType.MEDICAL:
      return 'medical';
    case ProtoBenefitType.LEGAL_ASSISTANCE:
      return 'legal_assistance';
    case ProtoBenefitType.COUNSELLING:
      return 'counselling';
    case ProtoBenefitType.EMERGENCY_SHELTER:
      return 'emergency_shelter';
    case ProtoBenefitType.UNSPECIFIED:
      return undefined;
    default:
      // A benefit type of a newer contract: counted as unknown, never a reason to stop.
      return undefined;
  }
}

const money = (m: { currency: string; amountMinor: bigint } | undefined): Money => ({
  currency: m?.currency ?? '',
  amountMinor: Number(m?.amountMinor ?? 0n),
});

/** The fact a decoded fund event carries for statistics; nothing for events without statistical content. */
export function factFromFundEvent(message: FundEvent): FundFact | undefined {
  const { event } = message;
  const envelope = envelopeOf(message.envelope);
  switch (event.case) {
    case 'claimFiled': {
      const e = event.value;
      return {
        type: 'ClaimFiled',
        ...envelope,
        data: {
          claimId: e.claimId,
          workerId: e.workerId,
          benefitType: benefitTypeOf(e.benefitType),
          country: e.destinationCountry === '' ? undefined : e.destinationCountry,
          incidentOn: e.incidentOn,
          filedOn: e.filedOn,
          draft: e.draft,
        },
      };
    }
    case 'claimSubmitted':
      return {
        type: 'ClaimSubmitted',
        ...envelope,
        data: { claimId: event.value.claimId, submittedOn: event.value.submittedOn, benefitType: benefitTypeOf(event.value.benefitType) },
      };
    case 'claimApproved':
      // Only the approval that completes the approvals required approves the claim (maker-checker).
      if (!event.value.final) return undefined;
      return {
        type: 'ClaimApproved',
        ...envelope,
        data: { claimId: event.value.claimId, approvedOn: event.value.approvedOn, amount: money(event.value.amount) },
      };
    case 'claimRejected':
      return {
        type: 'ClaimRejected',
        ...envelope,
        data: { claimId: event.value.claimId, rejectedOn: event.value.rejectedOn, reasons: [...event.value.reasonCodes] },
      };
    case 'disbursementMade':
      return {
        type: 'DisbursementMade',
        ...envelope,
        data: { claimId: event.value.claimId, paidOn: event.value.disbursedOn, amount: money(event.value.amount) },
      };
    case 'policyVersionPublished':
    case 'contributionRecorded':
    case 'coverageGranted':
    case 'documentAttached':
    case 'eligibilityAssessed':
    case 'claimAppealed':
    case 'paymentReconciled':
    case 'reservationVoided':
    case 'claimClosed':
    case 'caseNotesAdded':
    case 'personalDataErased':
    case undefined:
      return undefined;
    default:
      assertNever(event, 'fund event');
  }
}

/** The fact a message on the fund topic carries, if any; throws when the bytes are not a FundEvent. */
export function fundFactFromMessage(bytes: Uint8Array): FundFact | undefined {
  return factFromFundEvent(fromBinary(FundEventSchema, bytes));
}
