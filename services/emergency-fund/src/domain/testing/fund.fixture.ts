import { PH_OWWA } from '../policy/defaults';
import type { ClaimCommand, FileClaim } from '../claim/claim.decider';
import type { ClaimEvent } from '../claim/claim.events';
import { computeAmount, type Assessment } from '../claim/eligibility';
import type { PolicyVersion, PolicyTerms } from '../policy/policy';

/** Fixtures of the fund's deciders: the OWWA default policy as version 1, a death claim's life. */
export const NOW = new Date('2026-12-01T10:00:00Z');
export const TODAY = '2026-12-01';
export const workerId = '01890f5e-0000-7000-8000-000000000001';
export const claimId = 'claim-1';
export const OFFICER_A = 'ph-owwa/officer-a';
export const OFFICER_B = 'ph-owwa/officer-b';
export const OFFICER_C = 'ph-owwa/officer-c';

export const at = <C extends object>(command: C, now: Date = NOW) => ({ ...command, metadata: { now } });

export const policy: PolicyVersion = { ...PH_OWWA, version: 1, publishedOn: '2016-05-10', publishedBy: 'system' };
export const terms = (overrides: Partial<PolicyTerms> = {}): PolicyTerms => ({ ...PH_OWWA, ...overrides });
export const php = (major: number) => ({ currency: 'PHP', amountMinor: major * 100 });

export const file = (data: Partial<FileClaim['data']> = {}): FileClaim => ({
  type: 'FileClaim',
  data: {
    claimId,
    workerId,
    fundId: 'PH-OWWA',
    filedBy: 'agency',
    filedByPrincipal: OFFICER_A,
    claimantRelation: 'spouse',
    draft: false,
    benefitType: 'death',
    incidentKind: 'death',
    incidentOn: '2026-11-20',
    destinationCountry: 'SA',
    cycleNumber: 1,
    grade: 'natural',
    policy,
    ...data,
  },
});

const deathTerms = policy.benefits.find((b) => b.benefitType === 'death')!;

export const filed: ClaimEvent = {
  type: 'ClaimFiled',
  data: {
    claimId,
    workerId,
    fundId: 'PH-OWWA',
    filedBy: 'agency',
    filedByPrincipal: OFFICER_A,
    claimantRelation: 'spouse',
    draft: false,
    benefitType: 'death',
    incidentKind: 'death',
    incidentOn: '2026-11-20',
    destinationCountry: 'SA',
    cycleNumber: 1,
    grade: 'natural',
    documentsRequired: [...deathTerms.documentsRequired],
    filedOn: TODAY,
  },
};
export const draftFiled: ClaimEvent = { ...filed, data: { ...filed.data, draft: true, filedBy: 'welfare_incident' } } as ClaimEvent;

/** An assessment as the rules engine would give it: every rule passed (or the given ones failed). */
export function assessment(eligible = true, humanitarian = false): Assessment {
  const amount = computeAmount(deathTerms, { grade: 'natural' })!;
  return {
    fundId: 'PH-OWWA',
    policyVersion: 1,
    eligible,
    rules: [
      {
        ruleId: 'covered-on-incident-date',
        description: 'covered',
        fact: 'coveredOnIncidentDate',
        operator: 'equal',
        expected: true,
        actual: eligible,
        passed: eligible,
        citation: 'c',
        reasonCode: 'fund.reason.not-covered',
      },
    ],
    amount,
    reasonCodes: eligible ? [] : ['fund.reason.not-covered'],
    humanitarian,
    ...(humanitarian ? { humanitarianReason: 'stranded, membership lapsed by a week' } : {}),
    citations: ['c'],
  };
}

export const assessed = (eligible = true, by = OFFICER_A): ClaimEvent => ({
  type: 'EligibilityAssessed',
  data: { ...assessment(eligible), claimId, assessedOn: TODAY, assessedBy: by, decisionNumber: 1 },
});

/** 120,000.00 PHP payable: natural death 100,000 + burial 20,000; above the 50,000 threshold. */
export const PAYABLE = php(120_000);
export const THRESHOLD = php(50_000);

export const approve = (officerId: string, amount = PAYABLE): ClaimCommand => ({
  type: 'ApproveClaim',
  data: { officerId, amount, secondApprovalAbove: THRESHOLD, pendingTransferId: `claim:${claimId}:reserve:1` },
});
export const makerApproved: ClaimEvent = {
  type: 'ClaimApproved',
  data: { claimId, officerId: OFFICER_A, level: 1, amount: PAYABLE, final: false, approvedOn: TODAY, decisionNumber: 1 },
};
export const checkerApproved: ClaimEvent = {
  type: 'ClaimApproved',
  data: {
    claimId,
    officerId: OFFICER_B,
    level: 2,
    amount: PAYABLE,
    final: true,
    pendingTransferId: `claim:${claimId}:reserve:1`,
    approvedOn: TODAY,
    decisionNumber: 1,
  },
};
export const disburse: ClaimCommand = {
  type: 'DisburseClaim',
  data: {
    disbursedBy: OFFICER_A,
    transferId: `claim:${claimId}:payment`,
    provider: 'local',
    providerReference: 'LOCAL-1',
    idempotencyKey: 'k1',
  },
};
export const disbursed: ClaimEvent = {
  type: 'DisbursementMade',
  data: {
    claimId,
    transferId: `claim:${claimId}:payment`,
    pendingTransferId: `claim:${claimId}:reserve:1`,
    amount: PAYABLE,
    provider: 'local',
    providerReference: 'LOCAL-1',
    idempotencyKey: 'k1',
    disbursedOn: TODAY,
    disbursedBy: OFFICER_A,
    payeeRelation: 'spouse',
  },
};
export const rejected: ClaimEvent = {
  type: 'ClaimRejected',
  data: { claimId, officerId: OFFICER_A, reasonCodes: ['fund.reason.not-covered'], rejectedOn: TODAY, note: '', decisionNumber: 1 },
};
export const reconciled: ClaimEvent = {
  type: 'PaymentReconciled',
  data: { claimId, provider: 'local', providerReference: 'LOCAL-1', amount: PAYABLE, statementId: 's1', reconciledOn: TODAY },
};
