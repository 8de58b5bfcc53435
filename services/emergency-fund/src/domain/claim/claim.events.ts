import { assertNever } from '@homeward/assert-never';
import type { BenefitType, IncidentKind, Money, Relation } from '../policy/policy';
import type { Assessment } from './eligibility';

/**
 * Events of a claim's stream, `claim-<claimId>`: filed (as a draft or filed), documents, eligibility
 * assessed against the policy version in force on the incident date, approved (maker, then checker above
 * the threshold; the final approval reserves the amount in the ledger) or rejected, appealed (a new decision
 * by other officers), disbursed (the reservation posted), reconciled against the provider's statement,
 * closed. Case notes are sealed with the worker's data key by the application; the events hold only the seal.
 */

export type FiledBy = 'worker' | 'family' | 'mission' | 'agency' | 'welfare_incident';
export type VoidReason = 'rejected' | 'cancelled' | 'expired' | 'redecided';
export type ClaimOutcome = 'paid' | 'rejected' | 'withdrawn';

/** A seal as the store keeps it (base64 fields): sealed by the vault with the worker's key. */
export interface Seal {
  readonly keyId: string;
  readonly nonce: string;
  readonly ciphertext: string;
}

export interface ClaimFiled {
  readonly type: 'ClaimFiled';
  readonly data: {
    readonly claimId: string;
    readonly workerId: string;
    readonly fundId: string;
    readonly filedBy: FiledBy;
    readonly filedByPrincipal: string;
    readonly claimantRelation: Relation;
    readonly draft: boolean;
    readonly benefitType: BenefitType;
    readonly incidentKind: IncidentKind;
    readonly incidentOn: string;
    readonly incidentId?: string;
    readonly sourceEventId?: string;
    readonly destinationCountry: string;
    readonly cycleNumber: number;
    readonly amountClaimed?: Money;
    readonly grade?: string;
    readonly documentsRequired: readonly string[];
    readonly filedOn: string;
    readonly caseNotes?: Seal;
  };
}
export interface ClaimSubmitted {
  readonly type: 'ClaimSubmitted';
  readonly data: {
    readonly claimId: string;
    readonly submittedOn: string;
    readonly submittedBy: string;
    readonly benefitType: BenefitType;
    readonly amountClaimed?: Money;
    readonly grade?: string;
    readonly claimantRelation: Relation;
    /** The documents the submitted benefit type requires: they replace the draft's list. */
    readonly documentsRequired: readonly string[];
  };
}
export interface DocumentAttached {
  readonly type: 'DocumentAttached';
  readonly data: {
    readonly claimId: string;
    readonly documentType: string;
    readonly documentId: string;
    readonly sha256: string;
    readonly attachedOn: string;
    readonly attachedBy: string;
  };
}
export interface EligibilityAssessed {
  readonly type: 'EligibilityAssessed';
  readonly data: Assessment & {
    readonly claimId: string;
    readonly assessedOn: string;
    readonly assessedBy: string;
    readonly decisionNumber: number;
  };
}
export interface ClaimApproved {
  readonly type: 'ClaimApproved';
  readonly data: {
    readonly claimId: string;
    readonly officerId: string;
    readonly level: number;
    readonly amount: Money;
    readonly final: boolean;
    readonly pendingTransferId?: string;
    readonly approvedOn: string;
    readonly decisionNumber: number;
  };
}
export interface ClaimRejected {
  readonly type: 'ClaimRejected';
  readonly data: {
    readonly claimId: string;
    readonly officerId: string;
    readonly reasonCodes: readonly string[];
    readonly rejectedOn: string;
    readonly note: string;
    readonly decisionNumber: number;
  };
}
export interface ClaimAppealed {
  readonly type: 'ClaimAppealed';
  readonly data: {
    readonly claimId: string;
    readonly appealedOn: string;
    readonly appealedBy: string;
    readonly grounds: string;
    readonly previousOfficers: readonly string[];
  };
}
export interface DisbursementMade {
  readonly type: 'DisbursementMade';
  readonly data: {
    readonly claimId: string;
    readonly transferId: string;
    readonly pendingTransferId: string;
    readonly amount: Money;
    readonly provider: string;
    readonly providerReference: string;
    readonly idempotencyKey: string;
    readonly disbursedOn: string;
    readonly disbursedBy: string;
    readonly payeeRelation: Relation;
  };
}
export interface PaymentReconciled {
  readonly type: 'PaymentReconciled';
  readonly data: {
    readonly claimId: string;
    readonly provider: string;
    readonly providerReference: string;
    readonly amount: Money;
    readonly statementId: string;
    readonly reconciledOn: string;
  };
}
export interface ReservationVoided {
  readonly type: 'ReservationVoided';
  readonly data: {
    readonly claimId: string;
    readonly pendingTransferId: string;
    readonly voidTransferId: string;
    readonly amount: Money;
    readonly reason: VoidReason;
    readonly voidedOn: string;
  };
}
export interface ClaimClosed {
  readonly type: 'ClaimClosed';
  readonly data: { readonly claimId: string; readonly closedOn: string; readonly outcome: ClaimOutcome; readonly closedBy: string };
}
export interface CaseNotesAdded {
  readonly type: 'CaseNotesAdded';
  readonly data: {
    readonly claimId: string;
    readonly workerId: string;
    readonly notes: Seal;
    readonly addedOn: string;
    readonly addedBy: string;
  };
}

export type ClaimEvent =
  | ClaimFiled
  | ClaimSubmitted
  | DocumentAttached
  | EligibilityAssessed
  | ClaimApproved
  | ClaimRejected
  | ClaimAppealed
  | DisbursementMade
  | PaymentReconciled
  | ReservationVoided
  | ClaimClosed
  | CaseNotesAdded;

/** When it happened in the world, for the envelope's occurred-at. */
export function claimEventOn(event: ClaimEvent): string {
  switch (event.type) {
    case 'ClaimFiled':
      return event.data.filedOn;
    case 'ClaimSubmitted':
      return event.data.submittedOn;
    case 'DocumentAttached':
      return event.data.attachedOn;
    case 'EligibilityAssessed':
      return event.data.assessedOn;
    case 'ClaimApproved':
      return event.data.approvedOn;
    case 'ClaimRejected':
      return event.data.rejectedOn;
    case 'ClaimAppealed':
      return event.data.appealedOn;
    case 'DisbursementMade':
      return event.data.disbursedOn;
    case 'PaymentReconciled':
      return event.data.reconciledOn;
    case 'ReservationVoided':
      return event.data.voidedOn;
    case 'ClaimClosed':
      return event.data.closedOn;
    case 'CaseNotesAdded':
      return event.data.addedOn;
    default:
      assertNever(event, 'event');
  }
}
