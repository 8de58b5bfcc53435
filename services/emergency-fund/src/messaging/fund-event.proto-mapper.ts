import { create, fromBinary, binaryEncoder, toEnvelope as envelopeOf, type Envelope, type EnvelopeFields } from '@homeward/contracts';
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  AmountRuleKind,
  BeneficiaryRelation,
  BenefitType,
  ClaimOutcome,
  CoverageBasis,
  ErasureBasis,
  FiledBy,
  FundEventSchema,
  IncidentKind,
  VoidReason,
  type FundEvent,
} from '@homeward/contracts/fund/v1';
import { assertNever } from '@homeward/assert-never';
import type { ClaimEvent, Seal } from '../domain/claim/claim.events';
import type { AmountComputation } from '../domain/claim/eligibility';
import type { MemberEvent } from '../domain/member/member';
import type { PolicyEvent } from '../domain/policy/policy.decider';
import type { AmountRule, Money } from '../domain/policy/policy';

/**
 * Domain events ⇄ integration events (homeward.fund.v1). The domain's words stay in the domain; what crosses
 * Kafka is the protobuf contract, and this explicit mapper is the only bridge. Case notes cross only sealed
 * with the worker's data key; nothing else here is personal beyond the pseudonymous worker id, and never sex.
 */

export type FundDomainEvent = PolicyEvent | MemberEvent | ClaimEvent;

/** A domain code (snake_case) as the proto enum's value of the same name; a code with no value is a bug. */
function enumValue<E extends Record<string, string | number>>(enumObject: E, code: string, what: string): E[keyof E] {
  const value = enumObject[code.toUpperCase() as keyof E];
  if (typeof value !== 'number') throw new Error(`no ${what} ${code} in homeward.fund.v1`);
  return value;
}

export const PROTO_EVENT_TYPES: Record<FundDomainEvent['type'], string> = {
  PolicyVersionPublished: 'homeward.fund.v1.PolicyVersionPublished',
  ContributionRecorded: 'homeward.fund.v1.ContributionRecorded',
  CoverageGranted: 'homeward.fund.v1.CoverageGranted',
  ClaimFiled: 'homeward.fund.v1.ClaimFiled',
  ClaimSubmitted: 'homeward.fund.v1.ClaimSubmitted',
  DocumentAttached: 'homeward.fund.v1.DocumentAttached',
  EligibilityAssessed: 'homeward.fund.v1.EligibilityAssessed',
  ClaimApproved: 'homeward.fund.v1.ClaimApproved',
  ClaimRejected: 'homeward.fund.v1.ClaimRejected',
  ClaimAppealed: 'homeward.fund.v1.ClaimAppealed',
  DisbursementMade: 'homeward.fund.v1.DisbursementMade',
  PaymentReconciled: 'homeward.fund.v1.PaymentReconciled',
  ReservationVoided: 'homeward.fund.v1.ReservationVoided',
  ClaimClosed: 'homeward.fund.v1.ClaimClosed',
  CaseNotesAdded: 'homeward.fund.v1.CaseNotesAdded',
  PersonalDataErased: 'homeward.fund.v1.PersonalDataErased',
};

export type { EnvelopeFields };

export function toEnvelope(event: FundDomainEvent, fields: EnvelopeFields): Envelope {
  return envelopeOf(PROTO_EVENT_TYPES[event.type], fields);
}

const money = (m: Money) => ({ currency: m.currency, amountMinor: BigInt(m.amountMinor) });
const maybeMoney = (m: Money | undefined) => (m ? money(m) : undefined);
const seal = (s: Seal) => ({ keyId: s.keyId, nonce: Buffer.from(s.nonce, 'base64'), ciphertext: Buffer.from(s.ciphertext, 'base64') });
const benefit = (b: string) => enumValue(BenefitType, b, 'benefit type');
const incident = (k: string) => enumValue(IncidentKind, k, 'incident kind');
const relation = (r: string) => enumValue(BeneficiaryRelation, r, 'beneficiary relation');

function amountRule(a: AmountRule) {
  return {
    kind: enumValue(AmountRuleKind, a.kind, 'amount rule kind'),
    ...(a.kind === 'fixed' ? { fixed: money(a.fixed) } : {}),
    ...(a.kind === 'schedule' ? { schedule: a.schedule.map((e) => ({ grade: e.grade, amount: money(e.amount) })) } : {}),
    ...(a.kind === 'capped_actual_cost' ? { cap: money(a.cap) } : {}),
    ...(a.supplement ? { supplement: money(a.supplement) } : {}),
    supplementLabel: a.supplementLabel ?? '',
  };
}

function computation(a: AmountComputation) {
  return {
    kind: enumValue(AmountRuleKind, a.kind, 'amount rule kind'),
    grade: a.grade ?? '',
    claimed: maybeMoney(a.claimed),
    base: money(a.base),
    supplement: maybeMoney(a.supplement),
    payable: money(a.payable),
    steps: [...a.steps],
  };
}

