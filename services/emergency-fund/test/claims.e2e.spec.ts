import { randomUUID } from 'node:crypto';
import { LocalPaymentProvider } from '@homeward/payments/local-provider';
import { eventually } from '@homeward/testing/infrastructure';
import { startFundHarness, type FundHarness } from './fund.harness';
import {
  OWWA_DEATH_DOCUMENTS,
  allocate,
  coveredWorker,
  daysAgo,
  deathAbroad,
  deathClaim,
  departed,
  documentedClaim,
  php,
  publishRegistration,
  sha,
} from './fund.story';

describe('a claim from filing to payment, on the real PostgreSQL and Kafka', () => {
  let h: FundHarness;
  beforeAll(async () => {
    h = await startFundHarness('fund-claims');
    await allocate(h, 'PH-OWWA', php(1_000_000));
  }, 90_000);
  afterAll(() => h?.stop());

  const balanced = async () => {
    const trial = await h.call('GET', '/ledger/trial-balance');
    expect(trial.status).toBe(200);
    expect(trial.body!.balanced).toBe(true);
    expect(trial.body!.totalDebits).toBe(trial.body!.totalCredits);
    return trial.body!;
  };
  const account = (trial: Record<string, any>, id: string) => trial.accounts.find((a: { id: string }) => a.id === id);

  it('is assessed and explained, approved by a maker and another officer, reserved, paid once, reconciled and closed', async () => {
    const workerId = await coveredWorker(h);
    const claimId = await documentedClaim(h, deathClaim(workerId));

    const assessed = await h.call('POST', `/claims/${claimId}/assess`, {});
    expect(assessed.status).toBe(200);
    const a = assessed.body!.assessment;
    expect(a).toMatchObject({ fundId: 'PH-OWWA', policyVersion: 1, eligible: true, humanitarian: false });
    expect(a.rules.map((r: { ruleId: string }) => r.ruleId)).toContain('covered-on-incident-date');
    expect(a.rules.every((r: { passed: boolean; citation: string }) => r.passed && r.citation !== '')).toBe(true);
    expect(a.amount.payable).toEqual(php(120_000));
    expect(a.amount.steps).toEqual(['schedule grade "natural" = PHP 10000000', '+ burial PHP 2000000 = PHP 12000000']);

    const maker = await h.call('POST', `/claims/${claimId}/approve`, { amount: php(120_000) }, h.tokens.officerA);
    expect(maker.status).toBe(200);
    expect(maker.body!.status).toBe('assessed');
    expect(maker.body!.approvals).toEqual([{ officerId: 'ph-owwa/officer-a', level: 1, amount: php(120_000), final: false }]);

    const self = await h.call('POST', `/claims/${claimId}/approve`, { amount: php(120_000) }, h.tokens.officerA);
    expect(self.status).toBe(422);
    expect(self.body!.code).toBe('fund.self-approval');

    const checker = await h.call('POST', `/claims/${claimId}/approve`, { amount: php(120_000) }, h.tokens.officerB);
    expect(checker.status).toBe(200);
    expect(checker.body!.status).toBe('approved');
    expect(checker.body!.reservation).toEqual({
      pendingTransferId: `claim:${claimId}:reserve:1`,
      amount: php(120_000),
      state: 'pending',
      reservedOn: new Date().toISOString().slice(0, 10),
    });
    let trial = await balanced();
    expect(account(trial, `claim:${claimId}`).creditsPending).toBe('12000000');

    const pay = { payee: { name: 'Maria Santos', method: 'mobile-money', account: '09171234567' } };
    const noKey = await h.call('POST', `/claims/${claimId}/disburse`, pay);
    expect(noKey.status).toBe(400);
    const key = { 'idempotency-key': randomUUID() };
    const paid = await h.call('POST', `/claims/${claimId}/disburse`, pay, h.tokens.officerA, key);
    expect(paid.status).toBe(200);
    expect(paid.body!.status).toBe('disbursed');
    const retried = await h.call('POST', `/claims/${claimId}/disburse`, pay, h.tokens.officerA, key);
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual(paid.body);
    const reused = await h.call(
      'POST',
      `/claims/${claimId}/disburse`,
      { payee: { ...pay.payee, account: '09170000000' } },
      h.tokens.officerA,
      key,
    );
    expect(reused.status).toBe(422);
    expect(reused.body!.code).toBe('idempotency.key-reused');
    const twice = await h.call('POST', `/claims/${claimId}/disburse`, pay, h.tokens.officerA, { 'idempotency-key': randomUUID() });
    expect(twice.status).toBe(409);
    expect(twice.body!.code).toBe('fund.already-disbursed');
    trial = await balanced();
    expect(account(trial, `claim:${claimId}`)).toMatchObject({ creditsPosted: '12000000', creditsPending: '0' });

    expect(paid.body!.disbursement).toMatchObject({ provider: 'local', transferId: `claim:${claimId}:payment`, amount: php(120_000) });
    expect(paid.body!.disbursement.providerReference).toMatch(/^local-/);

    // The provider's statement, imported: the claim's payment matches and the claim is reconciled; twice changes nothing.
    const csv = await new LocalPaymentProvider(h.db.pool).statement();
    const imported = await h.call('POST', '/reconciliation/statements', { statementId: 'stmt-1', lines: csv.trimEnd().split('\n') });
    expect(imported.status).toBe(200);
    expect(imported.body!.reconciledClaims).toContain(claimId);
    expect(imported.body!.unmatchedInStatement).toEqual([]);
    const again = await h.call('POST', '/reconciliation/statements', { statementId: 'stmt-1', lines: csv.trimEnd().split('\n') });
    expect(again.body).toMatchObject({ linesImported: 0, reconciledClaims: [] });
    expect((await h.call('GET', `/claims/${claimId}`)).body!.status).toBe('reconciled');
    const closed = await h.call('POST', `/claims/${claimId}/close`, {});
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', outcome: 'paid' });
  });

  it('records a payment made outside the service, and reconciles it by its reference', async () => {
    const workerId = await coveredWorker(h);
    const claimId = await documentedClaim(h, deathClaim(workerId));
    await h.call('POST', `/claims/${claimId}/assess`, {});
    expect((await h.call('POST', `/claims/${claimId}/approve`, { amount: php(30_000) }, h.tokens.officerA)).body!.status).toBe('approved');
    const key = () => ({ 'idempotency-key': randomUUID() });
    const payee = { name: 'Ana Reyes', method: 'bank', account: 'PH12 0000 1111' };
    const both = await h.call(
      'POST',
      `/claims/${claimId}/disburse`,
      { payee, provider: 'bank-x', providerReference: 'BX-1' },
      h.tokens.officerA,
      key(),
    );
    expect(both.status).toBe(400);
    expect(both.body!.code).toBe('validation.disbursement-mode');
    const neither = await h.call('POST', `/claims/${claimId}/disburse`, {}, h.tokens.officerA, key());
    expect(neither.status).toBe(400);
    const paid = await h.call(
      'POST',
      `/claims/${claimId}/disburse`,
      { provider: 'bank-x', providerReference: 'BX-1' },
      h.tokens.officerA,
      key(),
    );
    expect(paid.status).toBe(200);
    expect(paid.body!.disbursement).toMatchObject({ provider: 'bank-x', providerReference: 'BX-1', amount: php(30_000) });
    const wrong = await h.call('POST', `/claims/${claimId}/reconcile`, {
      provider: 'bank-x',
      providerReference: 'BX-1',
      amount: php(30_001),
      statementId: 's',
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body!.code).toBe('fund.reconciliation-mismatch');
    const reconciled = await h.call('POST', `/claims/${claimId}/reconcile`, {
      provider: 'bank-x',
      providerReference: 'BX-1',
      amount: php(30_000),
      statementId: 's',
    });
    expect(reconciled.body!.status).toBe('reconciled');
    await balanced();
  });

  it('releases the reservation when an approved claim is cancelled, in the same transaction', async () => {
    const workerId = await coveredWorker(h);
    const claimId = await documentedClaim(h, deathClaim(workerId));
    await h.call('POST', `/claims/${claimId}/assess`, {});
    await h.call('POST', `/claims/${claimId}/approve`, { amount: php(40_000) }, h.tokens.officerA);
    const cancelled = await h.call('POST', `/claims/${claimId}/cancel`, {}, h.tokens.officerB);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'closed', outcome: 'withdrawn', reservation: { state: 'voided' } });
    const trial = await balanced();
    expect(account(trial, `claim:${claimId}`)).toMatchObject({ creditsPosted: '0', creditsPending: '0' });
  });

  it('refuses a reservation the fund cannot cover (fund.insufficient-funds), writing nothing', async () => {
    const workerId = randomUUID();
    await h.knowCycle(workerId, { cycleNumber: 1, destinationCountry: 'SA', departedOn: daysAgo(100) });
    const paid = await h.call('POST', `/members/${workerId}/contributions`, {
      fundId: 'NP-FEWF',
      contributionId: randomUUID(),
      amount: { currency: 'NPR', amountMinor: 150_000 },
      paidOn: daysAgo(120),
    });
    expect(paid.status).toBe(201);
    const claimId = await documentedClaim(h, { ...deathClaim(workerId), fundId: 'NP-FEWF', grade: undefined });
    const assessed = await h.call('POST', `/claims/${claimId}/assess`, {});
    expect(assessed.body!.assessment.eligible).toBe(true);
    // NPR 700,000 needs two officers; the pool holds only the NPR 1,500 contribution.
    await h.call('POST', `/claims/${claimId}/approve`, { amount: { currency: 'NPR', amountMinor: 70_000_000 } }, h.tokens.officerA);
    const before = await h.counts();
    const refused = await h.call(
      'POST',
      `/claims/${claimId}/approve`,
      { amount: { currency: 'NPR', amountMinor: 70_000_000 } },
      h.tokens.officerB,
    );
    expect(refused.status).toBe(422);
    expect(refused.body!.code).toBe('fund.insufficient-funds');
    expect(await h.counts()).toEqual(before);
    await balanced();
  });

  it('refuses an allocation into a fund without a policy (fund.unknown-fund)', async () => {
    const r = await h.call('POST', '/funds/XX-NONE/allocations', { allocationId: 'a1', amount: php(1) });
    expect(r.status).toBe(422);
    expect(r.body!.code).toBe('fund.unknown-fund');
  });

  it('takes a lapsed membership down the humanitarian path only with its scope and a reason, and says so', async () => {
    const workerId = randomUUID();
    await h.knowCycle(workerId, { cycleNumber: 1, destinationCountry: 'SA', departedOn: daysAgo(900) });
    const claimId = await documentedClaim(h, deathClaim(workerId));
    const lapsed = await h.call('POST', `/claims/${claimId}/assess`, {});
    expect(lapsed.body!.assessment).toMatchObject({ eligible: false, reasonCodes: ['fund.reason.not-covered'] });
    const noScope = await h.call('POST', `/claims/${claimId}/assess`, { humanitarianReason: 'widow with three children' }, h.tokens.clerk);
    expect(noScope.status).toBe(403);
    const humane = await h.call(
      'POST',
      `/claims/${claimId}/assess`,
      { humanitarianReason: 'widow with three children' },
      h.tokens.officerB,
    );
    expect(humane.status).toBe(200);
    expect(humane.body!.assessment).toMatchObject({
      eligible: true,
      humanitarian: true,
      humanitarianReason: 'widow with three children',
      decisionNumber: 2,
    });
  });

  it('decides an appeal anew, by officers who took no part in the decision appealed', async () => {
    const workerId = randomUUID();
    await h.knowCycle(workerId, { cycleNumber: 1, destinationCountry: 'SA', departedOn: daysAgo(900) });
    const claimId = await documentedClaim(h, deathClaim(workerId));
    expect((await h.call('POST', `/claims/${claimId}/assess`, {}, h.tokens.officerA)).body!.assessment.eligible).toBe(false);
    const rejected = await h.call('POST', `/claims/${claimId}/reject`, { reasonCodes: ['fund.reason.not-covered'] }, h.tokens.officerA);
    expect(rejected.body).toMatchObject({ status: 'rejected', rejection: { officerId: 'ph-owwa/officer-a' } });
    const appealed = await h.call(
      'POST',
      `/claims/${claimId}/appeal`,
      { grounds: 'the contribution was paid at the embassy' },
      h.tokens.clerk,
    );
    expect(appealed.body!.status).toBe('appealed');
    const same = await h.call('POST', `/claims/${claimId}/assess`, {}, h.tokens.officerA);
    expect(same.status).toBe(422);
    expect(same.body!.code).toBe('fund.appeal-same-officer');
    const anew = await h.call(
      'POST',
      `/claims/${claimId}/assess`,
      { humanitarianReason: 'contribution receipt from the embassy' },
      h.tokens.officerB,
    );
    expect(anew.status).toBe(200);
    expect(anew.body!.assessment).toMatchObject({ eligible: true, decisionNumber: 2, assessedBy: 'ph-owwa/officer-b' });
  });

  it('opens a draft claim by itself from a death abroad with fund assistance requested — once, however often the event comes', async () => {
    const workerId = randomUUID();
    const [, incidentEventId] = await publishRegistration(h.config.TOPIC_NAMESPACE, workerId, [
      { on: daysAgo(300), event: departed(workerId, 1, daysAgo(300)) },
      { on: daysAgo(5), event: deathAbroad(workerId, 1, daysAgo(5)) },
    ]);
    const draft = await eventually(
      () => h.call('GET', `/claims/incident-${incidentEventId}`),
      (r) => r.status === 200,
      // The consumer joins its group on the shared Kafka first: seconds, more when other runs rebalance.
      120_000,
    );
    expect(draft.body).toMatchObject({
      status: 'draft',
      filedBy: 'welfare_incident',
      benefitType: 'death',
      destinationCountry: 'SA',
      sourceEventId: incidentEventId,
      documentsRequired: OWWA_DEATH_DOCUMENTS,
    });
    // Delivered again (a redelivery): still one claim.
    await publishRegistration(h.config.TOPIC_NAMESPACE, workerId, [
      { on: daysAgo(5), event: deathAbroad(workerId, 1, daysAgo(5)), eventId: incidentEventId! },
    ]);
    await h.published();
    const { rows } = await h.db.pool.query(`SELECT count(*)::int AS n FROM claims WHERE worker_id = $1`, [workerId]);
    expect(rows[0].n).toBe(1);
    const submitted = await h.call('POST', `/claims/incident-${incidentEventId}/submit`, {
      benefitType: 'death',
      grade: 'accidental',
      claimantRelation: 'spouse',
    });
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'filed', grade: 'accidental' });
    const doc = await h.call('POST', `/claims/incident-${incidentEventId}/documents`, {
      documentType: 'death-certificate',
      documentId: 'd',
      sha256: sha('d'),
    });
    expect(doc.status).toBe(200);
  }, 180_000);

  it('keeps the payee sealed with the worker’s key: erasure shreds it in every table, and the payment still reconciles by reference', async () => {
    const workerId = await coveredWorker(h);
    const claimId = await documentedClaim(h, deathClaim(workerId));
    await h.call('POST', `/claims/${claimId}/assess`, {});
    expect((await h.call('POST', `/claims/${claimId}/approve`, { amount: php(25_000) }, h.tokens.officerA)).body!.status).toBe('approved');
    const payee = { name: 'Rosalinda Bagumbayan', method: 'mobile-money', account: '09175550199' };
    const paid = await h.call('POST', `/claims/${claimId}/disburse`, { payee }, h.tokens.officerA, { 'idempotency-key': randomUUID() });
    expect(paid.status).toBe(200);
    // A second claim of the worker, approved now and paid only after the erasure.
    const later = await documentedClaim(h, deathClaim(workerId));
    await h.call('POST', `/claims/${later}/assess`, {});
    expect((await h.call('POST', `/claims/${later}/approve`, { amount: php(10_000) }, h.tokens.officerA)).body!.status).toBe('approved');

    // Every row of every table of the service's database, as text (the events are what the relay puts on the
    // fund topic): the payee is nowhere in the clear, not even before erasure.
    const tablesMentioning = async (...needles: string[]) => {
      const { rows: tables } = await h.db.pool.query<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
      );
      expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['events', 'payments_outgoing', 'local_provider_payments']));
      const found: string[] = [];
      for (const { name } of tables) {
        const { rows } = await h.db.pool.query<{ text: string }>(`SELECT coalesce(string_agg(t::text, '|'), '') AS text FROM "${name}" t`);
        if (needles.some((n) => rows[0]!.text.includes(n))) found.push(name);
      }
      return found;
    };
    expect(await tablesMentioning('Bagumbayan', '09175550199')).toEqual([]);
    const { rows: order } = await h.db.pool.query('SELECT payee_subject, payee_sealed FROM payments_outgoing WHERE reference = $1', [
      `claim:${claimId}:payment`,
    ]);
    expect(order[0]).toEqual({ payee_subject: workerId, payee_sealed: expect.objectContaining({ keyId: expect.any(String) }) });

    await publishRegistration(h.config.TOPIC_NAMESPACE, workerId, [
      { on: daysAgo(0), event: { case: 'personalDataErased', value: { workerId, erasedOn: daysAgo(0), basis: 1 } } },
    ]);
    await eventually(
      () => h.db.pool.query<{ erased: boolean }>('SELECT wrapped_key IS NULL AS erased FROM data_keys WHERE subject_id = $1', [workerId]),
      (r) => r.rows[0]?.erased === true,
      120_000,
    );
    // The seal stays, its key is gone: nothing can open it; the ledger keeps the pseudonymous claim.
    expect(await tablesMentioning('Bagumbayan', '09175550199')).toEqual([]);
    // A payment after the erasure is still made; no payee is kept for it.
    const afterwards = await h.call('POST', `/claims/${later}/disburse`, { payee }, h.tokens.officerA, { 'idempotency-key': randomUUID() });
    expect(afterwards.status).toBe(200);
    expect(afterwards.body!.status).toBe('disbursed');
    const { rows: kept } = await h.db.pool.query('SELECT payee_subject, payee_sealed FROM payments_outgoing WHERE reference = $1', [
      `claim:${later}:payment`,
    ]);
    expect(kept[0]).toEqual({ payee_subject: workerId, payee_sealed: null });
    expect(await tablesMentioning('Bagumbayan', '09175550199')).toEqual([]);
    const trial = await balanced();
    expect(account(trial, `claim:${claimId}`)).toMatchObject({ creditsPosted: '2500000' });

    const csv = await new LocalPaymentProvider(h.db.pool).statement();
    const imported = await h.call('POST', '/reconciliation/statements', { statementId: 'after-erasure', lines: csv.trimEnd().split('\n') });
    expect(imported.status).toBe(200);
    expect(imported.body!.reconciledClaims).toEqual(expect.arrayContaining([claimId, later]));
    expect((await h.call('GET', `/claims/${claimId}`)).body!.status).toBe('reconciled');
  }, 180_000);
});
