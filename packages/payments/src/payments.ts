import { createHash } from 'node:crypto';
import { currency as knownCurrency } from '@homeward/classifications/currencies';
import { withTransaction, type Pool } from '@homeward/pg-kit';
import type { Migration } from '@homeward/pg-kit/migrations';
import { parse } from 'csv-parse/sync';

/** Who is paid and how. The fund keeps only what the provider needs; the ledger keeps only the pseudonymous claim. */
export interface Payee {
  readonly name: string;
  readonly method: 'bank' | 'mobile-money';
  /** An account number, an IBAN or a mobile wallet number. */
  readonly account: string;
}

/** A payment out; `reference` is the disbursement's id, the idempotency key all the way to the provider. */
export interface PaymentOrder {
  readonly reference: string;
  readonly payee: Payee;
  readonly amountMinor: bigint;
  readonly currency: string;
}

export interface PaymentReceipt {
  readonly reference: string;
  readonly providerPaymentId: string;
}

/**
 * The port to a bank or a mobile-money provider. `send` must be idempotent by `reference`: the same order
 * again answers the first receipt and pays nothing more; another order under the same reference is refused
 * with a `PaymentsError('reference-reused')`.
 */
export interface PaymentProvider {
  readonly name: string;
  send(order: PaymentOrder): Promise<PaymentReceipt>;
}

/**
 * How the payee is kept at rest: sealed with the key of the person the payment is for (in the fund, the
 * worker's key in the service's PersonalDataVault), so that erasing that person shreds the payee here too.
 * `open` answers undefined once the person is erased.
 */
export interface PayeeSealer {
  /** Undefined when the person is erased already: the payment is still sent, and no payee is kept. */
  seal(subjectId: string, payee: Payee): Promise<SealedPayee | undefined>;
  open(subjectId: string, sealed: SealedPayee): Promise<Payee | undefined>;
}

/** A sealed payee as stored (JSON): which key, the nonce and the ciphertext, base64. */
export interface SealedPayee {
  readonly keyId: string;
  readonly nonce: string;
  readonly ciphertext: string;
}

export type PaymentsErrorCode = 'reference-reused' | 'currency-unknown' | 'amount-not-positive' | 'statement-invalid';

/** A refusal with a stable code and the field at fault (for RFC 9457 problems at the edge). */
export class PaymentsError extends Error {
  constructor(
    readonly code: PaymentsErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'PaymentsError';
  }
}

export const PAYMENTS_OWNER = 'payments';

/** Payments sent, and the provider's statement lines imported (each line once, whatever statement repeats it). */
export const paymentsMigrations: Migration[] = [
  {
    id: '0001_payments',
    sql: `
CREATE TABLE payments_outgoing (
  reference text PRIMARY KEY,
  payee jsonb NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  currency text NOT NULL,
  provider text NOT NULL,
  provider_payment_id text,
  requested_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE payments_statement_lines (
  line_key text PRIMARY KEY,
  source text NOT NULL,
  line_number int NOT NULL,
  value_date date NOT NULL,
  reference text NOT NULL,
  amount bigint NOT NULL,
  currency text NOT NULL,
  status text NOT NULL CHECK (status IN ('settled', 'failed', 'returned', 'pending')),
  imported_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_statement_lines_reference ON payments_statement_lines (reference);
`,
  },
  {
    // The payee is no longer kept in the clear: sealed with the key of the person the payment is for
    // (payee_subject, a pseudonymous id), so that erasure shreds it. Payees written in the clear before this
    // migration are dropped (the provider holds them on its side; the reconciliation matches by reference).
    id: '0002_payee_sealed',
    sql: `
ALTER TABLE payments_outgoing DROP COLUMN payee;
ALTER TABLE payments_outgoing ADD COLUMN payee_subject text, ADD COLUMN payee_sealed jsonb;
`,
  },
];

export interface StatementLine {
  readonly lineNumber: number;
  readonly date: string;
  readonly reference: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly status: 'settled' | 'failed' | 'returned' | 'pending';
}

export interface ReconciliationReport {
  /** Lines this import added (0 when the statement was imported before). */
  readonly linesImported: number;
  /** Settled lines whose reference and amount match a payment sent. */
  readonly matched: { reference: string; amountMinor: bigint; currency: string; date: string }[];
  /** Settled lines of a payment sent, for another amount or currency. */
  readonly amountMismatches: {
    reference: string;
    expectedMinor: bigint;
    expectedCurrency: string;
    statedMinor: bigint;
    statedCurrency: string;
  }[];
  /** Lines whose reference is no payment we sent. */
  readonly unmatchedInStatement: { reference: string; amountMinor: bigint; currency: string; date: string; status: string }[];
  /** Payments sent that no statement shows settled yet. */
  readonly unmatchedPayments: { reference: string; amountMinor: bigint; currency: string }[];
  /** Payments the provider reports failed or returned. */
  readonly failed: { reference: string; status: string; date: string }[];
  /** References settled more than once: paid twice by the provider. */
  readonly paidMoreThanOnce: { reference: string; times: number }[];
}

