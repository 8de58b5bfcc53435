import { randomUUID } from 'node:crypto';
import { PH_OWWA } from '../src/policies';
import { startFundHarness, type FundHarness } from './fund.harness';
import { allocate, coveredWorker, daysAgo, deathClaim, documentedClaim, php } from './fund.story';

// Each bad input of the acceptance list is a 4xx problem with a code and the field at fault, and writes
// nothing: no event, no idempotency record, no claim row, no ledger transfer.
describe('refusals write nothing', () => {
  let h: FundHarness;
  let assessedClaim: string;
  let filedClaim: string;
  beforeAll(async () => {
    h = await startFundHarness('fund-refusals');
    await allocate(h, 'PH-OWWA', php(500_000));
    const workerId = await coveredWorker(h);
    assessedClaim = await documentedClaim(h, deathClaim(workerId));
    await h.call('POST', `/claims/${assessedClaim}/assess`, {});
    await h.call('POST', `/claims/${assessedClaim}/approve`, { amount: php(120_000) }, h.tokens.officerA);
    filedClaim = await documentedClaim(h, deathClaim(workerId));
  }, 90_000);
  afterAll(() => h?.stop());

  const refused = async (
    request: () => Promise<{ status: number; body: Record<string, any> | undefined }>,
    status: number,
    code: string,
    pointer?: string,
  ) => {
    const before = await h.counts();
    const r = await request();
    expect(r.status).toBe(status);
    expect(r.body!.code).toBe(code);
    if (pointer !== undefined) expect(r.body!.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    expect(await h.counts()).toEqual(before);
  };

  it('an unknown benefit type', () =>
    refused(
      () => h.call('POST', '/claims', deathClaim(randomUUID(), { benefitType: 'lottery_win' })),
      422,
      'fund.unknown-benefit-type',
      '/benefitType',
    ));

  it('a claim after the time limit', () =>
    refused(
      () => h.call('POST', '/claims', deathClaim(randomUUID(), { incidentOn: daysAgo(400) })),
      422,
      'fund.claim-time-limit-passed',
      '/incidentOn',
    ));

  it('an approval before the assessment', () =>
    refused(() => h.call('POST', `/claims/${filedClaim}/approve`, { amount: php(1) }, h.tokens.officerA), 422, 'fund.not-assessed'));

  it('an approval above what the policy allows', async () => {
    await h.call('POST', `/claims/${filedClaim}/assess`, {});
    await refused(
      () => h.call('POST', `/claims/${filedClaim}/approve`, { amount: php(120_001) }, h.tokens.officerA),
      422,
      'fund.amount-above-policy',
      '/amount/amountMinor',
    );
  });

  it('a self-approval', () =>
    refused(
      () => h.call('POST', `/claims/${assessedClaim}/approve`, { amount: php(120_000) }, h.tokens.officerA),
      422,
      'fund.self-approval',
      '/officerId',
    ));

  it('a disbursement of an unapproved claim', () =>
    refused(
      () =>
        h.call('POST', `/claims/${assessedClaim}/disburse`, { payee: { name: 'M', method: 'bank', account: '1' } }, h.tokens.officerA, {
          'idempotency-key': randomUUID(),
        }),
      422,
      'fund.not-approved',
    ));

  it('a policy whose amounts are inconsistent (a schedule out of order)', () => {
    const death = PH_OWWA.benefits[0]!;
    const schedule = [
      { grade: 'accidental', amount: php(200_000) },
      { grade: 'natural', amount: php(100_000) },
    ];
    return refused(
      () =>
        h.call('POST', '/policies', {
          ...PH_OWWA,
          effectiveFrom: '2030-01-01',
          benefits: [{ ...death, amount: { kind: 'schedule', schedule } }],
        }),
      422,
      'fund.policy-schedule-unordered',
      '/benefits/0/amount/schedule/1',
    );
  });

  it('a policy whose dates are inconsistent (effective before the version in force)', () =>
    refused(
      () => h.call('POST', '/policies', { ...PH_OWWA, effectiveFrom: '2010-01-01' }),
      422,
      'fund.policy-effective-backwards',
      '/effectiveFrom',
    ));

  it('a policy in a currency that is not ISO 4217', () =>
    refused(
      () => h.call('POST', '/policies', { ...PH_OWWA, effectiveFrom: '2030-01-01', currency: 'XYZ' }),
      422,
      'fund.policy-unknown-currency',
      '/currency',
    ));

  it('an unknown benefit type when a draft is completed', async () => {
    const draft = await h.call('POST', '/claims', deathClaim(randomUUID(), { draft: true }));
    expect(draft.status).toBe(201);
    await refused(
      () => h.call('POST', `/claims/${draft.body!.claimId}/submit`, { benefitType: 'lottery_win', claimantRelation: 'spouse' }),
      422,
      'fund.unknown-benefit-type',
      '/benefitType',
    );
  });

  it('a second approval above what the policy allows: nothing reserved', () =>
    refused(
      () => h.call('POST', `/claims/${assessedClaim}/approve`, { amount: php(120_001) }, h.tokens.officerB),
      422,
      'fund.amount-above-policy',
      '/amount/amountMinor',
    ));

  it('a disbursement of a claim not even assessed: nothing sent to the payments provider either', async () => {
    const workerId = await coveredWorker(h);
    const onlyFiled = await documentedClaim(h, deathClaim(workerId));
    await refused(
      () =>
        h.call(
          'POST',
          `/claims/${onlyFiled}/disburse`,
          { payee: { name: 'Maria Santos', method: 'mobile-money', account: '09171234567' } },
          h.tokens.officerA,
          { 'idempotency-key': randomUUID() },
        ),
      422,
      'fund.not-approved',
    );
  });

  it('a policy whose amounts are inconsistent (an amount in another currency than the policy’s)', () => {
    const death = PH_OWWA.benefits[0]!;
    return refused(
      () =>
        h.call('POST', '/policies', {
          ...PH_OWWA,
          effectiveFrom: '2030-01-01',
          benefits: [{ ...death, secondApprovalAbove: { currency: 'USD', amountMinor: 100 } }],
        }),
      422,
      'fund.policy-currency-mismatch',
      '/benefits/0/secondApprovalAbove',
    );
  });

  it('a policy whose amounts are inconsistent (a fixed amount of nothing)', () => {
    const death = PH_OWWA.benefits[0]!;
    return refused(
      () =>
        h.call('POST', '/policies', {
          ...PH_OWWA,
          effectiveFrom: '2030-01-01',
          benefits: [{ ...death, amount: { kind: 'fixed', fixed: php(0) } }],
        }),
      422,
      'fund.policy-amount-not-positive',
      '/benefits/0/amount/fixed/amountMinor',
    );
  });

  it('a policy whose dates are inconsistent (a new fund’s first version effective before the earliest date)', () =>
    refused(
      () => h.call('POST', '/policies', { ...PH_OWWA, fundId: 'PH-NEWFUND', effectiveFrom: '1900-01-01' }),
      422,
      'fund.date-before-earliest',
      '/effectiveFrom',
    ));

  it('publishes a consistent next version, which applies to incidents from its effective date', async () => {
    const next = await h.call('POST', '/policies', { ...PH_OWWA, effectiveFrom: '2030-01-01' });
    expect(next.status).toBe(201);
    expect(next.body).toMatchObject({ fundId: 'PH-OWWA', version: 2, effectiveFrom: '2030-01-01' });
    const versions = await h.call('GET', '/policies/PH-OWWA');
    expect(versions.body!.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
  });
});
