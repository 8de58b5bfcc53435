import { assertNever } from '@homeward/assert-never';
import { checkDate, daysBetween, FundRuleViolation, todayOf, ClaimNotFound, type Clocked } from '../fund.errors';
import {
  BENEFIT_TYPES,
  termsFor,
  type BenefitType,
  type IncidentKind,
  type Money,
  type PolicyVersion,
  type Relation,
} from '../policy/policy';
import { computeAmount, type Assessment } from './eligibility';
import type { ClaimEvent, ClaimFiled, FiledBy, Seal } from './claim.events';
import { decisionOfficers, evolve, initialState, type ClaimState, type OpenClaim } from './claim.state';

/** What a claim asks, as filed or completed. */
export interface ClaimRequest {
  readonly benefitType: string;
  readonly amountClaimed?: Money;
  readonly grade?: string;
  readonly claimantRelation: Relation;
}

export type FileClaim = {
  readonly type: 'FileClaim';
  readonly data: ClaimRequest & {
    readonly claimId: string;
    readonly workerId: string;
    readonly fundId: string;
    readonly filedBy: FiledBy;
    readonly filedByPrincipal: string;
    readonly draft: boolean;
    readonly incidentKind: IncidentKind;
    readonly incidentOn: string;
    readonly incidentId?: string;
    readonly sourceEventId?: string;
    readonly destinationCountry: string;
    readonly cycleNumber: number;
    readonly caseNotes?: Seal;
    /** The policy version in force on the incident date, as the application found it; none: none is. */
    readonly policy: PolicyVersion | undefined;
  };
};
export type SubmitClaim = {
  readonly type: 'SubmitClaim';
  readonly data: ClaimRequest & { readonly submittedBy: string; readonly policy: PolicyVersion | undefined };
};
export type AttachDocument = {
  readonly type: 'AttachDocument';
  readonly data: { readonly documentType: string; readonly documentId: string; readonly sha256: string; readonly attachedBy: string };
};
export type RecordAssessment = {
  readonly type: 'RecordAssessment';
  /** The assessment the application made with the rules engine (see eligibility.ts); undefined: no amount could be computed. */
  readonly data: { readonly assessment: Assessment; readonly assessedBy: string };
};
export type ApproveClaim = {
  readonly type: 'ApproveClaim';
  readonly data: {
    readonly officerId: string;
    readonly amount: Money;
    /** From the policy version the assessment names. */
    readonly secondApprovalAbove: Money;
    /** The id the reservation's pending transfer gets when this approval is final. */
    readonly pendingTransferId: string;
  };
};
export type RejectClaim = {
  readonly type: 'RejectClaim';
  readonly data: {
    readonly officerId: string;
    readonly reasonCodes: readonly string[];
    readonly note: string;
    readonly voidTransferId: string;
  };
};
export type AppealClaim = { readonly type: 'AppealClaim'; readonly data: { readonly appealedBy: string; readonly grounds: string } };
export type DisburseClaim = {
  readonly type: 'DisburseClaim';
  readonly data: {
    readonly disbursedBy: string;
    readonly transferId: string;
    readonly provider: string;
    readonly providerReference: string;
    readonly idempotencyKey: string;
  };
};
export type ReconcilePayment = {
  readonly type: 'ReconcilePayment';
  readonly data: { readonly provider: string; readonly providerReference: string; readonly amount: Money; readonly statementId: string };
};
export type CancelClaim = {
  readonly type: 'CancelClaim';
  readonly data: { readonly cancelledBy: string; readonly voidTransferId: string };
};
/** An approval not paid within this many days lapses: its reservation is voided and the claim closed. */
export const RESERVATION_LIFETIME_DAYS = 90;
export type ExpireReservation = {
  readonly type: 'ExpireReservation';
  readonly data: { readonly expiredBy: string; readonly voidTransferId: string };
};
export type CloseClaim = { readonly type: 'CloseClaim'; readonly data: { readonly closedBy: string } };
export type AddCaseNotes = { readonly type: 'AddCaseNotes'; readonly data: { readonly notes: Seal; readonly addedBy: string } };

