import { eventsTopic, timestampDate, OrganisationKind, type Envelope } from '@homeward/contracts';
import { BenefitType, ClaimOutcome, FiledBy, FundEventSchema, IncidentKind, VoidReason, type FundEvent } from '@homeward/contracts/fund/v1';
import { PoisonMessageError, type IncomingMessage } from '@homeward/messaging/consumer';
import { assertNever } from '@homeward/assert-never';
import type { EventMeta, Source } from '../projection';
import { decodeMessageValue, factMeta, type FactEnvelope } from './registration.source';

/**
 * The fund topic (homeward.fund.events.v1, issue 13) as the read models (agency view, mission view) read it:
 * each protobuf message of a claim's stream turned into a plain fact with string codes. What a read model
 * must never hold is left out here, once for all of them: case notes (sealed with the worker's key; read
 * only from the fund service with its dedicated scope, every read audited), a rejection's note and an
 * appeal's grounds (free text an officer or claimant wrote), the beneficiary's account. Policies,
 * contributions and coverage are the fund service's business and are ignored.
 */

type Fact<T extends string, D> = { readonly type: T; readonly envelope: FactEnvelope; readonly data: D };

export interface FundMoney {
  /** In the currency's ISO 4217 minor unit. */
  readonly amountMinor: number;
  readonly currency: string;
}

/** One eligibility rule's outcome, as the decision explained it (the inputs stay with the fund service). */
export interface RuleResult {
  readonly ruleId: string;
  readonly description: string;
  readonly passed: boolean;
  readonly reasonCode?: string;
  readonly citation?: string;
}

export type FundFact =
  | Fact<
      'ClaimFiled',
      {
        claimId: string;
        workerId: string;
        fundId: string;
        filedBy: string;
        draft: boolean;
        benefitType: string;
        incidentKind: string;
        incidentOn: string;
        /** ISO 3166-1 alpha-2 of the country where the incident happened; empty when not given. */
        destinationCountry: string;
        cycleNumber?: number;
        amountClaimed?: FundMoney;
        grade?: string;
        documentsRequired: readonly string[];
        filedOn: string;
      }
    >
  | Fact<'ClaimSubmitted', { claimId: string; submittedOn: string; benefitType: string; amountClaimed?: FundMoney; grade?: string }>
  | Fact<'DocumentAttached', { claimId: string; documentType: string; attachedOn: string }>
  | Fact<
      'EligibilityAssessed',
      {
        claimId: string;
        fundId: string;
        policyVersion: number;
        assessedOn: string;
        eligible: boolean;
        rules: readonly RuleResult[];
        reasonCodes: readonly string[];
        humanitarian: boolean;
        /** The most that may be approved, as the policy computed it. */
        payable?: FundMoney;
        amountSteps: readonly string[];
        citations: readonly string[];
        decisionNumber: number;
      }
    >
  | Fact<
      'ClaimApproved',
      { claimId: string; officerId: string; level: number; amount?: FundMoney; final: boolean; approvedOn: string; decisionNumber: number }
    >
  | Fact<
      'ClaimRejected',
      { claimId: string; officerId: string; reasonCodes: readonly string[]; rejectedOn: string; decisionNumber: number }
    >
  | Fact<'ClaimAppealed', { claimId: string; appealedOn: string }>
  | Fact<'DisbursementMade', { claimId: string; amount?: FundMoney; provider: string; disbursedOn: string }>
  | Fact<'PaymentReconciled', { claimId: string; amount?: FundMoney; reconciledOn: string }>
  | Fact<'ReservationVoided', { claimId: string; reason: string; voidedOn: string }>
  | Fact<'ClaimClosed', { claimId: string; closedOn: string; outcome: string }>
  /** Policies, contributions, coverage, case notes (never read), erasure (registration's erasure is the one read models act on). */
  | Fact<'Ignored', Record<string, never>>;

export type FundFactType = FundFact['type'];

function code(enumObject: Record<number, string>, value: number): string {
  return (enumObject[value] ?? 'UNSPECIFIED').toLowerCase();
}

const optional = (value: string): string | undefined => (value === '' ? undefined : value);

function moneyOf(money: { currency: string; amountMinor: bigint } | undefined): FundMoney | undefined {
  if (!money || money.currency === '') return undefined;
  if (money.amountMinor > BigInt(Number.MAX_SAFE_INTEGER) || money.amountMinor < -BigInt(Number.MAX_SAFE_INTEGER))
    throw new PoisonMessageError(`an amount of ${money.amountMinor} minor units is beyond any claim`);
  return { amountMinor: Number(money.amountMinor), currency: money.currency };
}

const withMoney = <K extends string>(key: K, money: FundMoney | undefined): { [P in K]?: FundMoney } =>
  (money ? { [key]: money } : {}) as { [P in K]?: FundMoney };

