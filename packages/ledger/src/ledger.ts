import { currency as knownCurrency } from '@homeward/classifications/currencies';
import { PgErrorCode, type Pool, type PoolClient, type Queryable } from '@homeward/pg-kit';
import {
  trialBalanceOf,
  type Balance,
  type LedgerErrorCode,
  type LedgerOperation,
  type NewAccount,
  type PostRequest,
  type Transfer,
  type TransferOutcome,
  type TransferRequest,
  type VoidRequest,
} from './domain/ledger.machine';

export type {
  AccountFlags,
  Balance,
  LedgerErrorCode,
  LedgerOperation,
  NewAccount,
  PostRequest,
  Transfer,
  TransferKind,
  TransferOutcome,
  TransferRequest,
  VoidRequest,
} from './domain/ledger.machine';
export { LEDGER_ERROR_CODES } from './domain/ledger.machine';
export { LEDGER_OWNER, ledgerMigrations } from './ledger.migrations';

/** A refusal that is not a transfer's outcome: an account id reused with another body, an unknown currency or account. */
export class LedgerError extends Error {
  constructor(
    readonly code: 'account-id-reused' | 'currency-unknown' | 'account-not-found',
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}

export interface StoredTransfer extends Transfer {
  readonly recordedAt: Date;
}

export interface AccountBalance extends Balance {
  readonly id: string;
  readonly code: string;
  readonly currency: string;
}

export interface TrialBalanceReport {
  readonly asOf: Date | null;
  readonly accounts: AccountBalance[];
  readonly totalDebits: bigint;
  readonly totalCredits: bigint;
  readonly totalDebitsPending: bigint;
  readonly totalCreditsPending: bigint;
  /** Per currency (adding pesos to rupees means nothing), each balanced on its own. */
  readonly byCurrency: Record<string, { totalDebits: bigint; totalCredits: bigint; balanced: boolean }>;
  /** Debits = credits, posted and pending, overall and in every currency. */
  readonly balanced: boolean;
}

export interface LedgerOptions {
  /** Groups sent in one statement at most (each a subtransaction; PostgreSQL caches 64 per backend). */
  readonly maxBatch?: number;
  /** Batches in flight at once. More lanes use more connections, and batches on the same accounts may deadlock (retried). */
  readonly lanes?: number;
}

interface Queued {
  readonly group: readonly LedgerOperation[];
  readonly resolve: (outcomes: TransferOutcome[]) => void;
  readonly reject: (error: unknown) => void;
}

const MAX_INT64 = 9_223_372_036_854_775_807n;

/**
 * The ledger on PostgreSQL (schema and rules in ledger.migrations.ts, the same rules as the pure machine in
 * domain/ledger.machine.ts). Operations without a caller's transaction are coalesced: while a batch is in
 * flight, the next ones queue and go together in one statement, one transaction and one commit — that is
 * what keeps contended accounts fast (each transfer is one subtransaction in `ledger_execute`, so one
 * refusal never fails its neighbours). Operations given a client run on it, inside the caller's transaction.
 */
export class Ledger {
  private readonly queue: Queued[] = [];
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly lanes: number;

  constructor(
    private readonly pool: Pool,
    options: LedgerOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 48;
    this.lanes = options.lanes ?? 8;
  }

  /** Idempotent by id; the same id with another code, currency or flags is refused (nothing created). */
  async createAccounts(accounts: readonly NewAccount[], client?: PoolClient): Promise<void> {
    for (const [index, account] of accounts.entries()) {
      if (!knownCurrency(account.currency)) {
        throw new LedgerError('currency-unknown', `${account.currency} is no ISO 4217 currency`, `accounts[${index}].currency`);
      }
    }
    if (accounts.length === 0) return;
    const db: Queryable = client ?? this.pool;
    const { rows } = await db.query<{ id: string; ok: boolean }>(
      `WITH wanted AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS w(id text, code text, currency text, dmnec boolean, cmned boolean)
       ), inserted AS (
         INSERT INTO ledger_accounts (id, code, currency, debits_must_not_exceed_credits, credits_must_not_exceed_debits)
         SELECT id, code, currency, dmnec, cmned FROM wanted ON CONFLICT (id) DO NOTHING RETURNING id
       )
       SELECT w.id, (a.code = w.code AND a.currency = w.currency AND a.debits_must_not_exceed_credits = w.dmnec
                     AND a.credits_must_not_exceed_debits = w.cmned) AS ok
         FROM wanted w JOIN ledger_accounts a ON a.id = w.id WHERE w.id NOT IN (SELECT id FROM inserted)`,
      [
        JSON.stringify(
          accounts.map((a) => ({
            id: a.id,
            code: a.code,
            currency: a.currency,
            dmnec: a.flags?.debitsMustNotExceedCredits ?? false,
            cmned: a.flags?.creditsMustNotExceedDebits ?? false,
          })),
        ),
      ],
    );
    const reused = rows.find((row) => !row.ok);
    // A reused id after others were inserted: without the caller's transaction those stay (each is
    // complete and idempotent); with one, the caller's rollback takes them back.
    if (reused) throw new LedgerError('account-id-reused', `account ${reused.id} exists with another code, currency or flags`, 'id');
  }