export type ClaimCommand =
  | FileClaim
  | SubmitClaim
  | AttachDocument
  | RecordAssessment
  | ApproveClaim
  | RejectClaim
  | AppealClaim
  | DisburseClaim
  | ReconcilePayment
  | CancelClaim
  | ExpireReservation
  | CloseClaim
  | AddCaseNotes;

export function decide(command: Clocked<ClaimCommand>, state: ClaimState): ClaimEvent[] {
  const today = todayOf(command.metadata.now);
  switch (command.type) {
    case 'FileClaim':
      return [file(command.data, state, today)];
    case 'SubmitClaim':
      return [submit(command.data, open(state), today)];
    case 'AttachDocument':
      return [attach(command.data, open(state), today)];
    case 'RecordAssessment':
      return [assessed(command.data, open(state), today)];
    case 'ApproveClaim':
      return [approve(command.data, open(state), today)];
    case 'RejectClaim':
      return reject(command.data, open(state), today);
    case 'AppealClaim':
      return [appeal(command.data, open(state), today)];
    case 'DisburseClaim':
      return [disburse(command.data, open(state), today)];
    case 'ReconcilePayment':
      return [reconcile(command.data, open(state), today)];
    case 'CancelClaim':
      return cancel(command.data, open(state), today);
    case 'ExpireReservation':
      return expire(command.data, open(state), today);
    case 'CloseClaim':
      return [close(command.data, open(state), today)];
    case 'AddCaseNotes': {
      const s = open(state);
      return [
        {
          type: 'CaseNotesAdded',
          data: { claimId: s.claimId, workerId: s.workerId, notes: command.data.notes, addedOn: today, addedBy: command.data.addedBy },
        },
      ];
    }
    default:
      assertNever(command, 'command');
  }
}

export const claimDecider = { decide, evolve, initialState };

function open(state: ClaimState): OpenClaim {
  if (state.status === 'none') throw new ClaimNotFound('no claim is filed under this id');
  if (state.status === 'closed') throw new FundRuleViolation('claim-closed', '', `the claim was closed (${state.outcome})`);
  return state;
}

/** The benefit's terms in the policy in force, and the amount rule's inputs: refused when they cannot give an amount. */
function checkRequest(request: ClaimRequest, policy: PolicyVersion | undefined, incidentKind: IncidentKind, incidentOn: string) {
  if (!(BENEFIT_TYPES as readonly string[]).includes(request.benefitType))
    throw new FundRuleViolation('unknown-benefit-type', 'benefitType', `${request.benefitType} is not a benefit type the fund knows`);
  if (!policy) throw new FundRuleViolation('no-policy-in-force', 'incidentOn', `no policy of the fund was in force on ${incidentOn}`);
  const terms = termsFor(policy, request.benefitType as BenefitType);
  if (!terms)
    throw new FundRuleViolation(
      'benefit-not-in-policy',
      'benefitType',
      `version ${policy.version} of ${policy.fundId}'s policy offers no ${request.benefitType} benefit`,
    );
  if (!terms.incidentKinds.includes(incidentKind))
    throw new FundRuleViolation('incident-kind-not-covered', 'incidentKind', `a ${request.benefitType} benefit is not for ${incidentKind}`);
  if (request.amountClaimed) {
    if (request.amountClaimed.currency !== policy.currency)
      throw new FundRuleViolation('policy-currency-mismatch', 'amountClaimed.currency', `the fund pays in ${policy.currency}`);
    if (!Number.isSafeInteger(request.amountClaimed.amountMinor) || request.amountClaimed.amountMinor <= 0)
      throw new FundRuleViolation('amount-not-positive', 'amountClaimed.amountMinor', 'an amount claimed is positive');
  }
  if (terms.amount.kind === 'capped_actual_cost' && !request.amountClaimed)
    throw new FundRuleViolation('amount-claimed-required', 'amountClaimed', 'the benefit pays the actual cost: amountClaimed says it');
  if (terms.amount.kind === 'schedule' && !computeAmount(terms, request))
    throw new FundRuleViolation(
      'grade-not-in-schedule',
      'grade',
      `the schedule's grades are ${terms.amount.schedule.map((e) => e.grade).join(', ')}, not ${request.grade ?? '(none)'}`,
    );
  return terms;
}

