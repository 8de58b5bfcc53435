import { join } from 'node:path';
import { loadOpenApiDocument } from '@homeward/service-kit/openapi-validation';
import { DeciderSpecification } from '@homeward/testing/decider';
import { claimDecider, type ClaimCommand } from '../src/domain/claim/claim.decider';
import type { ClaimEvent } from '../src/domain/claim/claim.events';
import { FundRuleViolation, type Clocked } from '../src/domain/fund.errors';
import { FUND_RULES, ruleCode, type FundRule } from '../src/domain/fund.rules';
import {
  decide as decideMember,
  evolve as evolveMember,
  initialState as noMember,
  type MemberCommand,
  type MemberEvent,
} from '../src/domain/member/member';
import { policyDecider, type PolicyCommand, type PolicyEvent } from '../src/domain/policy/policy.decider';
import type { PolicyTerms } from '../src/domain/policy/policy';
import {
  OFFICER_A,
  OFFICER_B,
  OFFICER_C,
  PAYABLE,
  approve,
  assessed,
  assessment,
  at,
  checkerApproved,
  claimId,
  disburse,
  disbursed,
  draftFiled,
  file,
  filed,
  makerApproved,
  php,
  policy,
  reconciled,
  rejected,
  terms,
  workerId,
} from '../src/domain/testing/fund.fixture';

// Every rule of the fund's deciders has a code of its own, and a client meets it with the field at fault.
// A rule added to FUND_RULES without a case below fails to compile.

const claims = DeciderSpecification(claimDecider);
const policies = DeciderSpecification(policyDecider);
const members = DeciderSpecification({ decide: decideMember, evolve: evolveMember, initialState: noMember });

type Check = (e: FundRuleViolation) => void;
type Case = { readonly refuse: (check: Check) => void; readonly field: string } | { readonly application: string };
const onClaim = (given: readonly ClaimEvent[], command: ClaimCommand) => (check: Check) =>
  claims
    .given(given)
    .when(at(command) as Clocked<ClaimCommand>)
    .thenThrows(FundRuleViolation, check);
const onPolicy = (given: readonly PolicyEvent[], t: PolicyTerms, expectedVersion?: number) => (check: Check) =>
  policies
    .given(given)
    .when(
      at({
        type: 'PublishPolicyVersion',
        data: { terms: t, publishedBy: OFFICER_A, ...(expectedVersion ? { expectedVersion } : {}) },
      }) as Clocked<PolicyCommand>,
    )
    .thenThrows(FundRuleViolation, check);
const onMember = (given: readonly MemberEvent[], command: MemberCommand) => (check: Check) =>
  members
    .given(given)
    .when(at(command) as Clocked<MemberCommand>)
    .thenThrows(FundRuleViolation, check);

const published: PolicyEvent = { type: 'PolicyVersionPublished', data: policy };
const death = policy.benefits[0]!;
const withBenefit = (b: Partial<typeof death>) => terms({ benefits: [{ ...death, ...b }] });
const contribute = (data: Partial<Extract<MemberCommand, { type: 'RecordContribution' }>['data']> = {}): MemberCommand => ({
  type: 'RecordContribution',
  data: { workerId, contributionId: 'c1', amount: php(1_400), paidOn: '2026-01-10', transferId: 't1', policy, ...data },
});
const contributed: MemberEvent = {
  type: 'ContributionRecorded',
  data: { workerId, fundId: 'PH-OWWA', contributionId: 'c1', amount: php(1_400), paidOn: '2026-01-10', transferId: 't1' },
};
const appealed: ClaimEvent = {
  type: 'ClaimAppealed',
  data: { claimId, appealedOn: '2026-12-01', appealedBy: OFFICER_B, grounds: 'covered', previousOfficers: [OFFICER_A] },
};