/** The integration event of a domain event. */
export function toFundEvent(event: FundDomainEvent, envelope: Envelope): FundEvent {
  const message = (e: MessageInitShape<typeof FundEventSchema>['event']) => create(FundEventSchema, { envelope, event: e });
  switch (event.type) {
    case 'PolicyVersionPublished': {
      const d = event.data;
      return message({
        case: 'policyVersionPublished',
        value: {
          fundId: d.fundId,
          version: d.version,
          effectiveFrom: d.effectiveFrom,
          publishedOn: d.publishedOn,
          publishedBy: d.publishedBy,
          name: d.name,
          country: d.country,
          currency: d.currency,
          coverage: {
            bases: d.coverage.bases.map((b) => enumValue(CoverageBasis, b, 'coverage basis')),
            coverageMonths: d.coverage.coverageMonths,
            contribution: maybeMoney(d.coverage.contribution),
            citations: [...d.coverage.citations],
          },
          benefits: d.benefits.map((b) => ({
            benefitType: benefit(b.benefitType),
            incidentKinds: b.incidentKinds.map(incident),
            requiresCoverage: b.requiresCoverage,
            claimWithinDays: b.claimWithinDays,
            coveredDaysAfterReturn: b.coveredDaysAfterReturn,
            coversBeforeDeparture: b.coversBeforeDeparture,
            amount: amountRule(b.amount),
            documentsRequired: [...b.documentsRequired],
            beneficiaryOrder: b.beneficiaryOrder.map(relation),
            secondApprovalAbove: money(b.secondApprovalAbove),
            citations: [...b.citations],
          })),
          citations: [...d.citations],
        },
      });
    }
    case 'ContributionRecorded':
      return message({ case: 'contributionRecorded', value: { ...event.data, amount: money(event.data.amount) } });
    case 'CoverageGranted':
      return message({
        case: 'coverageGranted',
        value: { ...event.data, basis: enumValue(CoverageBasis, event.data.basis, 'coverage basis') },
      });
    case 'ClaimFiled': {
      const d = event.data;
      return message({
        case: 'claimFiled',
        value: {
          claimId: d.claimId,
          workerId: d.workerId,
          fundId: d.fundId,
          filedBy: enumValue(FiledBy, d.filedBy, 'filer'),
          filedByPrincipal: d.filedByPrincipal,
          claimantRelation: relation(d.claimantRelation),
          draft: d.draft,
          benefitType: benefit(d.benefitType),
          incidentKind: incident(d.incidentKind),
          incidentOn: d.incidentOn,
          incidentId: d.incidentId ?? '',
          sourceEventId: d.sourceEventId ?? '',
          destinationCountry: d.destinationCountry,
          cycleNumber: d.cycleNumber,
          amountClaimed: maybeMoney(d.amountClaimed),
          grade: d.grade ?? '',
          documentsRequired: [...d.documentsRequired],
          filedOn: d.filedOn,
          ...(d.caseNotes ? { caseNotes: seal(d.caseNotes) } : {}),
        },
      });
    }
    case 'ClaimSubmitted': {
      const d = event.data;
      return message({
        case: 'claimSubmitted',
        value: {
          claimId: d.claimId,
          submittedOn: d.submittedOn,
          submittedBy: d.submittedBy,
          benefitType: benefit(d.benefitType),
          amountClaimed: maybeMoney(d.amountClaimed),
          grade: d.grade ?? '',
          claimantRelation: relation(d.claimantRelation),
          documentsRequired: [...d.documentsRequired],
        },
      });
    }
    case 'DocumentAttached':
      return message({ case: 'documentAttached', value: { ...event.data } });
    case 'EligibilityAssessed': {
      const d = event.data;
      return message({
        case: 'eligibilityAssessed',
        value: {
          claimId: d.claimId,
          fundId: d.fundId,
          policyVersion: d.policyVersion,
          assessedOn: d.assessedOn,
          assessedBy: d.assessedBy,
          eligible: d.eligible,
          rules: d.rules.map((r) => ({
            ruleId: r.ruleId,
            description: r.description,
            fact: r.fact,
            operator: r.operator,
            expectedJson: JSON.stringify(r.expected),
            actualJson: JSON.stringify(r.actual),
            passed: r.passed,
            citation: r.citation,
            reasonCode: r.reasonCode,
          })),
          amount: computation(d.amount),
          reasonCodes: [...d.reasonCodes],
          humanitarian: d.humanitarian,
          humanitarianReason: d.humanitarianReason ?? '',
          citations: [...d.citations],
          decisionNumber: d.decisionNumber,
        },
      });
    }
    case 'ClaimApproved': {
      const d = event.data;
      return message({ case: 'claimApproved', value: { ...d, amount: money(d.amount), pendingTransferId: d.pendingTransferId ?? '' } });
    }
    case 'ClaimRejected':
      return message({ case: 'claimRejected', value: { ...event.data, reasonCodes: [...event.data.reasonCodes] } });
    case 'ClaimAppealed':
      return message({ case: 'claimAppealed', value: { ...event.data, previousOfficers: [...event.data.previousOfficers] } });
    case 'DisbursementMade': {
      const d = event.data;
      return message({ case: 'disbursementMade', value: { ...d, amount: money(d.amount), payeeRelation: relation(d.payeeRelation) } });
    }
    case 'PaymentReconciled':
      return message({ case: 'paymentReconciled', value: { ...event.data, amount: money(event.data.amount) } });
    case 'ReservationVoided': {
      const d = event.data;
      return message({
        case: 'reservationVoided',
        value: { ...d, amount: money(d.amount), reason: enumValue(VoidReason, d.reason, 'void reason') },
      });
    }
    case 'ClaimClosed':
      return message({
        case: 'claimClosed',
        value: { ...event.data, outcome: enumValue(ClaimOutcome, event.data.outcome, 'claim outcome') },
      });
    case 'CaseNotesAdded':
      return message({ case: 'caseNotesAdded', value: { ...event.data, notes: seal(event.data.notes) } });
    case 'PersonalDataErased':
      return message({
        case: 'personalDataErased',
        value: { ...event.data, basis: enumValue(ErasureBasis, event.data.basis, 'erasure basis') },
      });
    default:
      assertNever(event, 'event');
  }
}

const encoder = binaryEncoder(FundEventSchema);

export function encodeFundEvent(message: FundEvent): Uint8Array {
  return encoder(message);
}

export function decodeFundEvent(bytes: Uint8Array): FundEvent {
  return fromBinary(FundEventSchema, bytes);
}
