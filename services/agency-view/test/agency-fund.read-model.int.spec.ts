import { eventsTopic } from '@homeward/contracts';
import { AmountRuleKind, BenefitType, ClaimOutcome, FiledBy, IncidentKind } from '@homeward/contracts/fund/v1';
import type { IncomingMessage } from '@homeward/messaging/consumer';
import { SharedKey } from '@homeward/personal-data';
import { buildSchema, projectEvents } from '@homeward/projections';
import { createTestDatabase, testDirectoryKey, type TestDatabase } from '@homeward/testing/infrastructure';
import { ReadModelSpecification } from '@homeward/testing/read-model';
import { claimStream, memberStream, type FundMessage } from '@homeward/testing/fund-events';
import { agencyViewProjection, type AgencyEvent } from '../src/projection/agency.read-model';

// Given the fund topic's messages — protobuf of the generated contract, decoded by the agency view's own
// source as the projection host decodes them — then these rows, on the real PostgreSQL.

const definition = agencyViewProjection('', new SharedKey(testDirectoryKey()));
const fund = definition.sources.find((s) => s.topic === eventsTopic('fund'))!;

const incoming = (message: FundMessage): IncomingMessage => ({
  topic: fund.topic,
  partition: 0,
  offset: '0',
  key: message.key,
  value: Buffer.from(message.value),
  headers: {},
  eventId: message.event.envelope!.eventId,
});
type Decoded = { event: AgencyEvent; meta: ReturnType<typeof fund.meta>; erasedSubject: string | undefined };
const decoded = (message: FundMessage): Decoded => {
  const event = fund.decode(incoming(message));
  return { event, meta: fund.meta(event), erasedSubject: fund.erasedSubject(event) };
};

const W = '01930000-0000-7000-8000-0000000000f1';
const C = '01930000-0000-7000-8000-00000000f001';
const usd = (amountMinor: bigint) => ({ currency: 'USD', amountMinor });
const SEALED = { keyId: 'worker-key', nonce: new Uint8Array([1, 2, 3]), ciphertext: new Uint8Array([4, 5, 6]) };

/** A death abroad: the draft the mission's incident opened, completed, assessed, approved twice, paid, reconciled, closed. */
function deathAbroad() {
  const s = claimStream(C, 'SA');
  const filed = s.event('2026-03-02', {
    case: 'claimFiled',
    value: {
      claimId: C,
      workerId: W,
      fundId: 'PH-OWWA',
      filedBy: FiledBy.WELFARE_INCIDENT,
      draft: true,
      benefitType: BenefitType.DEATH,
      incidentKind: IncidentKind.DEATH,
      incidentOn: '2026-03-01',
      destinationCountry: 'SA',
      cycleNumber: 1,
      documentsRequired: ['death-certificate', 'passport-copy'],
      filedOn: '2026-03-02',
      caseNotes: SEALED,
    },
  });
  const submitted = s.event('2026-03-05', {
    case: 'claimSubmitted',
    value: { claimId: C, submittedOn: '2026-03-05', benefitType: BenefitType.DEATH, grade: 'accidental', submittedBy: 'officer-1' },
  });
  const certificate = s.event('2026-03-06', {
    case: 'documentAttached',
    value: { claimId: C, documentType: 'death-certificate', documentId: 'd1', sha256: 'ab', attachedOn: '2026-03-06' },
  });
  const passport = s.event('2026-03-06', {
    case: 'documentAttached',
    value: { claimId: C, documentType: 'passport-copy', documentId: 'd2', sha256: 'cd', attachedOn: '2026-03-06' },
  });
  const assessed = s.event('2026-03-10', {
    case: 'eligibilityAssessed',
    value: {
      claimId: C,
      fundId: 'PH-OWWA',
      policyVersion: 1,
      assessedOn: '2026-03-10',
      assessedBy: 'officer-1',
      eligible: true,
      rules: [
        {
          ruleId: 'coverage-on-incident-date',
          description: 'Covered on the incident date',
          fact: 'coveredOnIncidentDate',
          operator: 'equal',
          expectedJson: 'true',
          actualJson: 'true',
          passed: true,
          citation: 'RA 10801 s. 37',
        },
        {
          ruleId: 'claim-within-time-limit',
          description: 'Filed within 365 days of the incident',
          fact: 'daysSinceIncident',
          operator: 'lessThanInclusive',
          expectedJson: '365',
          actualJson: '4',
          passed: true,
          reasonCode: 'fund.claim-time-limit-passed',
        },
      ],
      amount: {
        kind: AmountRuleKind.SCHEDULE,
        grade: 'accidental',
        base: { currency: 'PHP', amountMinor: 20_000_000n },
        supplement: { currency: 'PHP', amountMinor: 2_000_000n },
        payable: { currency: 'PHP', amountMinor: 22_000_000n },
        steps: ['schedule accidental 200000.00 + burial 20000.00 = 220000.00'],
      },
      citations: ['OWWA Board Resolution No. 038-2003'],
      decisionNumber: 1,
    },
  });
  const php = { currency: 'PHP', amountMinor: 22_000_000n };
  const maker = s.event('2026-03-11', {
    case: 'claimApproved',
    value: { claimId: C, officerId: 'officer-1', level: 1, amount: php, final: false, approvedOn: '2026-03-11', decisionNumber: 1 },
  });
  const checker = s.event('2026-03-12', {
    case: 'claimApproved',
    value: {
      claimId: C,
      officerId: 'officer-2',
      level: 2,
      amount: php,
      final: true,
      pendingTransferId: 't1',
      approvedOn: '2026-03-12',
      decisionNumber: 1,
    },
  });
  const paid = s.event('2026-03-15', {
    case: 'disbursementMade',
    value: {
      claimId: C,
      transferId: 't2',
      pendingTransferId: 't1',
      amount: php,
      provider: 'local',
      providerReference: 'L-1',
      disbursedOn: '2026-03-15',
    },
  });
  const reconciled = s.event('2026-03-20', {
    case: 'paymentReconciled',
    value: { claimId: C, provider: 'local', providerReference: 'L-1', amount: php, statementId: 'S1', reconciledOn: '2026-03-20' },
  });
  const notes = s.event('2026-03-21', {
    case: 'caseNotesAdded',
    value: { claimId: C, workerId: W, notes: SEALED, addedOn: '2026-03-21', addedBy: 'officer-1' },
  });
  const closed = s.event('2026-03-22', { case: 'claimClosed', value: { claimId: C, closedOn: '2026-03-22', outcome: ClaimOutcome.PAID } });
  return { filed, submitted, certificate, passport, assessed, maker, checker, paid, reconciled, notes, closed };
}