const cases: Record<FundRule, Case> = {
  'date-before-earliest': { refuse: onClaim([], file({ incidentOn: '1980-01-01' })), field: 'incidentOn' },
  'date-in-future': { refuse: onClaim([], file({ incidentOn: '2026-12-02' })), field: 'incidentOn' },
  'policy-version-out-of-order': { refuse: onPolicy([], terms(), 2), field: 'version' },
  'policy-effective-backwards': { refuse: onPolicy([published], terms({ effectiveFrom: '2016-05-10' })), field: 'effectiveFrom' },
  'policy-currency-mismatch': {
    refuse: onPolicy([], withBenefit({ secondApprovalAbove: { currency: 'USD', amountMinor: 1 } })),
    field: 'benefits.0.secondApprovalAbove',
  },
  'policy-unknown-currency': { refuse: onPolicy([], terms({ currency: 'XYZ' })), field: 'currency' },
  'policy-no-benefits': { refuse: onPolicy([], terms({ benefits: [] })), field: 'benefits' },
  'policy-duplicate-benefit': { refuse: onPolicy([], terms({ benefits: [death, death] })), field: 'benefits.1.benefitType' },
  'policy-schedule-unordered': {
    refuse: onPolicy(
      [],
      withBenefit({
        amount: {
          kind: 'schedule',
          schedule: [
            { grade: 'a', amount: php(2) },
            { grade: 'b', amount: php(1) },
          ],
        },
      }),
    ),
    field: 'benefits.0.amount.schedule.1',
  },
  'policy-amount-not-positive': {
    refuse: onPolicy([], withBenefit({ amount: { kind: 'fixed', fixed: php(0) } })),
    field: 'benefits.0.amount.fixed.amountMinor',
  },
  'policy-cap-negative': {
    refuse: onPolicy([], withBenefit({ amount: { kind: 'capped_actual_cost', cap: php(-1) } })),
    field: 'benefits.0.amount.cap.amountMinor',
  },
  'policy-threshold-negative': {
    refuse: onPolicy([], withBenefit({ secondApprovalAbove: php(-1) })),
    field: 'benefits.0.secondApprovalAbove.amountMinor',
  },
  'policy-amount-rule-incomplete': {
    refuse: onPolicy([], withBenefit({ amount: { kind: 'schedule', schedule: [] } })),
    field: 'benefits.0.amount.schedule',
  },
  'policy-coverage-incomplete': {
    refuse: onPolicy([], terms({ coverage: { bases: [], coverageMonths: 24, citations: [] } })),
    field: 'coverage',
  },
  'policy-no-incident-kinds': { refuse: onPolicy([], withBenefit({ incidentKinds: [] })), field: 'benefits.0.incidentKinds' },
  'unknown-fund': { application: 'a budget allocation into a fund without a policy (ledger accounts): test/claims.e2e.spec.ts' },
  'contribution-not-accepted': {
    refuse: onMember([], contribute({ policy: { ...policy, coverage: { bases: ['registration'], coverageMonths: 24, citations: [] } } })),
    field: 'fundId',
  },
  'contribution-below-policy': { refuse: onMember([], contribute({ amount: php(1_000) })), field: 'amount.amountMinor' },
  'contribution-already-recorded': { refuse: onMember([contributed], contribute()), field: 'contributionId' },
  'claim-already-filed': { refuse: onClaim([filed], file()), field: 'claimId' },
  'unknown-benefit-type': { refuse: onClaim([], file({ benefitType: 'lottery' })), field: 'benefitType' },
  'benefit-not-in-policy': { refuse: onClaim([], file({ benefitType: 'emergency_shelter' })), field: 'benefitType' },
  'incident-kind-not-covered': { refuse: onClaim([], file({ incidentKind: 'stranding' })), field: 'incidentKind' },
  'claim-time-limit-passed': { refuse: onClaim([], file({ incidentOn: '2025-11-01' })), field: 'incidentOn' },
  'no-policy-in-force': { refuse: onClaim([], file({ policy: undefined })), field: 'incidentOn' },
  'claim-not-draft': {
    refuse: onClaim([filed], {
      type: 'SubmitClaim',
      data: { benefitType: 'death', grade: 'natural', claimantRelation: 'spouse', submittedBy: OFFICER_A, policy },
    }),
    field: '',
  },
  'claim-closed': {
    refuse: onClaim(
      [filed, rejected, { type: 'ClaimClosed', data: { claimId, closedOn: '2026-12-01', outcome: 'rejected', closedBy: OFFICER_A } }],
      disburse,
    ),
    field: '',
  },
  'document-not-required': {
    refuse: onClaim([filed], {
      type: 'AttachDocument',
      data: { documentType: 'selfie', documentId: 'd', sha256: 'x', attachedBy: OFFICER_A },
    }),
    field: 'documentType',
  },
  'documents-missing': {
    application: 'an eligibility rule (fund.reason.documents-missing), not a refusal: src/domain/claim/eligibility.unit.spec.ts',
  },
  'grade-not-in-schedule': { refuse: onClaim([], file({ grade: 'spectacular' })), field: 'grade' },
  'amount-claimed-required': {
    refuse: onClaim([], file({ benefitType: 'repatriation', incidentKind: 'stranding' })),
    field: 'amountClaimed',
  },
  'not-assessed': { refuse: onClaim([filed], approve(OFFICER_A)), field: '' },
  'not-eligible': { refuse: onClaim([filed, assessed(false)], approve(OFFICER_A)), field: '' },
  'humanitarian-reason-required': {
    refuse: onClaim([filed], {
      type: 'RecordAssessment',
      data: { assessment: { ...assessment(true, true), humanitarianReason: ' ' }, assessedBy: OFFICER_A },
    }),
    field: 'humanitarianReason',
  },
  'amount-above-policy': { refuse: onClaim([filed, assessed()], approve(OFFICER_A, php(120_001))), field: 'amount.amountMinor' },
  'amount-not-positive': { refuse: onClaim([filed, assessed()], approve(OFFICER_A, php(0))), field: 'amount.amountMinor' },
  'already-approved': { refuse: onClaim([filed, assessed(), makerApproved, checkerApproved], approve(OFFICER_C)), field: '' },
  'self-approval': { refuse: onClaim([filed, assessed(), makerApproved], approve(OFFICER_A)), field: 'officerId' },
  'second-approval-required': {
    refuse: onClaim([filed, assessed(), makerApproved], approve(OFFICER_B, php(100_000))),
    field: 'amount.amountMinor',
  },
  'not-approved': { refuse: onClaim([filed, assessed(), makerApproved], disburse), field: '' },
  'already-disbursed': { refuse: onClaim([filed, assessed(), makerApproved, checkerApproved, disbursed], disburse), field: '' },
  'insufficient-funds': { application: 'the ledger refuses the reservation (fund pool limit): test/claims.e2e.spec.ts' },
  'not-rejected': {
    refuse: onClaim([filed, assessed()], { type: 'AppealClaim', data: { appealedBy: OFFICER_B, grounds: 'x' } }),
    field: '',
  },
  'appeal-same-officer': {
    refuse: onClaim([filed, assessed(), rejected, appealed], {
      type: 'RecordAssessment',
      data: { assessment: assessment(), assessedBy: OFFICER_A },
    }),
    field: 'officerId',
  },
  'not-disbursed': {
    refuse: onClaim([filed, assessed(), makerApproved, checkerApproved], {
      type: 'ReconcilePayment',
      data: { provider: 'local', providerReference: 'LOCAL-1', amount: PAYABLE, statementId: 's' },
    }),
    field: '',
  },
  'already-reconciled': {
    refuse: onClaim([filed, assessed(), makerApproved, checkerApproved, disbursed, reconciled], {
      type: 'ReconcilePayment',
      data: { provider: 'local', providerReference: 'LOCAL-1', amount: PAYABLE, statementId: 's' },
    }),
    field: '',
  },
  'reconciliation-mismatch': {
    refuse: onClaim([filed, assessed(), makerApproved, checkerApproved, disbursed], {
      type: 'ReconcilePayment',
      data: { provider: 'local', providerReference: 'LOCAL-1', amount: php(1), statementId: 's' },
    }),
    field: 'amount',
  },
  'reservation-not-expired': {
    refuse: onClaim([filed, assessed(), makerApproved, checkerApproved], {
      type: 'ExpireReservation',
      data: { expiredBy: OFFICER_A, voidTransferId: 'v' },
    }),
    field: '',
  },
  'worker-erased': { application: 'sealing case notes with an erased worker’s key: test/access.e2e.spec.ts' },
};