  async transfer(transfer: TransferRequest, client?: PoolClient): Promise<TransferOutcome> {
    return (await this.execute([{ kind: 'transfer', ...transfer }], client))[0]!;
  }

  async post(post: PostRequest, client?: PoolClient): Promise<TransferOutcome> {
    return (await this.execute([{ kind: 'post', ...post }], client))[0]!;
  }

  async void(request: VoidRequest, client?: PoolClient): Promise<TransferOutcome> {
    return (await this.execute([{ kind: 'void', id: request.id, pendingId: request.pendingId }], client))[0]!;
  }

  /** All or nothing: one refusal and every other operation answers `linked-event-failed`. */
  async linked(operations: readonly LedgerOperation[], client?: PoolClient): Promise<TransferOutcome[]> {
    if (operations.length === 0) return [];
    return this.execute(operations, client);
  }

  async getTransfer(id: string, db: Queryable = this.pool): Promise<StoredTransfer | undefined> {
    const { rows } = await db.query<{ t: TransferJson }>('SELECT ledger_transfer_json(t) AS t FROM ledger_transfers t WHERE id = $1', [id]);
    return rows[0] ? storedTransfer(rows[0].t) : undefined;
  }

  /** Transfers with this reference (a claim's or a disbursement's id), oldest first. */
  async transfersByReference(reference: string, db: Queryable = this.pool): Promise<StoredTransfer[]> {
    const { rows } = await db.query<{ t: TransferJson }>(
      'SELECT ledger_transfer_json(t) AS t FROM ledger_transfers t WHERE reference = $1 ORDER BY seq',
      [reference],
    );
    return rows.map((row) => storedTransfer(row.t));
  }

  /** Now: the account row. As of a moment: the fold of the transfers recorded up to it. */
  async balance(accountId: string, asOf?: Date, db: Queryable = this.pool): Promise<AccountBalance> {
    const balances = await this.balances(asOf, [accountId], db);
    const found = balances[0];
    if (!found) throw new LedgerError('account-not-found', `no account ${accountId}`, 'accountId');
    return found;
  }

  async trialBalance(asOf?: Date, db: Queryable = this.pool): Promise<TrialBalanceReport> {
    const accounts = await this.balances(asOf, undefined, db);
    const totals = trialBalanceOf(accounts);
    const byCurrency: TrialBalanceReport['byCurrency'] = {};
    for (const account of accounts) {
      const entry = (byCurrency[account.currency] ??= { totalDebits: 0n, totalCredits: 0n, balanced: true });
      entry.totalDebits += account.debitsPosted;
      entry.totalCredits += account.creditsPosted;
    }
    for (const entry of Object.values(byCurrency)) entry.balanced = entry.totalDebits === entry.totalCredits;
    return {
      asOf: asOf ?? null,
      accounts,
      ...totals,
      byCurrency,
      balanced: totals.balanced && Object.values(byCurrency).every((entry) => entry.balanced),
    };
  }