function timeLimit(terms: { claimWithinDays: number }, incidentOn: string, today: string): void {
  if (terms.claimWithinDays > 0 && daysBetween(incidentOn, today) > terms.claimWithinDays)
    throw new FundRuleViolation(
      'claim-time-limit-passed',
      'incidentOn',
      `a claim is filed within ${terms.claimWithinDays} days of the incident (${incidentOn}); today is ${today}`,
    );
}

function file(data: FileClaim['data'], state: ClaimState, today: string): ClaimFiled {
  if (state.status !== 'none')
    throw new FundRuleViolation('claim-already-filed', 'claimId', `a claim is already filed under ${data.claimId}`);
  checkDate(data.incidentOn, 'incidentOn', today);
  const terms = checkRequest(data, data.policy, data.incidentKind, data.incidentOn);
  // A draft opened by a welfare incident is opened whatever its date: the officer decides; a filed claim keeps the limit.
  if (!data.draft) timeLimit(terms, data.incidentOn, today);
  const { policy: _p, ...rest } = data;
  return {
    type: 'ClaimFiled',
    data: {
      ...rest,
      benefitType: data.benefitType as BenefitType,
      documentsRequired: [...terms.documentsRequired],
      filedOn: today,
    },
  };
}

function submit(data: SubmitClaim['data'], state: OpenClaim, today: string): ClaimEvent {
  if (state.status !== 'draft') throw new FundRuleViolation('claim-not-draft', '', 'only a draft claim is submitted');
  const terms = checkRequest(data, data.policy, state.incidentKind, state.incidentOn);
  // The draft was opened (by the registry's own record of the incident) on its filing date: the limit counts to it.
  timeLimit(terms, state.incidentOn, state.filedOn);
  return {
    type: 'ClaimSubmitted',
    data: {
      claimId: state.claimId,
      submittedOn: today,
      submittedBy: data.submittedBy,
      benefitType: data.benefitType as BenefitType,
      ...(data.amountClaimed ? { amountClaimed: data.amountClaimed } : {}),
      ...(data.grade ? { grade: data.grade } : {}),
      claimantRelation: data.claimantRelation,
      documentsRequired: [...terms.documentsRequired],
    },
  };
}

function attach(data: AttachDocument['data'], state: OpenClaim, today: string): ClaimEvent {
  if (!state.documentsRequired.includes(data.documentType))
    throw new FundRuleViolation(
      'document-not-required',
      'documentType',
      `the claim needs ${state.documentsRequired.join(', ') || 'no documents'}, not ${data.documentType}`,
    );
  return { type: 'DocumentAttached', data: { claimId: state.claimId, ...data, attachedOn: today } };
}

function assessed(data: RecordAssessment['data'], state: OpenClaim, today: string): ClaimEvent {
  if (state.status === 'draft') throw new FundRuleViolation('claim-not-draft', '', 'a draft is submitted before it is assessed');
  if (!['filed', 'assessed', 'appealed'].includes(state.status) || state.approvals.length > 0)
    throw new FundRuleViolation('already-approved', '', `the claim is ${state.status}: its decision is taken`);
  if (state.excludedOfficers.includes(data.assessedBy))
    throw new FundRuleViolation(
      'appeal-same-officer',
      'officerId',
      'an appeal is decided by an officer who took no part in the decision appealed',
    );
  if (data.assessment.humanitarian && !data.assessment.humanitarianReason?.trim())
    throw new FundRuleViolation('humanitarian-reason-required', 'humanitarianReason', 'the humanitarian path records its reason');
  return {
    type: 'EligibilityAssessed',
    data: {
      ...data.assessment,
      claimId: state.claimId,
      assessedOn: today,
      assessedBy: data.assessedBy,
      decisionNumber: state.decisionNumber + 1,
    },
  };
}