describe('the fund rules', () => {
  const driven = FUND_RULES.filter((rule) => 'refuse' in cases[rule]);
  it.each(driven)('%s: refused with its code and the field at fault', (rule) => {
    const c = cases[rule] as Extract<Case, { refuse: unknown }>;
    c.refuse((error) => {
      expect(error.code).toBe(ruleCode(rule));
      expect(error.field).toBe(c.field);
      expect(error.message).not.toBe('');
    });
  });

  it('leaves only the rules the application (the ledger) or the rules engine applies to other tests', () => {
    expect(FUND_RULES.filter((rule) => 'application' in cases[rule]).sort()).toEqual(
      ['documents-missing', 'insufficient-funds', 'unknown-fund', 'worker-erased'].sort(),
    );
  });

  it('refuses a fund’s first policy taking effect before the earliest date the fund takes (no version to follow)', () =>
    onPolicy(
      [],
      terms({ effectiveFrom: '1900-01-01' }),
    )((error) => {
      expect(error.code).toBe('fund.date-before-earliest');
      expect(error.field).toBe('effectiveFrom');
    }));

  it('has codes that are unique and shaped fund.<kebab-case>', () => {
    const codes = FUND_RULES.map(ruleCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^fund\.[a-z]+(-[a-z0-9]+)*$/);
  });

  it('opens a draft claim even after the time limit, and refuses to submit it then', () => {
    expect(
      claimDecider.decide(at(file({ draft: true, incidentOn: '2025-01-01' })) as Clocked<ClaimCommand>, claimDecider.initialState())[0]!
        .type,
    ).toBe('ClaimFiled');
    const late = { ...draftFiled, data: { ...draftFiled.data, incidentOn: '2025-01-01' } } as ClaimEvent;
    onClaim([late], {
      type: 'SubmitClaim',
      data: { benefitType: 'death', grade: 'natural', claimantRelation: 'spouse', submittedBy: OFFICER_A, policy },
    })((e) => expect(e.code).toBe('fund.claim-time-limit-passed'));
  });
});

