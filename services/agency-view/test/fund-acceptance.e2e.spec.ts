import { randomUUID } from 'node:crypto';
import { Scopes } from '@homeward/auth';
import { eventually, testIssuer } from '@homeward/testing/infrastructure';
import { aWorker, departure, startHarness, type RegistrationHarness } from '@homeward/registration/test/harness';
import { startFundHarness, type FundHarness } from '@homeward/emergency-fund/test/harness';
import { LocalPaymentProvider } from '@homeward/payments/local-provider';
import { namespaceOf, startMissionViewHarness, type MissionViewHarness } from '@homeward/mission-view/test/harness';
import { startStatisticsHarness, type StatisticsHarness } from '@homeward/statistics/test/harness';
import { startAgencyViewHarness, type AgencyViewHarness } from './agency-view.harness';

// Issue 13's acceptance, end to end on the real PostgreSQL and Kafka with the real services: registration,
// the emergency fund, the agency view, the missions' views (Saudi Arabia, and the Emirates that must see
// nothing) and statistics. A mission records a death abroad with fund assistance requested → the fund opens
// a draft claim by itself (from registration's topic) → it is completed and documented → assessed and
// explained against the policy version → approved by one officer, then by another (above the threshold) →
// disbursed → reconciled. The worker's record, the agency view, the mission's view and the statistics show
// it; the decision's explanation names the policy version and each rule.

const daysAgo = (days: number): string => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
const php = (major: number) => ({ currency: 'PHP', amountMinor: major * 100 });
const sha = (text: string) => Buffer.from(text).toString('hex').padEnd(64, '0').slice(0, 64);