function approve(data: ApproveClaim['data'], state: OpenClaim, today: string): ClaimEvent {
  if (state.status === 'approved' || state.status === 'disbursed' || state.status === 'reconciled')
    throw new FundRuleViolation('already-approved', '', 'the claim is approved already');
  if (state.status !== 'assessed' || !state.assessment)
    throw new FundRuleViolation('not-assessed', '', 'a claim is assessed before it is approved');
  if (!state.assessment.eligible)
    throw new FundRuleViolation(
      'not-eligible',
      '',
      `the assessment found the claim not eligible: ${state.assessment.reasonCodes.join(', ')}`,
    );
  if (state.excludedOfficers.includes(data.officerId))
    throw new FundRuleViolation(
      'appeal-same-officer',
      'officerId',
      'an appeal is decided by an officer who took no part in the decision appealed',
    );
  const payable = state.assessment.amount.payable;
  if (data.amount.currency !== payable.currency)
    throw new FundRuleViolation('policy-currency-mismatch', 'amount.currency', `the fund pays in ${payable.currency}`);
  if (!Number.isSafeInteger(data.amount.amountMinor) || data.amount.amountMinor <= 0)
    throw new FundRuleViolation('amount-not-positive', 'amount.amountMinor', 'an approved amount is positive');
  if (data.amount.amountMinor > payable.amountMinor)
    throw new FundRuleViolation(
      'amount-above-policy',
      'amount.amountMinor',
      `the policy allows at most ${payable.amountMinor} (${state.assessment.amount.steps.join('; ')}), not ${data.amount.amountMinor}`,
    );
  const maker = state.approvals[0];
  const level = state.approvals.length + 1;
  if (maker) {
    if (maker.officerId === data.officerId)
      throw new FundRuleViolation(
        'self-approval',
        'officerId',
        'the second approval is another officer’s: the maker does not check their own approval',
      );
    if (maker.amount.amountMinor !== data.amount.amountMinor)
      throw new FundRuleViolation(
        'second-approval-required',
        'amount.amountMinor',
        `the checker approves the maker's amount (${maker.amount.amountMinor})`,
      );
  }
  const needsTwo = data.amount.amountMinor > data.secondApprovalAbove.amountMinor;
  const final = !needsTwo || level >= 2;
  return {
    type: 'ClaimApproved',
    data: {
      claimId: state.claimId,
      officerId: data.officerId,
      level,
      amount: data.amount,
      final,
      ...(final ? { pendingTransferId: data.pendingTransferId } : {}),
      approvedOn: today,
      decisionNumber: state.decisionNumber,
    },
  };
}

function reject(data: RejectClaim['data'], state: OpenClaim, today: string): ClaimEvent[] {
  if (state.status !== 'assessed' && state.status !== 'approved')
    throw new FundRuleViolation('not-assessed', '', `a claim is assessed before it is rejected; it is ${state.status}`);
  if (state.excludedOfficers.includes(data.officerId))
    throw new FundRuleViolation(
      'appeal-same-officer',
      'officerId',
      'an appeal is decided by an officer who took no part in the decision appealed',
    );
  if (data.reasonCodes.length === 0)
    throw new FundRuleViolation('not-eligible', 'reasonCodes', 'a rejection gives at least one reason code');
  const events: ClaimEvent[] = [];
  if (state.reservation?.state === 'pending') events.push(voided(state, data.voidTransferId, 'rejected', today));
  events.push({
    type: 'ClaimRejected',
    data: {
      claimId: state.claimId,
      officerId: data.officerId,
      reasonCodes: [...data.reasonCodes],
      rejectedOn: today,
      note: data.note,
      decisionNumber: state.decisionNumber,
    },
  });
  return events;
}

function voided(state: OpenClaim, voidTransferId: string, reason: 'rejected' | 'cancelled' | 'expired', today: string): ClaimEvent {
  const r = state.reservation!;
  return {
    type: 'ReservationVoided',
    data: { claimId: state.claimId, pendingTransferId: r.pendingTransferId, voidTransferId, amount: r.amount, reason, voidedOn: today },
  };
}

