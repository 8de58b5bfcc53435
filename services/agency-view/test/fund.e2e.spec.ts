import { Scopes } from '@homeward/auth';
import { BenefitType, FiledBy, IncidentKind } from '@homeward/contracts/fund/v1';
import { eventually, testIssuer } from '@homeward/testing/infrastructure';
import { claimStream, publishFundEvents, type FundMessage } from '@homeward/testing/fund-events';
import { aWorker, departure, startHarness, type RegistrationHarness } from '@homeward/registration/test/harness';
import { namespaceOf } from '@homeward/mission-view/test/harness';
import { startAgencyViewHarness, type AgencyViewHarness } from './agency-view.harness';

// Issue 13's "agency-view shows a worker's claims": a worker recorded through the registration API, whose
// claim arrives on the real fund topic (messages of the generated contract, as the emergency-fund service
// publishes them), shown in the worker's profile and timeline — without its case notes — and an odd message
// on the topic that stops nothing.

describe("agency view: a worker's claims on the emergency fund", () => {
  let registry: RegistrationHarness;
  let view: AgencyViewHarness;
  let ns: string;
  let token = '';

  beforeAll(async () => {
    registry = await startHarness('agency_fund_registry');
    const issuer = await testIssuer();
    ns = namespaceOf(registry.runtime.topic);
    view = await startAgencyViewHarness(ns, issuer);
    token = await issuer.token({ organisationId: 'ph-owwa', kind: 'agency', scopes: [Scopes.workersRead] });
  });
  afterAll(async () => {
    await view?.stop();
    await registry?.stop();
  });

  const publish = (...messages: FundMessage[]) => publishFundEvents(view.runtime.kafka, ns, messages);
  const get = async (path: string) => {
    const response = await view.call('GET', path, token);
    expect(response.status).toBe(200);
    return response.body;
  };

  it('shows the claim with its status, amounts, decision under its policy version and approvals; no case notes anywhere', async () => {
    const created = await registry.call('POST', '/workers', aWorker(), registry.tokens.agency);
    const worker = created.body!.workerId as string;
    await registry.call('POST', `/workers/${worker}/departures`, departure, registry.tokens.agency);
    const claimId = `claim-e2e-${worker}`;
    const s = claimStream(claimId, 'SA');
    const php = { currency: 'PHP', amountMinor: 22_000_000n };
    const filed = s.event('2024-03-02', {
      case: 'claimFiled',
      value: {
        claimId,
        workerId: worker,
        fundId: 'PH-OWWA',
        filedBy: FiledBy.WELFARE_INCIDENT,
        draft: true,
        benefitType: BenefitType.DEATH,
        incidentKind: IncidentKind.DEATH,
        incidentOn: '2024-03-01',
        destinationCountry: 'SA',
        cycleNumber: 1,
        documentsRequired: ['death-certificate'],
        filedOn: '2024-03-02',
        caseNotes: { keyId: 'k', nonce: new Uint8Array([1]), ciphertext: new TextEncoder().encode('SECRET-NOTE') },
      },
    });
    await publish(
      filed,
      { ...filed, value: new TextEncoder().encode('not a FundEvent') },
      s.event('2024-03-05', { case: 'claimSubmitted', value: { claimId, submittedOn: '2024-03-05', benefitType: BenefitType.DEATH } }),
      s.event('2024-03-06', {
        case: 'documentAttached',
        value: { claimId, documentType: 'death-certificate', documentId: 'd1', sha256: 'ab', attachedOn: '2024-03-06' },
      }),
      s.event('2024-03-10', {
        case: 'eligibilityAssessed',
        value: {
          claimId,
          fundId: 'PH-OWWA',
          policyVersion: 1,
          assessedOn: '2024-03-10',
          eligible: true,
          rules: [{ ruleId: 'coverage-on-incident-date', description: 'Covered on the incident date', passed: true }],
          amount: { payable: php, steps: ['fixed 220000.00'] },
          citations: ['OWWA'],
          decisionNumber: 1,
        },
      }),
      s.event('2024-03-11', {
        case: 'claimApproved',
        value: { claimId, officerId: 'officer-1', level: 1, amount: php, approvedOn: '2024-03-11', decisionNumber: 1 },
      }),
      s.event('2024-03-12', {
        case: 'claimApproved',
        value: { claimId, officerId: 'officer-2', level: 2, amount: php, final: true, approvedOn: '2024-03-12', decisionNumber: 1 },
      }),
      s.event('2024-03-15', {
        case: 'disbursementMade',
        value: { claimId, transferId: 't2', pendingTransferId: 't1', amount: php, provider: 'local', disbursedOn: '2024-03-15' },
      }),
    );
    await registry.published();
    const profile = await eventually(
      () => view.call('GET', `/workers/${worker}`, token),
      (r) => r.status === 200 && (r.body as { claims?: { status: string }[] }).claims?.[0]?.status === 'disbursed',
    );
    const claims = (profile.body as { claims: Record<string, unknown>[] }).claims;
    expect(claims).toEqual([
      expect.objectContaining({
        claimId,
        fundId: 'PH-OWWA',
        status: 'disbursed',
        filedBy: 'welfare_incident',
        benefitType: 'death',
        incidentOn: '2024-03-01',
        destinationCountry: 'SA',
        submittedOn: '2024-03-05',
        documentsRequired: ['death-certificate'],
        documentsAttached: ['death-certificate'],
        amountApproved: { amountMinor: 22_000_000, currency: 'PHP' },
        amountPaid: { amountMinor: 22_000_000, currency: 'PHP' },
        approvedOn: '2024-03-12',
        paidOn: '2024-03-15',
        decision: expect.objectContaining({ policyVersion: 1, eligible: true, payable: { amountMinor: 22_000_000, currency: 'PHP' } }),
        approvals: [
          expect.objectContaining({ officerId: 'officer-1', level: 1, final: false }),
          expect.objectContaining({ officerId: 'officer-2', level: 2, final: true }),
        ],
      }),
    ]);
    const timeline = ((await get(`/workers/${worker}/timeline`)) as { items: { source: string; type: string }[] }).items;
    expect(timeline.filter((t) => t.source === 'fund').map((t) => t.type)).toEqual([
      'ClaimFiled',
      'ClaimSubmitted',
      'DocumentAttached',
      'EligibilityAssessed',
      'ClaimApproved',
      'ClaimApproved',
      'DisbursementMade',
    ]);
    expect(JSON.stringify(profile.body)).not.toContain('SECRET');
    expect(JSON.stringify(timeline)).not.toMatch(/caseNotes|SECRET/);
  });
});