const STATUSES = new Set(['settled', 'failed', 'returned', 'pending']);

/**
 * Payments out and their reconciliation, on PostgreSQL. `send` records the order first (so a payment
 * the provider took is never unknown to us), then calls the provider, both idempotent by reference.
 */
export class Payments {
  constructor(
    private readonly pool: Pool,
    private readonly provider: PaymentProvider,
    private readonly sealer: PayeeSealer,
  ) {}

  /**
   * Sends `order`; its payee is stored sealed with `subjectId`'s key (the person the payment is for, by a
   * pseudonymous id). The same order again answers the first receipt; another amount, currency or payee under
   * the reference is refused — the payee compared only while it can be opened (after erasure, the amount and
   * currency).
   */
  async send(order: PaymentOrder, subjectId: string): Promise<PaymentReceipt> {
    validateOrder(order);
    const sealed = await this.sealer.seal(subjectId, order.payee);
    const inserted = await this.pool.query(
      `INSERT INTO payments_outgoing (reference, payee_subject, payee_sealed, amount, currency, provider) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (reference) DO NOTHING`,
      [
        order.reference,
        subjectId,
        sealed ? JSON.stringify(sealed) : null,
        order.amountMinor.toString(),
        order.currency,
        this.provider.name,
      ],
    );
    if (inserted.rowCount === 0) {
      const { rows } = await this.pool.query<{
        payee_subject: string | null;
        payee_sealed: SealedPayee | null;
        amount: string;
        currency: string;
      }>('SELECT payee_subject, payee_sealed, amount::text, currency FROM payments_outgoing WHERE reference = $1', [order.reference]);
      const existing = rows[0]!;
      const payee =
        existing.payee_subject !== null && existing.payee_sealed !== null
          ? await this.sealer.open(existing.payee_subject, existing.payee_sealed)
          : undefined;
      if (
        existing.amount !== order.amountMinor.toString() ||
        existing.currency !== order.currency ||
        (existing.payee_subject !== null && existing.payee_subject !== subjectId) ||
        (payee !== undefined && canonical(payee) !== canonical(order.payee))
      ) {
        throw new PaymentsError(
          'reference-reused',
          `payment ${order.reference} was sent with another payee, amount or currency`,
          'reference',
        );
      }
    }
    const receipt = await this.provider.send(order);
    await this.pool.query('UPDATE payments_outgoing SET provider_payment_id = $2 WHERE reference = $1', [
      order.reference,
      receipt.providerPaymentId,
    ]);
    return receipt;
  }

  /**
   * Imports a provider's statement (CSV with a header: date, reference, amount, currency, status; amounts in
   * major units with the currency's decimals) and answers the reconciliation after it. A line already
   * imported — from this statement or an overlapping one — is not imported again, so importing the same
   * statement twice changes nothing. A malformed statement is refused whole, naming the line and field.
   */
  async importStatement(csv: string, source: string): Promise<ReconciliationReport> {
    const lines = parseStatement(csv);
    const seen = new Map<string, number>();
    const keyed = lines.map((line) => {
      const content = [line.date, line.reference, line.amountMinor.toString(), line.currency, line.status].join('|');
      const occurrence = (seen.get(content) ?? 0) + 1;
      seen.set(content, occurrence);
      return { ...line, key: createHash('sha256').update(`${content}#${occurrence}`).digest('hex') };
    });
    const linesImported = await withTransaction(this.pool, async (client) => {
      if (keyed.length === 0) return 0;
      const result = await client.query(
        `INSERT INTO payments_statement_lines (line_key, source, line_number, value_date, reference, amount, currency, status)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS l(key text, source text, line_number int, date date, reference text, amount bigint, currency text, status text)
         ON CONFLICT (line_key) DO NOTHING`,
        [
          JSON.stringify(
            keyed.map((l) => ({
              key: l.key,
              source,
              line_number: l.lineNumber,
              date: l.date,
              reference: l.reference,
              amount: l.amountMinor.toString(),
              currency: l.currency,
              status: l.status,
            })),
          ),
        ],
      );
      return result.rowCount ?? 0;
    });
    return { linesImported, ...(await this.reconciliation()) };
  }