function appeal(data: AppealClaim['data'], state: OpenClaim, today: string): ClaimEvent {
  if (state.status !== 'rejected') throw new FundRuleViolation('not-rejected', '', 'only a rejected claim is appealed');
  return {
    type: 'ClaimAppealed',
    data: {
      claimId: state.claimId,
      appealedOn: today,
      appealedBy: data.appealedBy,
      grounds: data.grounds,
      previousOfficers: [...decisionOfficers(state), state.rejection!.officerId],
    },
  };
}

function disburse(data: DisburseClaim['data'], state: OpenClaim, today: string): ClaimEvent {
  if (state.disbursement)
    throw new FundRuleViolation('already-disbursed', '', `the claim was paid (${state.disbursement.providerReference})`);
  if (state.status !== 'approved' || state.reservation?.state !== 'pending')
    throw new FundRuleViolation('not-approved', '', `only a fully approved claim is paid; it is ${state.status}`);
  return {
    type: 'DisbursementMade',
    data: {
      claimId: state.claimId,
      transferId: data.transferId,
      pendingTransferId: state.reservation.pendingTransferId,
      amount: state.reservation.amount,
      provider: data.provider,
      providerReference: data.providerReference,
      idempotencyKey: data.idempotencyKey,
      disbursedOn: today,
      disbursedBy: data.disbursedBy,
      payeeRelation: state.claimantRelation,
    },
  };
}

function reconcile(data: ReconcilePayment['data'], state: OpenClaim, today: string): ClaimEvent {
  if (state.reconciled) throw new FundRuleViolation('already-reconciled', '', 'the payment is reconciled already');
  if (!state.disbursement) throw new FundRuleViolation('not-disbursed', '', 'only a payment made is reconciled');
  if (
    data.providerReference !== state.disbursement.providerReference ||
    data.amount.amountMinor !== state.disbursement.amount.amountMinor ||
    data.amount.currency !== state.disbursement.amount.currency
  )
    throw new FundRuleViolation(
      'reconciliation-mismatch',
      'amount',
      'the statement line does not match the payment (reference and amount)',
    );
  return { type: 'PaymentReconciled', data: { claimId: state.claimId, ...data, reconciledOn: today } };
}

function cancel(data: CancelClaim['data'], state: OpenClaim, today: string): ClaimEvent[] {
  if (state.disbursement) throw new FundRuleViolation('already-disbursed', '', 'a paid claim is not cancelled');
  const events: ClaimEvent[] = [];
  if (state.reservation?.state === 'pending') events.push(voided(state, data.voidTransferId, 'cancelled', today));
  events.push({ type: 'ClaimClosed', data: { claimId: state.claimId, closedOn: today, outcome: 'withdrawn', closedBy: data.cancelledBy } });
  return events;
}

function expire(data: ExpireReservation['data'], state: OpenClaim, today: string): ClaimEvent[] {
  const r = state.reservation;
  if (!r || r.state !== 'pending' || daysBetween(r.reservedOn, today) <= RESERVATION_LIFETIME_DAYS)
    throw new FundRuleViolation(
      'reservation-not-expired',
      '',
      `a reservation lapses ${RESERVATION_LIFETIME_DAYS} days after the approval${r ? ` (${r.reservedOn}, ${r.state})` : ''}; the claim has none that has`,
    );
  return [
    voided(state, data.voidTransferId, 'expired', today),
    { type: 'ClaimClosed', data: { claimId: state.claimId, closedOn: today, outcome: 'withdrawn', closedBy: data.expiredBy } },
  ];
}

function close(data: CloseClaim['data'], state: OpenClaim, today: string): ClaimEvent {
  if (state.status === 'reconciled')
    return { type: 'ClaimClosed', data: { claimId: state.claimId, closedOn: today, outcome: 'paid', closedBy: data.closedBy } };
  if (state.status === 'rejected')
    return { type: 'ClaimClosed', data: { claimId: state.claimId, closedOn: today, outcome: 'rejected', closedBy: data.closedBy } };
  if (state.status === 'disbursed')
    throw new FundRuleViolation('not-disbursed', '', 'a paid claim is closed once its payment is reconciled');
  throw new FundRuleViolation('not-approved', '', `a claim is closed once paid and reconciled, or rejected; it is ${state.status}`);
}
