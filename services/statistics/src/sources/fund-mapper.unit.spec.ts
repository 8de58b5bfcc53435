import { BenefitType, FiledBy, IncidentKind } from '@homeward/contracts/fund/v1';
import { claimStream, memberStream } from '@homeward/testing/fund-events';
import { fundFactFromMessage } from './fund-event.proto-mapper';

// The fund topic's protobuf (the generated contract, encoded) → the facts the fund tables are built from.

const W = '01930000-0000-7000-8000-000000000001';
const at = (date: string) => Date.parse(`${date}T08:00:00Z`);
const usd = (amountMinor: bigint) => ({ currency: 'USD', amountMinor });

describe('a message of the fund topic, as statistics read it', () => {
  it("gives a claim's worker, benefit type, country, incident and filing — not its case notes", () => {
    const m = claimStream('C1', 'SA').event('2025-03-05', {
      case: 'claimFiled',
      value: {
        claimId: 'C1',
        workerId: W,
        fundId: 'PH-OWWA',
        filedBy: FiledBy.MISSION,
        draft: false,
        benefitType: BenefitType.REPATRIATION_OF_REMAINS,
        incidentKind: IncidentKind.DEATH,
        incidentOn: '2025-03-01',
        destinationCountry: 'SA',
        cycleNumber: 1,
        documentsRequired: ['death-certificate'],
        filedOn: '2025-03-05',
        caseNotes: { keyId: 'k', ciphertext: new Uint8Array([1, 2, 3]) },
      },
    });
    expect(fundFactFromMessage(m.value)).toEqual({
      type: 'ClaimFiled',
      stream: 'claim-C1',
      version: 1,
      recordedAt: at('2025-03-05'),
      data: {
        claimId: 'C1',
        workerId: W,
        benefitType: 'repatriation_of_remains',
        country: 'SA',
        incidentOn: '2025-03-01',
        filedOn: '2025-03-05',
        draft: false,
      },
    });
  });

  it('gives a draft without benefit type or country as such, and its submission', () => {
    const stream = claimStream('C2');
    const filed = stream.event('2025-08-01', {
      case: 'claimFiled',
      value: {
        claimId: 'C2',
        workerId: W,
        draft: true,
        filedBy: FiledBy.WELFARE_INCIDENT,
        incidentOn: '2025-07-30',
        filedOn: '2025-08-01',
      },
    });
    expect(fundFactFromMessage(filed.value)).toMatchObject({ data: { benefitType: undefined, country: undefined, draft: true } });
    const submitted = stream.event('2025-08-10', {
      case: 'claimSubmitted',
      value: { claimId: 'C2', submittedOn: '2025-08-10', benefitType: BenefitType.COUNSELLING },
    });
    expect(fundFactFromMessage(submitted.value)).toEqual({
      type: 'ClaimSubmitted',
      stream: 'claim-C2',
      version: 2,
      recordedAt: at('2025-08-10'),
      data: { claimId: 'C2', submittedOn: '2025-08-10', benefitType: 'counselling' },
    });
  });

  it("counts only the approval that completes the approvals required (the checker's), with its amount", () => {
    const stream = claimStream('C3');
    const maker = stream.event('2025-03-20', {
      case: 'claimApproved',
      value: { claimId: 'C3', officerId: 'o1', level: 1, amount: usd(150_000n), final: false, approvedOn: '2025-03-20' },
    });
    const checker = stream.event('2025-03-21', {
      case: 'claimApproved',
      value: {
        claimId: 'C3',
        officerId: 'o2',
        level: 2,
        amount: usd(150_000n),
        final: true,
        approvedOn: '2025-03-21',
        pendingTransferId: 't1',
      },
    });
    expect(fundFactFromMessage(maker.value)).toBeUndefined();
    expect(fundFactFromMessage(checker.value)).toEqual({
      type: 'ClaimApproved',
      stream: 'claim-C3',
      version: 2,
      recordedAt: at('2025-03-21'),
      data: { claimId: 'C3', approvedOn: '2025-03-21', amount: { currency: 'USD', amountMinor: 150_000 } },
    });
  });

  it('gives a rejection with every reason code, and a disbursement with its day and amount', () => {
    const stream = claimStream('C4');
    const rejected = stream.event('2025-05-20', {
      case: 'claimRejected',
      value: {
        claimId: 'C4',
        officerId: 'o1',
        reasonCodes: ['fund.not-covered', 'fund.claim-time-limit-passed'],
        rejectedOn: '2025-05-20',
        note: 'n',
      },
    });
    expect(fundFactFromMessage(rejected.value)).toMatchObject({
      type: 'ClaimRejected',
      data: { claimId: 'C4', rejectedOn: '2025-05-20', reasons: ['fund.not-covered', 'fund.claim-time-limit-passed'] },
    });
    const paid = stream.event('2025-07-11', {
      case: 'disbursementMade',
      value: {
        claimId: 'C4',
        transferId: 't2',
        pendingTransferId: 't1',
        amount: usd(50_000n),
        provider: 'local',
        disbursedOn: '2025-07-11',
      },
    });
    expect(fundFactFromMessage(paid.value)).toMatchObject({
      type: 'DisbursementMade',
      data: { claimId: 'C4', paidOn: '2025-07-11', amount: { currency: 'USD', amountMinor: 50_000 } },
    });
  });

  it('reads past what no table uses: contributions, documents, reconciliations, case notes', () => {
    const member = memberStream(W).event('2025-01-01', {
      case: 'contributionRecorded',
      value: { workerId: W, fundId: 'PH-OWWA', contributionId: 'x', amount: usd(2_500n), paidOn: '2025-01-01' },
    });
    expect(fundFactFromMessage(member.value)).toBeUndefined();
    const notes = claimStream('C5').event('2025-01-02', {
      case: 'caseNotesAdded',
      value: { claimId: 'C5', workerId: W, notes: { keyId: 'k', ciphertext: new Uint8Array([9]) }, addedOn: '2025-01-02' },
    });
    expect(fundFactFromMessage(notes.value)).toBeUndefined();
  });

  it('throws on bytes that are not a FundEvent (the source counts them and goes on)', () => {
    expect(() => fundFactFromMessage(new Uint8Array([0xff, 0xff, 0xff]))).toThrow();
  });
});