describe('the agency view, given the fund topic, stores', () => {
  let db: TestDatabase;
  let given: (...messages: FundMessage[]) => ReturnType<ReturnType<typeof ReadModelSpecification<Decoded>>['given']>;

  beforeAll(async () => {
    db = await createTestDatabase('agency_fund_rows');
    await db.pool.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    const spec = ReadModelSpecification<Decoded>(db.pool, {
      schema: buildSchema(definition),
      project: (events, tx) => projectEvents(definition, events, tx),
    });
    given = (...messages) => spec.given(...messages.map(decoded));
  });
  afterAll(() => db.drop());

  const c = deathAbroad();

  it('a draft claim opened by a welfare incident: what it is for and the documents the policy requires — never its case notes', () =>
    given(c.filed).thenTables({
      fund_claims: [
        {
          claim_id: C,
          worker_id: W,
          version: 1,
          fund_id: 'PH-OWWA',
          status: 'draft',
          filed_by: 'welfare_incident',
          benefit_type: 'death',
          incident_kind: 'death',
          incident_on: '2026-03-01',
          destination_country: 'SA',
          cycle_number: 1,
          filed_on: '2026-03-02',
          documents_required: ['death-certificate', 'passport-copy'],
          documents_attached: [],
          approvals: [],
        },
      ],
      timeline: [
        {
          worker_id: W,
          source: 'fund',
          type: 'ClaimFiled',
          cycle_number: 1,
          occurred_on: '2026-03-02',
          stream_id: `claim-${C}`,
          stream_version: 1,
          details: {
            claimId: C,
            fundId: 'PH-OWWA',
            filedBy: 'welfare_incident',
            draft: true,
            benefitType: 'death',
            incidentKind: 'death',
            incidentOn: '2026-03-01',
            destinationCountry: 'SA',
            cycleNumber: 1,
            documentsRequired: ['death-certificate', 'passport-copy'],
            filedOn: '2026-03-02',
          },
        },
      ],
    }));

  it('the whole path: documents, the decision under its policy version, two approvals, the payment, reconciliation, closing', () =>
    given(...Object.values(c)).thenTables({
      fund_claims: [
        {
          claim_id: C,
          worker_id: W,
          version: 11,
          status: 'closed',
          submitted_on: '2026-03-05',
          grade: 'accidental',
          documents_attached: ['death-certificate', 'passport-copy'],
          policy_version: 1,
          decision: {
            fundId: 'PH-OWWA',
            policyVersion: 1,
            assessedOn: '2026-03-10',
            eligible: true,
            rules: [
              {
                ruleId: 'coverage-on-incident-date',
                description: 'Covered on the incident date',
                passed: true,
                citation: 'RA 10801 s. 37',
              },
              {
                ruleId: 'claim-within-time-limit',
                description: 'Filed within 365 days of the incident',
                passed: true,
                reasonCode: 'fund.claim-time-limit-passed',
              },
            ],
            reasonCodes: [],
            humanitarian: false,
            payable: { amountMinor: 22_000_000, currency: 'PHP' },
            amountSteps: ['schedule accidental 200000.00 + burial 20000.00 = 220000.00'],
            citations: ['OWWA Board Resolution No. 038-2003'],
            decisionNumber: 1,
          },
          approvals: [
            {
              officerId: 'officer-1',
              level: 1,
              final: false,
              approvedOn: '2026-03-11',
              amount: { amountMinor: 22_000_000, currency: 'PHP' },
            },
            {
              officerId: 'officer-2',
              level: 2,
              final: true,
              approvedOn: '2026-03-12',
              amount: { amountMinor: 22_000_000, currency: 'PHP' },
            },
          ],
          approved_minor: 22_000_000,
          approved_currency: 'PHP',
          approved_on: '2026-03-12',
          paid_minor: 22_000_000,
          paid_currency: 'PHP',
          paid_on: '2026-03-15',
          reconciled_on: '2026-03-20',
          closed_on: '2026-03-22',
          outcome: 'paid',
        },
      ],
    }));

  it('one approval above the threshold leaves the claim awaiting the second officer', () =>
    given(c.filed, c.submitted, c.assessed, c.maker).thenRows('fund_claims', [
      { claim_id: C, status: 'awaiting_second_approval', approved_minor: null, approved_on: null },
    ]));

  it('a redelivered event changes nothing: one approval, one payment', () =>
    given(c.filed, c.submitted, c.assessed, c.maker, c.maker, c.checker, c.paid, c.paid).thenRows('fund_claims', [
      { claim_id: C, status: 'disbursed', paid_minor: 22_000_000 },
    ]));

  it('a payment matched with the provider’s statement leaves the claim reconciled, as the fund service says it', () =>
    given(c.filed, c.submitted, c.assessed, c.maker, c.checker, c.paid, c.reconciled).thenRows('fund_claims', [
      { claim_id: C, status: 'reconciled', paid_minor: 22_000_000, paid_on: '2026-03-15', reconciled_on: '2026-03-20' },
    ]));

  it('a rejection with its reason codes, without the officer’s note; an appeal without its grounds', () => {
    const s = claimStream('C-REJ', 'SA');
    const filed = s.event(
      '2026-01-02',
      {
        case: 'claimFiled',
        value: {
          claimId: 'C-REJ',
          workerId: W,
          fundId: 'PH-OWWA',
          filedBy: FiledBy.WORKER,
          benefitType: BenefitType.LEGAL_ASSISTANCE,
          incidentKind: IncidentKind.ABUSE,
          incidentOn: '2024-01-01',
          filedOn: '2026-01-02',
          amountClaimed: usd(150_000n),
        },
      },
      {},
    );
    const rejected = s.event('2026-01-10', {
      case: 'claimRejected',
      value: {
        claimId: 'C-REJ',
        officerId: 'officer-1',
        reasonCodes: ['fund.claim-time-limit-passed'],
        rejectedOn: '2026-01-10',
        note: 'a private note',
      },
    });
    const appealed = s.event('2026-01-20', {
      case: 'claimAppealed',
      value: {
        claimId: 'C-REJ',
        appealedOn: '2026-01-20',
        appealedBy: 'worker',
        grounds: 'private grounds',
        previousOfficers: ['officer-1'],
      },
    });
    return given(filed, rejected, appealed).thenTables({
      fund_claims: [
        {
          claim_id: 'C-REJ',
          status: 'appealed',
          requested_minor: 150_000,
          requested_currency: 'USD',
          rejection_reasons: ['fund.claim-time-limit-passed'],
          rejected_on: '2026-01-10',
          appealed_on: '2026-01-20',
        },
      ],
      timeline: [
        {
          type: 'ClaimFiled',
          worker_id: W,
          details: {
            claimId: 'C-REJ',
            fundId: 'PH-OWWA',
            filedBy: 'worker',
            draft: false,
            benefitType: 'legal_assistance',
            incidentKind: 'abuse',
            incidentOn: '2024-01-01',
            destinationCountry: '',
            amountClaimed: { amountMinor: 150_000, currency: 'USD' },
            documentsRequired: [],
            filedOn: '2026-01-02',
          },
        },
        {
          type: 'ClaimRejected',
          worker_id: W,
          details: {
            claimId: 'C-REJ',
            officerId: 'officer-1',
            reasonCodes: ['fund.claim-time-limit-passed'],
            rejectedOn: '2026-01-10',
            decisionNumber: 0,
          },
        },
        { type: 'ClaimAppealed', worker_id: W, details: { claimId: 'C-REJ', appealedOn: '2026-01-20' } },
      ],
    });
  });

  it('nothing for a worker’s contributions: the fund service keeps those', () =>
    given(
      memberStream(W).event('2026-01-01', {
        case: 'contributionRecorded',
        value: { workerId: W, fundId: 'PH-OWWA', contributionId: 'k1', amount: usd(2_500n), paidOn: '2026-01-01' },
      }),
    ).thenTables({ fund_claims: [], timeline: [] }));
});