  /** The reconciliation of every payment sent with every statement line imported, as it stands. */
  async reconciliation(): Promise<Omit<ReconciliationReport, 'linesImported'>> {
    type Line = {
      reference: string;
      amount: string;
      currency: string;
      date: string;
      status: string;
      p_amount: string | null;
      p_currency: string | null;
    };
    const { rows: lines } = await this.pool.query<Line>(
      `SELECT l.reference, l.amount::text, l.currency, to_char(l.value_date, 'YYYY-MM-DD') AS date, l.status,
              p.amount::text AS p_amount, p.currency AS p_currency
         FROM payments_statement_lines l LEFT JOIN payments_outgoing p ON p.reference = l.reference
        ORDER BY l.value_date, l.reference, l.line_key`,
    );
    const { rows: payments } = await this.pool.query<{ reference: string; amount: string; currency: string }>(
      'SELECT reference, amount::text, currency FROM payments_outgoing ORDER BY reference',
    );
    const report: Omit<ReconciliationReport, 'linesImported'> = {
      matched: [],
      amountMismatches: [],
      unmatchedInStatement: [],
      unmatchedPayments: [],
      failed: [],
      paidMoreThanOnce: [],
    };
    const settled = new Map<string, number>();
    for (const line of lines) {
      if (line.p_amount === null) {
        report.unmatchedInStatement.push({
          reference: line.reference,
          amountMinor: BigInt(line.amount),
          currency: line.currency,
          date: line.date,
          status: line.status,
        });
      } else if (line.status === 'failed' || line.status === 'returned') {
        report.failed.push({ reference: line.reference, status: line.status, date: line.date });
      } else if (line.status === 'settled') {
        settled.set(line.reference, (settled.get(line.reference) ?? 0) + 1);
        if (line.p_amount === line.amount && line.p_currency === line.currency) {
          report.matched.push({ reference: line.reference, amountMinor: BigInt(line.amount), currency: line.currency, date: line.date });
        } else {
          report.amountMismatches.push({
            reference: line.reference,
            expectedMinor: BigInt(line.p_amount),
            expectedCurrency: line.p_currency!,
            statedMinor: BigInt(line.amount),
            statedCurrency: line.currency,
          });
        }
      }
    }
    for (const payment of payments) {
      if (!settled.has(payment.reference))
        report.unmatchedPayments.push({ reference: payment.reference, amountMinor: BigInt(payment.amount), currency: payment.currency });
    }
    for (const [reference, times] of settled) if (times > 1) report.paidMoreThanOnce.push({ reference, times });
    return report;
  }
}

function validateOrder(order: PaymentOrder): void {
  const currency = knownCurrency(order.currency);
  if (!currency) throw new PaymentsError('currency-unknown', `${order.currency} is no ISO 4217 currency`, 'currency');
  if (order.amountMinor <= 0n) throw new PaymentsError('amount-not-positive', 'a payment is of a positive amount', 'amountMinor');
}

const canonical = (payee: Payee) => JSON.stringify({ name: payee.name, method: payee.method, account: payee.account });

/** Major units with the currency's decimals ("1500.50" PHP) → minor units (150050n); anything else refused. */
export function toMinor(amount: string, currencyCode: string): bigint | undefined {
  const digits = knownCurrency(currencyCode)?.minorUnits;
  if (digits === undefined) return undefined;
  const match = new RegExp(digits > 0 ? `^(\\d+)(?:\\.(\\d{1,${digits}}))?$` : '^(\\d+)$').exec(amount.trim());
  if (!match) return undefined;
  return BigInt(match[1]!) * 10n ** BigInt(digits) + BigInt((match[2] ?? '').padEnd(digits, '0') || '0');
}

/** Minor units → the statement's notation, e.g. 150050n PHP → "1500.50". */
export function toMajor(amountMinor: bigint, currencyCode: string): string {
  const digits = knownCurrency(currencyCode)?.minorUnits ?? 2;
  if (digits === 0) return amountMinor.toString();
  const text = amountMinor.toString().padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

export function parseStatement(csv: string): StatementLine[] {
  let records: Record<string, string>[];
  try {
    records = parse(csv, { columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), skip_empty_lines: true, trim: true });
  } catch (error) {
    throw new PaymentsError('statement-invalid', `the statement is no CSV: ${(error as Error).message}`, 'statement');
  }
  return records.map((record, index) => {
    const lineNumber = index + 2; // the header is line 1
    const refuse = (field: string, why: string): never => {
      throw new PaymentsError('statement-invalid', `line ${lineNumber}: ${why}`, `lines[${lineNumber}].${field}`);
    };
    const date = record.date ?? refuse('date', 'no date');
    if (
      !/^\d{4}-\d{2}-\d{2}$/.test(date) ||
      Number.isNaN(Date.parse(`${date}T00:00:00Z`)) ||
      new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date
    ) {
      refuse('date', `${date} is no date (YYYY-MM-DD)`);
    }
    const reference = record.reference || refuse('reference', 'no reference');
    const currency = record.currency ?? refuse('currency', 'no currency');
    if (!knownCurrency(currency)) refuse('currency', `${currency} is no ISO 4217 currency`);
    const amountMinor = toMinor(record.amount ?? '', currency) ?? refuse('amount', `${record.amount} is no amount in ${currency}`);
    const status = (record.status ?? '').toLowerCase();
    if (!STATUSES.has(status)) refuse('status', `${record.status} is none of ${[...STATUSES].join(', ')}`);
    return { lineNumber, date, reference, amountMinor, currency, status: status as StatementLine['status'] };
  });
}
