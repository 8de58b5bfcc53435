import { migrate } from '@homeward/pg-kit/migrations';
import { createTestDatabase, type TestDatabase } from '@homeward/testing/infrastructure';
import { Payments, PAYMENTS_OWNER, paymentsMigrations, PaymentsError } from '@homeward/payments';
import { LOCAL_PROVIDER_OWNER, LocalPaymentProvider, localProviderMigrations } from '@homeward/payments/local-provider';

describe('payments out and their reconciliation', () => {
  let db: TestDatabase;
  let provider: LocalPaymentProvider;
  let payments: Payments;
  const payee = { name: 'Maria Santos', method: 'mobile-money' as const, account: '+639171234567' };
  beforeAll(async () => {
    db = await createTestDatabase('payments');
    await migrate(db.pool, PAYMENTS_OWNER, paymentsMigrations);
    await migrate(db.pool, LOCAL_PROVIDER_OWNER, localProviderMigrations);
    provider = new LocalPaymentProvider(db.pool);
    payments = new Payments(db.pool, provider);
  });
  afterAll(() => db.drop());

  const count = async (table: string) => Number((await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);

  describe('sending', () => {
    it('pays once when a disbursement is sent twice, and refuses its reference for another payment', async () => {
      const first = await payments.send({ reference: 'disb-1', payee, amountMinor: 10_000_000n, currency: 'PHP' });
      const again = await payments.send({ reference: 'disb-1', payee, amountMinor: 10_000_000n, currency: 'PHP' });
      expect(again).toEqual(first);
      expect(await count('local_provider_payments')).toBe(1);
      await expect(payments.send({ reference: 'disb-1', payee, amountMinor: 10_000_001n, currency: 'PHP' })).rejects.toMatchObject({
        code: 'reference-reused',
        field: 'reference',
      });
      await expect(
        provider.send({ reference: 'disb-1', payee: { ...payee, account: 'other' }, amountMinor: 10_000_000n, currency: 'PHP' }),
      ).rejects.toBeInstanceOf(PaymentsError);
    });

    it('refuses an unknown currency and a non-positive amount, writing nothing', async () => {
      await expect(payments.send({ reference: 'bad-1', payee, amountMinor: 1n, currency: 'PHX' })).rejects.toMatchObject({
        code: 'currency-unknown',
      });
      await expect(payments.send({ reference: 'bad-2', payee, amountMinor: 0n, currency: 'PHP' })).rejects.toMatchObject({
        code: 'amount-not-positive',
      });
      expect(await count('payments_outgoing')).toBe(1);
    });
  });

  describe('reconciliation', () => {
    it('matches the provider statement to the disbursements, and importing it again changes nothing', async () => {
      await payments.send({ reference: 'disb-2', payee, amountMinor: 2_000_050n, currency: 'PHP' });
      await payments.send({ reference: 'disb-3', payee, amountMinor: 700_000_00n, currency: 'NPR' });
      const statement = await provider.statement({ failed: ['disb-3'] });
      expect(statement).toMatch(/^date,reference,amount,currency,status\n/);
      expect(statement).toContain(',disb-2,20000.50,PHP,settled');
      const report = await payments.importStatement(statement, 'local-2026-12-06');
      expect(report.linesImported).toBe(3);
      expect(report.matched.map((m) => m.reference)).toEqual(['disb-1', 'disb-2']);
      expect(report.failed).toEqual([expect.objectContaining({ reference: 'disb-3', status: 'failed' })]);
      expect(report.unmatchedPayments.map((p) => p.reference)).toEqual(['disb-3']);
      const lines = await count('payments_statement_lines');
      const twice = await payments.importStatement(statement, 'local-2026-12-06');
      expect(twice.linesImported).toBe(0);
      expect(await count('payments_statement_lines')).toBe(lines);
      expect({ ...twice, linesImported: 3 }).toEqual(report);
    });

    it('reports lines that are no disbursement, amounts that differ and a payment settled twice, and skips lines an overlapping statement repeats', async () => {
      const today = new Date().toISOString().slice(0, 10);
      const report = await payments.importStatement(
        [
          'date,reference,amount,currency,status',
          `${today},stranger,5.00,PHP,settled`,
          `${today},disb-2,20000.49,PHP,settled`,
          `${today},disb-1,100000.00,PHP,settled`,
        ].join('\n'),
        'bank-export',
      );
      expect(report.unmatchedInStatement).toEqual([expect.objectContaining({ reference: 'stranger', amountMinor: 500n })]);
      expect(report.amountMismatches).toEqual([
        { reference: 'disb-2', expectedMinor: 2_000_050n, expectedCurrency: 'PHP', statedMinor: 2_000_049n, statedCurrency: 'PHP' },
      ]);
      // disb-2 is now settled twice (for the right and for a wrong amount); disb-1's line is the very line of
      // the first statement (an overlapping export), recognised and not counted again.
      expect(report.linesImported).toBe(2);
      expect(report.paidMoreThanOnce).toEqual([{ reference: 'disb-2', times: 2 }]);
    });

    it.each([
      ['date,reference,amount,currency,status\n2026-02-30,x,1.00,PHP,settled', 'lines[2].date'],
      ['date,reference,amount,currency,status\n2026-02-03,x,1.001,PHP,settled', 'lines[2].amount'],
      ['date,reference,amount,currency,status\n2026-02-03,x,1.00,PHX,settled', 'lines[2].currency'],
      ['date,reference,amount,currency,status\n2026-02-03,x,1.00,PHP,settled\n2026-02-03,y,1.00,PHP,lost', 'lines[3].status'],
      ['date,reference,amount,currency,status\n2026-02-03,"x,1.00,PHP,settled', 'statement'],
    ])('refuses a malformed statement whole, naming the field (%#)', async (csv, field) => {
      const before = await count('payments_statement_lines');
      await expect(payments.importStatement(csv, 'bad')).rejects.toMatchObject({ code: 'statement-invalid', field });
      expect(await count('payments_statement_lines')).toBe(before);
    });
  });
});