describe('a draft submitted as another benefit type', () => {
  it('needs the documents of the benefit submitted, not those of the draft’s guess', () => {
    // An abuse reported by a mission opens a draft guessed as repatriation; the officer submits it as legal assistance.
    const draft = {
      ...draftFiled,
      data: {
        ...draftFiled.data,
        benefitType: 'repatriation',
        incidentKind: 'abuse',
        grade: '',
        documentsRequired: ['passport-copy', 'mission-endorsement'],
      },
    } as ClaimEvent;
    const submitted = claimDecider.decide(
      at({
        type: 'SubmitClaim',
        data: { benefitType: 'legal_assistance', amountClaimed: php(20_000), claimantRelation: 'worker', submittedBy: OFFICER_A, policy },
      }) as Clocked<ClaimCommand>,
      claimDecider.evolve(claimDecider.initialState(), draft),
    );
    expect(submitted[0]!.data).toMatchObject({
      benefitType: 'legal_assistance',
      documentsRequired: ['mission-endorsement', 'case-summary'],
    });
    const state = [draft, ...submitted].reduce(claimDecider.evolve, claimDecider.initialState());
    const attach = (documentType: string) =>
      claimDecider.decide(
        at({
          type: 'AttachDocument',
          data: { documentType, documentId: documentType, sha256: 'ab', attachedBy: OFFICER_A },
        }) as Clocked<ClaimCommand>,
        state,
      );
    expect(attach('case-summary').map((e) => e.type)).toEqual(['DocumentAttached']);
    expect(() => attach('passport-copy')).toThrow(expect.objectContaining({ code: 'fund.document-not-required' }));
  });
});

describe('an approval left unpaid', () => {
  it('lapses after its lifetime: the reservation is voided (expired) and the claim closed', () => {
    const late = new Date('2027-03-15T10:00:00Z');
    const events = claimDecider.decide(
      at({ type: 'ExpireReservation', data: { expiredBy: OFFICER_A, voidTransferId: 'v' } }, late) as Clocked<ClaimCommand>,
      [filed, assessed(), makerApproved, checkerApproved].reduce(claimDecider.evolve, claimDecider.initialState()),
    );
    expect(events.map((e) => e.type)).toEqual(['ReservationVoided', 'ClaimClosed']);
    expect(events[0]!.data).toMatchObject({ reason: 'expired', pendingTransferId: 'claim:claim-1:reserve:1', amount: PAYABLE });
  });
});

describe('the rule codes as documented', () => {
  it('are each listed in the OpenAPI document, and nothing else of the service beside the key reuse and a provider statement that cannot be read', () => {
    const document = loadOpenApiDocument(join(__dirname, '..', 'openapi', 'emergency-fund.v1.yaml'));
    const schemas = (document.components as { schemas: Record<string, { enum?: string[] }> }).schemas;
    const listed = schemas.RuleCode?.enum ?? [];
    expect([...listed].sort()).toEqual([...FUND_RULES.map(ruleCode), 'fund.statement-invalid', 'idempotency.key-reused'].sort());
  });
});