describe('the emergency fund end to end: from a death abroad to a reconciled payment, seen everywhere', () => {
  let registry: RegistrationHarness;
  let fund: FundHarness;
  let view: AgencyViewHarness;
  let missionSA: MissionViewHarness;
  let missionAE: MissionViewHarness;
  let statistics: StatisticsHarness;
  let agencyToken = '';
  let missionSAToken = '';
  let missionAEToken = '';
  let statisticsToken = '';

  beforeAll(async () => {
    registry = await startHarness('fund_acceptance_registry', { logLevel: 'error' });
    const ns = namespaceOf(registry.runtime.topic);
    fund = await startFundHarness('fund_acceptance_fund', { logLevel: 'error', env: { TOPIC_NAMESPACE: ns } });
    const issuer = await testIssuer();
    view = await startAgencyViewHarness(ns, issuer, { logLevel: 'error' });
    missionSA = await startMissionViewHarness('SA', ns, issuer, { logLevel: 'error' });
    missionAE = await startMissionViewHarness('AE', ns, issuer, { logLevel: 'error' });
    statistics = await startStatisticsHarness(ns, issuer, { logLevel: 'error' });
    agencyToken = await issuer.token({ organisationId: 'ph-owwa', kind: 'agency', scopes: [Scopes.workersRead] });
    missionSAToken = await issuer.token({ organisationId: 'ph-embassy-riyadh', kind: 'mission', country: 'SA' });
    missionAEToken = await issuer.token({ organisationId: 'ph-embassy-abu-dhabi', kind: 'mission', country: 'AE' });
    statisticsToken = await issuer.token({ organisationId: 'psa-statistics', kind: 'statistics' });
  }, 180_000);
  afterAll(async () => {
    await statistics?.stop();
    await missionAE?.stop();
    await missionSA?.stop();
    await view?.stop();
    await fund?.stop();
    await registry?.stop();
  });

  async function ok<T extends { status: number; body?: Record<string, any> | undefined }>(response: Promise<T>, what: string) {
    const r = await response;
    if (r.status !== 200 && r.status !== 201) throw new Error(`${what} → ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body!;
  }

  async function report(request: Record<string, unknown>): Promise<Map<string, Map<string, any>>> {
    const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
      const response = await statistics.runtime.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${statisticsToken}` },
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      return JSON.parse(response.body) as Record<string, any>;
    };
    const job = await call('POST', '/reports', { format: 'json', source: 'kafka', ...request });
    const done = await eventually(
      () => call('GET', `/reports/${job.id}`),
      (j) => j.status === 'succeeded' || j.status === 'failed',
    );
    expect(done.status).toBe('succeeded');
    const file = await call('GET', done.result.href);
    return new Map((file.tables as any[]).map((t) => [t.id, new Map((t.observations as any[]).map((o) => [o.key.join('|'), o.value]))]));
  }

  it('a draft claim from the incident, documents, two approvals, payment and reconciliation; the explanation names the policy and each rule', async () => {
    // The fund holds money: a budget allocation into OWWA's pool.
    await ok(fund.call('POST', '/funds/PH-OWWA/allocations', { allocationId: randomUUID(), amount: php(1_000_000) }), 'allocation');

    // A worker deployed to Saudi Arabia through the registry, a member of OWWA (a contribution).
    const workerId = (await ok(registry.call('POST', '/workers', aWorker(), registry.tokens.agency), 'register')).workerId as string;
    const departedOn = daysAgo(300);
    await ok(
      registry.call(
        'POST',
        `/workers/${workerId}/departures`,
        { ...departure, departedOn, contractStart: departedOn, contractEnd: daysAgo(-400) },
        registry.tokens.agency,
      ),
      'departure',
    );
    await ok(
      fund.call('POST', `/members/${workerId}/contributions`, {
        fundId: 'PH-OWWA',
        contributionId: randomUUID(),
        amount: php(1_400),
        paidOn: daysAgo(310),
      }),
      'contribution',
    );

    // The mission in Riyadh records a death abroad, with fund assistance requested.
    const incidentOn = daysAgo(5);
    await ok(
      registry.call(
        'POST',
        `/workers/${workerId}/incidents`,
        { occurredOn: incidentOn, kind: 'death', fundAssistanceRequested: true, caseNotes: 'Died in a workplace fall; employer notified.' },
        registry.tokens.missionSA,
      ),
      'incident',
    );
    await registry.published();

    // The fund opens a draft claim by itself, listing the documents the policy requires.
    const drafts = await eventually(
      () => fund.call('GET', `/claims?workerId=${workerId}`),
      (r) => r.status === 200 && (r.body?.items?.length ?? 0) > 0,
      90_000,
    );
    const claimId = drafts.body!.items[0].claimId as string;
    const draft = await ok(fund.call('GET', `/claims/${claimId}`), 'the draft');
    expect(draft).toMatchObject({ status: 'draft', filedBy: 'welfare_incident', benefitType: 'death', destinationCountry: 'SA' });

    // Completed and documented.
    await ok(
      fund.call('POST', `/claims/${claimId}/submit`, { benefitType: 'death', grade: 'natural', claimantRelation: 'spouse' }),
      'submit',
    );
    for (const documentType of draft.documentsRequired as string[])
      await ok(
        fund.call('POST', `/claims/${claimId}/documents`, { documentType, documentId: `doc-${documentType}`, sha256: sha(documentType) }),
        `document ${documentType}`,
      );

    // Assessed against the policy version in force on the incident date: every rule, its outcome, its citation.
    const assessed = await ok(fund.call('POST', `/claims/${claimId}/assess`, {}), 'assess');
    const decision = assessed.assessment;
    expect(decision).toMatchObject({ fundId: 'PH-OWWA', policyVersion: 1, eligible: true });
    expect(decision.rules.length).toBeGreaterThan(1);
    for (const rule of decision.rules)
      expect(rule).toMatchObject({ ruleId: expect.any(String), passed: true, citation: expect.any(String) });
    const payable = decision.amount.payable as { currency: string; amountMinor: number };

    // One officer approves; above the threshold, the same officer may not approve again; another does.
    const maker = await ok(fund.call('POST', `/claims/${claimId}/approve`, { amount: payable }, fund.tokens.officerA), 'maker');
    expect(maker.status).not.toBe('approved');
    const self = await fund.call('POST', `/claims/${claimId}/approve`, { amount: payable }, fund.tokens.officerA);
    expect(self.status).toBe(422);
    const checker = await ok(fund.call('POST', `/claims/${claimId}/approve`, { amount: payable }, fund.tokens.officerB), 'checker');
    expect(checker.status).toBe('approved');

    // Disbursed once through the (local) payments provider, then reconciled by importing the provider's statement.
    const paid = await ok(
      fund.call(
        'POST',
        `/claims/${claimId}/disburse`,
        { payee: { name: 'Jose Santos', method: 'mobile-money', account: '09171234567' } },
        fund.tokens.officerA,
        { 'idempotency-key': randomUUID() },
      ),
      'disburse',
    );
    // The provider's statement names the payment by the order's reference: the fund's transfer id.
    const reference = paid.disbursement.transferId as string;
    // The provider's statement, as the local provider writes it once it has the payment.
    const provider = new LocalPaymentProvider(fund.db.pool);
    const statement = (
      await eventually(
        () => provider.statement(),
        (csv) => csv.includes(reference),
      )
    )
      .trimEnd()
      .split('\n');
    const imported = await ok(
      fund.call('POST', '/reconciliation/statements', { statementId: `stmt-${claimId}`, lines: statement }, fund.tokens.officerA, {
        'idempotency-key': randomUUID(),
      }),
      'statement import',
    );
    expect(imported).toMatchObject({ reconciledClaims: [claimId], unmatchedInStatement: [] });
    const trial = await ok(fund.call('GET', '/ledger/trial-balance'), 'trial balance');
    expect(trial.balanced).toBe(true);
    await fund.published();

    // The worker's record at the registry: the incident, with fund assistance requested.
    const record = await ok(registry.call('GET', `/workers/${workerId}`, undefined, registry.tokens.agency), 'the worker');
    expect(JSON.stringify(record)).toContain('"fundAssistanceRequested":true');

    // The agency view: the worker's claim, reconciled (the fund's own status), with the decision's policy version and rules, and no case notes.
    const profile = await eventually(
      () => view.call('GET', `/workers/${workerId}`, agencyToken),
      (r) => r.status === 200 && (r.body as any).claims?.[0]?.reconciledOn !== undefined,
      90_000,
    );
    const claim = (profile.body as any).claims[0];
    expect(claim).toMatchObject({
      claimId,
      status: 'reconciled',
      benefitType: 'death',
      filedBy: 'welfare_incident',
      destinationCountry: 'SA',
      incidentOn,
      amountApproved: payable,
      amountPaid: payable,
      decision: { policyVersion: 1, eligible: true },
    });
    expect(claim.decision.rules.map((r: { ruleId: string }) => r.ruleId)).toEqual(decision.rules.map((r: { ruleId: string }) => r.ruleId));
    expect(claim.approvals.map((a: { level: number; final: boolean }) => [a.level, a.final])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(JSON.stringify(profile.body)).not.toContain('workplace fall');

    // The mission in Saudi Arabia sees its country's claim, without case notes; the Emirates' mission sees nothing of it.
    const saClaims = await eventually(
      () => missionSA.call('GET', '/claims', missionSAToken),
      (r) =>
        r.status === 200 &&
        (r.body as any).items.some((c: { claimId: string; status: string }) => c.claimId === claimId && c.status === 'reconciled'),
      90_000,
    );
    expect((saClaims.body as any).items.find((c: { claimId: string }) => c.claimId === claimId)).toMatchObject({
      workerId,
      benefitType: 'death',
      policyVersion: 1,
      amountPaid: payable,
    });
    expect(JSON.stringify(saClaims.body)).not.toContain('workplace fall');
    await eventually(
      () => missionAE.runtime.host.status(),
      (s) => s.serving?.lag === 0,
    );
    const aeClaims = await missionAE.call('GET', '/claims', missionAEToken);
    expect(aeClaims.status).toBe(200);
    expect((aeClaims.body as any).items).toEqual([]);

    // Statistics: the claim, its approval and its payment, by sex (F), country (SA) and benefit type, over
    // the last 30 days (a range of whole days: the same test any day of the year).
    const period = `${daysAgo(30)}..${daysAgo(0)}`;
    const tables = await report({ asOf: daysAgo(0), period, report: 'fund', frequency: 'year' });
    const claims = tables.get('fund-claims')!;
    const code = [...claims.keys()][0]!.split('|').at(-1)!;
    // SEX | COUNTERPART_AREA | BENEFIT_TYPE | FUND_STEP | EDUCATION | RECRUITMENT_CHANNEL | TIME_PERIOD
    expect(claims.get(`F|SA|DEATH|CLAIMS|_T|_T|${code}`)).toBe(1);
    expect(claims.get(`F|SA|DEATH|APPROVALS|_T|_T|${code}`)).toBe(1);
    expect(claims.get(`F|SA|DEATH|DISBURSEMENTS|_T|_T|${code}`)).toBe(1);
    expect(tables.get('fund-amounts-paid')!.get(`F|SA|DEATH|PHP|_T|_T|${code}`)).toBe(payable.amountMinor / 100);
    // Paid today, five days after the death.
    expect(tables.get('fund-median-days-to-payment')!.get(`_T|_T|_T|_T|_T|${code}`)).toBe(5);
  });
});
