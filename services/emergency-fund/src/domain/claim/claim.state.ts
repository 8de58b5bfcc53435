import { assertNever } from '@homeward/assert-never';
import type { Money } from '../policy/policy';
import type { Assessment } from './eligibility';
import type { ClaimEvent, ClaimFiled, ClaimOutcome } from './claim.events';

export type ClaimStatus = 'draft' | 'filed' | 'assessed' | 'approved' | 'rejected' | 'appealed' | 'disbursed' | 'reconciled' | 'closed';

/**
 * A claim, folded from its events.
 *
 * Invariants that `decide` keeps and `evolve` relies on:
 * - every event after the first is on a filed claim; a closed claim takes nothing more;
 * - approvals belong to the current decision (`decisionNumber`); the final one carries the reservation's
 *   pending transfer id, and the approved amount is ≤ the assessment's payable amount;
 * - the checker (level 2) is another officer than the maker; officers of an appealed decision decide no more;
 * - a disbursement follows a final approval and happens once; a reconciliation follows a disbursement.
 */
export type ClaimState =
  | { readonly status: 'none' }
  | (Omit<ClaimFiled['data'], 'caseNotes'> & {
      readonly status: ClaimStatus;
      readonly documents: readonly { readonly documentType: string; readonly documentId: string }[];
      readonly decisionNumber: number;
      readonly assessment?: Assessment & { readonly assessedBy: string };
      readonly approvals: readonly {
        readonly officerId: string;
        readonly level: number;
        readonly amount: Money;
        readonly final: boolean;
      }[];
      readonly reservation?: {
        readonly pendingTransferId: string;
        readonly amount: Money;
        readonly state: 'pending' | 'posted' | 'voided';
        /** The final approval's date: the reservation lapses RESERVATION_LIFETIME_DAYS after it. */
        readonly reservedOn: string;
      };
      readonly disbursement?: {
        readonly transferId: string;
        readonly providerReference: string;
        readonly provider: string;
        readonly amount: Money;
        readonly idempotencyKey: string;
      };
      readonly reconciled: boolean;
      readonly rejection?: { readonly officerId: string; readonly reasonCodes: readonly string[] };
      /** Officers of decisions appealed: none of them decides again. */
      readonly excludedOfficers: readonly string[];
      readonly outcome?: ClaimOutcome;
      /** How many sealed case notes the claim has (their content is read only through the audited endpoint). */
      readonly caseNoteCount: number;
    });

export type OpenClaim = Exclude<ClaimState, { status: 'none' }>;

export const initialState = (): ClaimState => ({ status: 'none' });

export function evolve(state: ClaimState, event: ClaimEvent): ClaimState {
  if (event.type === 'ClaimFiled') {
    const { caseNotes, ...data } = event.data;
    return {
      ...data,
      status: data.draft ? 'draft' : 'filed',
      documents: [],
      decisionNumber: 0,
      approvals: [],
      reconciled: false,
      excludedOfficers: [],
      caseNoteCount: caseNotes ? 1 : 0,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'ClaimSubmitted': {
      const { submittedOn: _on, submittedBy: _by, ...rest } = event.data;
      return { ...state, ...rest, status: 'filed' };
    }
    case 'DocumentAttached':
      return { ...state, documents: [...state.documents, { documentType: event.data.documentType, documentId: event.data.documentId }] };
    case 'EligibilityAssessed': {
      const { claimId: _c, assessedOn: _on, decisionNumber, ...assessment } = event.data;
      return { ...state, status: 'assessed', decisionNumber, assessment, approvals: [] };
    }
    case 'ClaimApproved': {
      const d = event.data;
      return {
        ...state,
        status: d.final ? 'approved' : state.status,
        approvals: [...state.approvals, { officerId: d.officerId, level: d.level, amount: d.amount, final: d.final }],
        ...(d.final && d.pendingTransferId
          ? {
              reservation: {
                pendingTransferId: d.pendingTransferId,
                amount: d.amount,
                state: 'pending' as const,
                reservedOn: d.approvedOn,
              },
            }
          : {}),
      };
    }
    case 'ClaimRejected':
      return { ...state, status: 'rejected', rejection: { officerId: event.data.officerId, reasonCodes: event.data.reasonCodes } };
    case 'ClaimAppealed':
      return {
        ...state,
        status: 'appealed',
        excludedOfficers: [...new Set([...state.excludedOfficers, ...event.data.previousOfficers])],
        approvals: [],
      };
    case 'DisbursementMade': {
      const d = event.data;
      return {
        ...state,
        status: 'disbursed',
        ...(state.reservation ? { reservation: { ...state.reservation, state: 'posted' as const } } : {}),
        disbursement: {
          transferId: d.transferId,
          providerReference: d.providerReference,
          provider: d.provider,
          amount: d.amount,
          idempotencyKey: d.idempotencyKey,
        },
      };
    }
    case 'PaymentReconciled':
      return { ...state, status: 'reconciled', reconciled: true };
    case 'ReservationVoided':
      return { ...state, ...(state.reservation ? { reservation: { ...state.reservation, state: 'voided' as const } } : {}) };
    case 'ClaimClosed':
      return { ...state, status: 'closed', outcome: event.data.outcome };
    case 'CaseNotesAdded':
      return { ...state, caseNoteCount: state.caseNoteCount + 1 };
    default:
      assertNever(event, 'event');
  }
}

/** Every officer who took part in the current decision (assessment and approvals). */
export function decisionOfficers(state: OpenClaim): string[] {
  return [...new Set([...(state.assessment ? [state.assessment.assessedBy] : []), ...state.approvals.map((a) => a.officerId)])];
}
