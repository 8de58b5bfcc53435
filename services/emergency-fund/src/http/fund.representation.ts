import type { Principal } from '@homeward/auth';
import type { OpenClaim } from '../domain/claim/claim.state';
import type { MemberState } from '../domain/member/member';
import type { components } from './generated/emergency-fund.v1';

type Schemas = components['schemas'];

/** A claim as the API shows it: never case notes; to a mission not even how many there are. */
export function claimDto(state: OpenClaim, principal: Principal): Schemas['Claim'] {
  const s = state;
  return {
    claimId: s.claimId,
    workerId: s.workerId,
    fundId: s.fundId,
    status: s.status,
    filedBy: s.filedBy,
    claimantRelation: s.claimantRelation,
    benefitType: s.benefitType,
    incidentKind: s.incidentKind,
    incidentOn: s.incidentOn,
    ...(s.incidentId ? { incidentId: s.incidentId } : {}),
    ...(s.sourceEventId ? { sourceEventId: s.sourceEventId } : {}),
    destinationCountry: s.destinationCountry,
    cycleNumber: s.cycleNumber,
    ...(s.amountClaimed ? { amountClaimed: s.amountClaimed } : {}),
    ...(s.grade ? { grade: s.grade } : {}),
    documentsRequired: [...s.documentsRequired],
    documents: s.documents.map((d) => ({ documentType: d.documentType, documentId: d.documentId })),
    ...(s.assessment
      ? {
          assessment: {
            ...s.assessment,
            rules: s.assessment.rules.map((r) => ({ ...r, reasonCode: r.reasonCode as Schemas['ReasonCode'] })),
            reasonCodes: s.assessment.reasonCodes as Schemas['ReasonCode'][],
            amount: { ...s.assessment.amount, steps: [...s.assessment.amount.steps] },
            citations: [...s.assessment.citations],
            decisionNumber: s.decisionNumber,
          },
        }
      : {}),
    approvals: s.approvals.map((a) => ({ ...a })),
    ...(s.reservation ? { reservation: { ...s.reservation } } : {}),
    ...(s.disbursement
      ? {
          disbursement: {
            transferId: s.disbursement.transferId,
            provider: s.disbursement.provider,
            providerReference: s.disbursement.providerReference,
            amount: s.disbursement.amount,
          },
        }
      : {}),
    ...(s.rejection ? { rejection: { officerId: s.rejection.officerId, reasonCodes: [...s.rejection.reasonCodes] } } : {}),
    ...(s.outcome ? { outcome: s.outcome } : {}),
    filedOn: s.filedOn,
    ...(principal.kind === 'mission' ? {} : { caseNoteCount: s.caseNoteCount }),
  };
}

export function memberDto(workerId: string, state: MemberState): Schemas['Member'] {
  return { workerId, contributions: [...state.contributions], coverage: state.coverage.map((c) => ({ ...c })) };
}