function envelopeOf(envelope: Envelope): FactEnvelope {
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

/** The fact a FundEvent states; pure. */
export function fundFact(message: FundEvent): FundFact {
  if (!message.envelope) throw new PoisonMessageError('FundEvent without envelope');
  const envelope = envelopeOf(message.envelope);
  const event = message.event;
  switch (event.case) {
    case 'claimFiled': {
      const e = event.value;
      const grade = optional(e.grade);
      return {
        type: 'ClaimFiled',
        envelope,
        data: {
          claimId: e.claimId,
          workerId: e.workerId,
          fundId: e.fundId,
          filedBy: code(FiledBy, e.filedBy),
          draft: e.draft,
          benefitType: code(BenefitType, e.benefitType),
          incidentKind: code(IncidentKind, e.incidentKind),
          incidentOn: e.incidentOn,
          destinationCountry: e.destinationCountry,
          ...(e.cycleNumber > 0 ? { cycleNumber: e.cycleNumber } : {}),
          ...withMoney('amountClaimed', moneyOf(e.amountClaimed)),
          ...(grade ? { grade } : {}),
          documentsRequired: [...e.documentsRequired],
          filedOn: e.filedOn,
          // case_notes: sealed, never read here.
        },
      };
    }
    case 'claimSubmitted': {
      const e = event.value;
      const grade = optional(e.grade);
      return {
        type: 'ClaimSubmitted',
        envelope,
        data: {
          claimId: e.claimId,
          submittedOn: e.submittedOn,
          benefitType: code(BenefitType, e.benefitType),
          ...withMoney('amountClaimed', moneyOf(e.amountClaimed)),
          ...(grade ? { grade } : {}),
        },
      };
    }
    case 'documentAttached': {
      const e = event.value;
      return { type: 'DocumentAttached', envelope, data: { claimId: e.claimId, documentType: e.documentType, attachedOn: e.attachedOn } };
    }
    case 'eligibilityAssessed': {
      const e = event.value;
      return {
        type: 'EligibilityAssessed',
        envelope,
        data: {
          claimId: e.claimId,
          fundId: e.fundId,
          policyVersion: e.policyVersion,
          assessedOn: e.assessedOn,
          eligible: e.eligible,
          rules: e.rules.map((r) => ({
            ruleId: r.ruleId,
            description: r.description,
            passed: r.passed,
            ...(r.reasonCode ? { reasonCode: r.reasonCode } : {}),
            ...(r.citation ? { citation: r.citation } : {}),
          })),
          reasonCodes: [...e.reasonCodes],
          humanitarian: e.humanitarian,
          ...withMoney('payable', moneyOf(e.amount?.payable)),
          amountSteps: [...(e.amount?.steps ?? [])],
          citations: [...e.citations],
          decisionNumber: e.decisionNumber,
        },
      };
    }
    case 'claimApproved': {
      const e = event.value;
      return {
        type: 'ClaimApproved',
        envelope,
        data: {
          claimId: e.claimId,
          officerId: e.officerId,
          level: e.level,
          ...withMoney('amount', moneyOf(e.amount)),
          final: e.final,
          approvedOn: e.approvedOn,
          decisionNumber: e.decisionNumber,
        },
      };
    }
    case 'claimRejected': {
      const e = event.value;
      // The officer's note is free text: not in a read model.
      return {
        type: 'ClaimRejected',
        envelope,
        data: {
          claimId: e.claimId,
          officerId: e.officerId,
          reasonCodes: [...e.reasonCodes],
          rejectedOn: e.rejectedOn,
          decisionNumber: e.decisionNumber,
        },
      };
    }
    case 'claimAppealed':
      // The grounds are the claimant's free text: not in a read model.
      return { type: 'ClaimAppealed', envelope, data: { claimId: event.value.claimId, appealedOn: event.value.appealedOn } };
    case 'disbursementMade': {
      const e = event.value;
      return {
        type: 'DisbursementMade',
        envelope,
        data: { claimId: e.claimId, ...withMoney('amount', moneyOf(e.amount)), provider: e.provider, disbursedOn: e.disbursedOn },
      };
    }
    case 'paymentReconciled': {
      const e = event.value;
      return {
        type: 'PaymentReconciled',
        envelope,
        data: { claimId: e.claimId, ...withMoney('amount', moneyOf(e.amount)), reconciledOn: e.reconciledOn },
      };
    }
    case 'reservationVoided': {
      const e = event.value;
      return {
        type: 'ReservationVoided',
        envelope,
        data: { claimId: e.claimId, reason: code(VoidReason, e.reason), voidedOn: e.voidedOn },
      };
    }
    case 'claimClosed': {
      const e = event.value;
      return { type: 'ClaimClosed', envelope, data: { claimId: e.claimId, closedOn: e.closedOn, outcome: code(ClaimOutcome, e.outcome) } };
    }
    case 'policyVersionPublished':
    case 'contributionRecorded':
    case 'coverageGranted':
    case 'caseNotesAdded':
    case 'personalDataErased':
    case undefined:
      return { type: 'Ignored', envelope, data: {} };
    default:
      assertNever(event, 'fund event', (text) => new PoisonMessageError(text));
  }
}

export function decodeFundFact(message: IncomingMessage): FundFact {
  return fundFact(decodeMessageValue(message, FundEventSchema));
}

export const fundMeta: (fact: FundFact) => EventMeta = factMeta;

/**
 * The fund topic as a read model's source. Its own PersonalDataErased is not acted on: a worker's erasure
 * is registration's, which the registration source reports (the claims keep only the pseudonymous id).
 */
export function fundSource(topicNamespace = ''): Source<FundFact> {
  return {
    topic: eventsTopic('fund', topicNamespace),
    decode: decodeFundFact,
    meta: fundMeta,
    erasedSubject: () => undefined,
  };
}