  private async balances(asOf: Date | undefined, ids: readonly string[] | undefined, db: Queryable): Promise<AccountBalance[]> {
    type Row = { id: string; code: string; currency: string; dp: string; cp: string; dpe: string; cpe: string };
    const { rows } =
      asOf === undefined
        ? await db.query<Row>(
            `SELECT id, code, currency, debits_posted::text AS dp, credits_posted::text AS cp,
                    debits_pending::text AS dpe, credits_pending::text AS cpe
               FROM ledger_accounts WHERE $1::text[] IS NULL OR id = ANY($1) ORDER BY id`,
            [ids ?? null],
          )
        : await db.query<Row>(
            // A pending transfer counts as pending at the moment if recorded by then and not yet resolved by then.
            `WITH moves AS (
               SELECT t.debit_account_id AS account, 'd' AS side, t.kind, t.amount,
                      t.kind = 'pending' AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.pending_id = t.id AND r.recorded_at <= $1) AS open
                 FROM ledger_transfers t WHERE t.recorded_at <= $1 AND ($2::text[] IS NULL OR t.debit_account_id = ANY($2))
               UNION ALL
               SELECT t.credit_account_id, 'c', t.kind, t.amount,
                      t.kind = 'pending' AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.pending_id = t.id AND r.recorded_at <= $1)
                 FROM ledger_transfers t WHERE t.recorded_at <= $1 AND ($2::text[] IS NULL OR t.credit_account_id = ANY($2))
             )
             SELECT a.id, a.code, a.currency,
                    coalesce(sum(m.amount) FILTER (WHERE m.side = 'd' AND m.kind IN ('single', 'post')), 0)::text AS dp,
                    coalesce(sum(m.amount) FILTER (WHERE m.side = 'c' AND m.kind IN ('single', 'post')), 0)::text AS cp,
                    coalesce(sum(m.amount) FILTER (WHERE m.side = 'd' AND m.open), 0)::text AS dpe,
                    coalesce(sum(m.amount) FILTER (WHERE m.side = 'c' AND m.open), 0)::text AS cpe
               FROM ledger_accounts a LEFT JOIN moves m ON m.account = a.id
              WHERE a.created_at <= $1 AND ($2::text[] IS NULL OR a.id = ANY($2))
              GROUP BY a.id ORDER BY a.id`,
            [asOf, ids ?? null],
          );
    return rows.map((row) => ({
      id: row.id,
      code: row.code,
      currency: row.currency,
      debitsPosted: BigInt(row.dp),
      creditsPosted: BigInt(row.cp),
      debitsPending: BigInt(row.dpe),
      creditsPending: BigInt(row.cpe),
    }));
  }

  private execute(group: readonly LedgerOperation[], client?: PoolClient): Promise<TransferOutcome[]> {
    for (const operation of group) {
      if ('amountMinor' in operation && operation.amountMinor !== undefined && operation.amountMinor > MAX_INT64) {
        return Promise.reject(new RangeError(`amount of ${operation.id} beyond 64 bits`));
      }
    }
    if (client) return runBatch(client, [group]).then((answers) => answers[0]!);
    return new Promise((resolve, reject) => {
      this.queue.push({ group, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.inFlight < this.lanes && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.drain();
      });
    }
  }

  private async send(batch: Queued[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const answers = await runBatch(
          this.pool,
          batch.map((queued) => queued.group),
        );
        batch.forEach((queued, index) => queued.resolve(answers[index]!));
        return;
      } catch (error) {
        const code = (error as { code?: string }).code;
        // A deadlock between two batches on the same accounts (or a serialization failure): the statement
        // rolled back whole, nothing of it stands, so running it again is safe.
        if ((code === '40P01' || code === PgErrorCode.serializationFailure) && attempt < 10) continue;
        batch.forEach((queued) => queued.reject(error));
        return;
      }
    }
  }
}

type TransferJson = Omit<StoredTransfer, 'amountMinor' | 'recordedAt'> & { amountMinor: string; recordedAt: string };
type OutcomeJson = { ok: true; id: string; status: 'created' | 'exists'; transfer: TransferJson } | { ok: false; id: string; code: string };

async function runBatch(db: Queryable, groups: readonly (readonly LedgerOperation[])[]): Promise<TransferOutcome[][]> {
  const payload = JSON.stringify(groups, (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  const { rows } = await db.query<{ r: OutcomeJson[][] }>('SELECT ledger_execute($1::jsonb) AS r', [payload]);
  return rows[0]!.r.map((outcomes) =>
    outcomes.map((outcome): TransferOutcome => {
      if (!outcome.ok) return { ok: false, id: outcome.id, code: outcome.code as LedgerErrorCode };
      const { recordedAt: _recordedAt, ...transfer } = storedTransfer(outcome.transfer);
      return { ok: true, id: outcome.id, status: outcome.status, transfer };
    }),
  );
}

function storedTransfer(json: TransferJson): StoredTransfer {
  return {
    id: json.id,
    kind: json.kind,
    debitAccountId: json.debitAccountId,
    creditAccountId: json.creditAccountId,
    amountMinor: BigInt(json.amountMinor),
    currency: json.currency,
    code: json.code,
    reference: json.reference ?? null,
    pendingId: json.pendingId ?? null,
    recordedAt: new Date(json.recordedAt),
  };
}
