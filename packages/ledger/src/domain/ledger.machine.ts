/**
 * The ledger as a pure state machine: the rules the PostgreSQL implementation enforces (src/ledger.ts,
 * src/ledger.migrations.ts), without I/O, so a simulation can drive it through millions of steps and a
 * differential test can hold the database to the same answers. TigerBeetle is the model: accounts with
 * balance limits, single-phase transfers, pending transfers that are posted (in full or in part) or
 * voided once, linked transfers that succeed or fail together, and the client's transfer id as the
 * idempotency key — the same id with the same body answers `exists`, with another body `transfer-id-reused`.
 *
 * Invariants of every reachable state (checked by `checkInvariants`, and by the simulation after every step):
 * - each transfer debits one account and credits another by the same amount, so the sum of all debits
 *   (posted, pending) equals the sum of all credits;
 * - an account with `debitsMustNotExceedCredits` has debitsPosted + debitsPending <= creditsPosted, and
 *   symmetrically for `creditsMustNotExceedDebits`;
 * - a pending transfer is resolved (posted or voided) at most once, and a post never exceeds it;
 * - balances are the fold of the transfers: nothing changes a balance but a transfer.
 *
 * Checks run in one fixed order, the same in PostgreSQL, so both answer the same code for the same request:
 * amount-not-positive, accounts-same, then the id (exists / transfer-id-reused), then accounts-not-found,
 * currency-mismatch, the pending transfer's state, and last the balance limits.
 */

export type Minor = bigint;

export interface AccountFlags {
  readonly debitsMustNotExceedCredits?: boolean;
  readonly creditsMustNotExceedDebits?: boolean;
}

export interface NewAccount {
  readonly id: string;
  /** What the account is for (e.g. "fund-pool", "claim-reserved"); free text for reports. */
  readonly code: string;
  /** ISO 4217, checked against @homeward/classifications by the implementation that creates it. */
  readonly currency: string;
  readonly flags?: AccountFlags;
}

export interface Balance {
  readonly debitsPosted: Minor;
  readonly creditsPosted: Minor;
  readonly debitsPending: Minor;
  readonly creditsPending: Minor;
}

export interface Account extends Balance {
  readonly id: string;
  readonly code: string;
  readonly currency: string;
  readonly debitsMustNotExceedCredits: boolean;
  readonly creditsMustNotExceedDebits: boolean;
}

/** A single-phase (posted at once) or pending (reserved, to be posted or voided) transfer. */
export interface TransferRequest {
  readonly id: string;
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  readonly amountMinor: Minor;
  readonly currency: string;
  readonly code: string;
  readonly pending?: boolean;
  /** The caller's reference (a claim, a disbursement id); stored, compared for idempotency. */
  readonly reference?: string;
}

/** Posts a pending transfer, in full (no amount) or in part; the rest goes back. */
export interface PostRequest {
  readonly id: string;
  readonly pendingId: string;
  readonly amountMinor?: Minor;
}

export interface VoidRequest {
  readonly id: string;
  readonly pendingId: string;
}

/** One operation of a linked batch. */
export type LedgerOperation =
  ({ readonly kind: 'transfer' } & TransferRequest) | ({ readonly kind: 'post' } & PostRequest) | ({ readonly kind: 'void' } & VoidRequest);

export type TransferKind = 'single' | 'pending' | 'post' | 'void';

/** A stored transfer: immutable once written. */
export interface Transfer {
  readonly id: string;
  readonly kind: TransferKind;
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  /** For a post, the amount posted; for a void, the pending amount released. */
  readonly amountMinor: Minor;
  readonly currency: string;
  readonly code: string;
  readonly reference: string | null;
  /** For a post or a void: the pending transfer it resolves. */
  readonly pendingId: string | null;
}

/** Stable codes, the same from the pure machine and from PostgreSQL. */
export const LEDGER_ERROR_CODES = [
  'amount-not-positive',
  'accounts-same',
  'transfer-id-reused',
  'debit-account-not-found',
  'credit-account-not-found',
  'currency-mismatch',
  'pending-not-found',
  'already-posted',
  'already-voided',
  'exceeds-pending-amount',
  'exceeds-credits',
  'exceeds-debits',
  'linked-event-failed',
] as const;
export type LedgerErrorCode = (typeof LEDGER_ERROR_CODES)[number];

export type TransferOutcome =
  | { readonly ok: true; readonly id: string; readonly status: 'created' | 'exists'; readonly transfer: Transfer }
  | { readonly ok: false; readonly id: string; readonly code: LedgerErrorCode };

export interface LedgerState {
  readonly accounts: ReadonlyMap<string, Account>;
  readonly transfers: ReadonlyMap<string, Transfer>;
  /** Pending id → the id of the post or void that resolved it. */
  readonly resolutions: ReadonlyMap<string, string>;
}

export const emptyLedger = (): LedgerState => ({ accounts: new Map(), transfers: new Map(), resolutions: new Map() });

export type AccountsOutcome = { readonly ok: true } | { readonly ok: false; readonly id: string; readonly code: 'account-id-reused' };

/**
 * The machine. State is kept in mutable maps behind a readonly view (a million-step simulation cannot copy
 * maps at every step); `apply` changes nothing when it refuses, and a linked batch is applied on a scratch
 * overlay and committed only if every operation succeeds.
 */
export class LedgerMachine {
  private readonly accounts: Map<string, Account>;
  private readonly transfers: Map<string, Transfer>;
  private readonly resolutions: Map<string, string>;

  constructor(state: LedgerState = emptyLedger()) {
    this.accounts = new Map(state.accounts);
    this.transfers = new Map(state.transfers);
    this.resolutions = new Map(state.resolutions);
  }

  get state(): LedgerState {
    return { accounts: this.accounts, transfers: this.transfers, resolutions: this.resolutions };
  }

  createAccounts(accounts: readonly NewAccount[]): AccountsOutcome {
    for (const account of accounts) {
      const existing = this.accounts.get(account.id);
      if (existing && !sameAccount(existing, account)) return { ok: false, id: account.id, code: 'account-id-reused' };
    }
    for (const account of accounts) {
      if (this.accounts.has(account.id)) continue;
      this.accounts.set(account.id, {
        id: account.id,
        code: account.code,
        currency: account.currency,
        debitsMustNotExceedCredits: account.flags?.debitsMustNotExceedCredits ?? false,
        creditsMustNotExceedDebits: account.flags?.creditsMustNotExceedDebits ?? false,
        debitsPosted: 0n,
        creditsPosted: 0n,
        debitsPending: 0n,
        creditsPending: 0n,
      });
    }
    return { ok: true };
  }

  transfer(request: TransferRequest): TransferOutcome {
    return this.linked([{ kind: 'transfer', ...request }])[0]!;
  }

  post(request: PostRequest): TransferOutcome {
    return this.linked([{ kind: 'post', ...request }])[0]!;
  }

  void(request: VoidRequest): TransferOutcome {
    return this.linked([{ kind: 'void', ...request }])[0]!;
  }

  /** All or nothing: the first refusal fails the batch, and every other operation answers `linked-event-failed`. */
  linked(operations: readonly LedgerOperation[]): TransferOutcome[] {
    const overlay = new Overlay(this);
    const outcomes: TransferOutcome[] = [];
    for (const operation of operations) {
      const outcome = decide(overlay, operation);
      if (!outcome.ok) {
        return operations.map((other) => (other === operation ? outcome : { ok: false, id: other.id, code: 'linked-event-failed' }));
      }
      if (outcome.status === 'created') overlay.write(outcome.transfer);
      outcomes.push(outcome);
    }
    overlay.commit();
    return outcomes;
  }

  /** @internal used by the overlay */
  raw() {
    return { accounts: this.accounts, transfers: this.transfers, resolutions: this.resolutions };
  }
}

interface View {
  account(id: string): Account | undefined;
  transfer(id: string): Transfer | undefined;
  resolution(pendingId: string): Transfer | undefined;
}

/** Writes of a linked batch, seen by its later operations, committed to the machine only when all succeed. */
class Overlay implements View {
  private readonly accounts = new Map<string, Account>();
  private readonly transfers = new Map<string, Transfer>();
  private readonly resolutions = new Map<string, string>();
  constructor(private readonly machine: LedgerMachine) {}

  account(id: string) {
    return this.accounts.get(id) ?? this.machine.raw().accounts.get(id);
  }
  transfer(id: string) {
    return this.transfers.get(id) ?? this.machine.raw().transfers.get(id);
  }
  resolution(pendingId: string) {
    const id = this.resolutions.get(pendingId) ?? this.machine.raw().resolutions.get(pendingId);
    return id === undefined ? undefined : this.transfer(id);
  }

  write(transfer: Transfer) {
    this.transfers.set(transfer.id, transfer);
    if (transfer.pendingId !== null) this.resolutions.set(transfer.pendingId, transfer.id);
    const pendingAmount = transfer.pendingId === null ? 0n : this.transfer(transfer.pendingId)!.amountMinor;
    for (const side of ['debit', 'credit'] as const) {
      const id = side === 'debit' ? transfer.debitAccountId : transfer.creditAccountId;
      this.accounts.set(id, applyToAccount(this.account(id)!, side, transfer, pendingAmount));
    }
  }

  commit() {
    const target = this.machine.raw();
    for (const [id, account] of this.accounts) target.accounts.set(id, account);
    for (const [id, transfer] of this.transfers) target.transfers.set(id, transfer);
    for (const [pendingId, id] of this.resolutions) target.resolutions.set(pendingId, id);
  }
}

/** How a transfer moves one side of one account (the same arithmetic as the database trigger). */
export function applyToAccount(account: Account, side: 'debit' | 'credit', transfer: Transfer, pendingAmount: Minor): Account {
  const posted = transfer.kind === 'single' || transfer.kind === 'post' ? transfer.amountMinor : 0n;
  const pending = transfer.kind === 'pending' ? transfer.amountMinor : transfer.kind === 'single' ? 0n : -pendingAmount;
  return side === 'debit'
    ? { ...account, debitsPosted: account.debitsPosted + posted, debitsPending: account.debitsPending + pending }
    : { ...account, creditsPosted: account.creditsPosted + posted, creditsPending: account.creditsPending + pending };
}

function decide(view: View, operation: LedgerOperation): TransferOutcome {
  const refuse = (code: LedgerErrorCode): TransferOutcome => ({ ok: false, id: operation.id, code });
  let transfer: Transfer;
  let pendingAmount = 0n;
  switch (operation.kind) {
    case 'transfer': {
      if (operation.amountMinor <= 0n) return refuse('amount-not-positive');
      if (operation.debitAccountId === operation.creditAccountId) return refuse('accounts-same');
      transfer = {
        id: operation.id,
        kind: operation.pending ? 'pending' : 'single',
        debitAccountId: operation.debitAccountId,
        creditAccountId: operation.creditAccountId,
        amountMinor: operation.amountMinor,
        currency: operation.currency,
        code: operation.code,
        reference: operation.reference ?? null,
        pendingId: null,
      };
      const existing = view.transfer(operation.id);
      if (existing)
        return sameTransfer(existing, transfer)
          ? { ok: true, id: operation.id, status: 'exists', transfer: existing }
          : refuse('transfer-id-reused');
      const debit = view.account(transfer.debitAccountId);
      if (!debit) return refuse('debit-account-not-found');
      const credit = view.account(transfer.creditAccountId);
      if (!credit) return refuse('credit-account-not-found');
      if (debit.currency !== transfer.currency || credit.currency !== transfer.currency) return refuse('currency-mismatch');
      break;
    }
    case 'post':
    case 'void': {
      if (operation.kind === 'post' && operation.amountMinor !== undefined && operation.amountMinor <= 0n)
        return refuse('amount-not-positive');
      const existing = view.transfer(operation.id);
      const pending = view.transfer(operation.pendingId);
      if (existing) {
        const expected = pending?.kind === 'pending' ? resolutionOf(operation.kind, operation, pending) : undefined;
        return expected && sameTransfer(existing, expected)
          ? { ok: true, id: operation.id, status: 'exists', transfer: existing }
          : refuse('transfer-id-reused');
      }
      if (!pending || pending.kind !== 'pending') return refuse('pending-not-found');
      const resolved = view.resolution(pending.id);
      if (resolved) return refuse(resolved.kind === 'post' ? 'already-posted' : 'already-voided');
      if (operation.kind === 'post' && operation.amountMinor !== undefined && operation.amountMinor > pending.amountMinor) {
        return refuse('exceeds-pending-amount');
      }
      transfer = resolutionOf(operation.kind, operation, pending);
      pendingAmount = pending.amountMinor;
      break;
    }
    default: {
      const unknown: never = operation;
      throw new Error(`unknown operation ${JSON.stringify(unknown)}`);
    }
  }
  const debit = applyToAccount(view.account(transfer.debitAccountId)!, 'debit', transfer, pendingAmount);
  const credit = applyToAccount(view.account(transfer.creditAccountId)!, 'credit', transfer, pendingAmount);
  if (debit.debitsMustNotExceedCredits && debit.debitsPosted + debit.debitsPending > debit.creditsPosted) return refuse('exceeds-credits');
  if (credit.creditsMustNotExceedDebits && credit.creditsPosted + credit.creditsPending > credit.debitsPosted)
    return refuse('exceeds-debits');
  return { ok: true, id: operation.id, status: 'created', transfer };
}

function resolutionOf(kind: 'post' | 'void', operation: PostRequest, pending: Transfer): Transfer {
  return {
    id: operation.id,
    kind,
    debitAccountId: pending.debitAccountId,
    creditAccountId: pending.creditAccountId,
    amountMinor: kind === 'post' ? (operation.amountMinor ?? pending.amountMinor) : pending.amountMinor,
    currency: pending.currency,
    code: pending.code,
    reference: pending.reference,
    pendingId: pending.id,
  };
}

export function sameTransfer(a: Transfer, b: Transfer): boolean {
  return (
    a.id === b.id &&
    a.kind === b.kind &&
    a.debitAccountId === b.debitAccountId &&
    a.creditAccountId === b.creditAccountId &&
    a.amountMinor === b.amountMinor &&
    a.currency === b.currency &&
    a.code === b.code &&
    a.reference === b.reference &&
    a.pendingId === b.pendingId
  );
}

function sameAccount(existing: Account, account: NewAccount): boolean {
  return (
    existing.code === account.code &&
    existing.currency === account.currency &&
    existing.debitsMustNotExceedCredits === (account.flags?.debitsMustNotExceedCredits ?? false) &&
    existing.creditsMustNotExceedDebits === (account.flags?.creditsMustNotExceedDebits ?? false)
  );
}

export interface TrialBalance {
  readonly totalDebits: Minor;
  readonly totalCredits: Minor;
  readonly totalDebitsPending: Minor;
  readonly totalCreditsPending: Minor;
  readonly balanced: boolean;
}

export function trialBalanceOf(accounts: Iterable<Balance>): TrialBalance {
  let totalDebits = 0n;
  let totalCredits = 0n;
  let totalDebitsPending = 0n;
  let totalCreditsPending = 0n;
  for (const account of accounts) {
    totalDebits += account.debitsPosted;
    totalCredits += account.creditsPosted;
    totalDebitsPending += account.debitsPending;
    totalCreditsPending += account.creditsPending;
  }
  return {
    totalDebits,
    totalCredits,
    totalDebitsPending,
    totalCreditsPending,
    balanced: totalDebits === totalCredits && totalDebitsPending === totalCreditsPending,
  };
}

/** The invariants of the doc comment above; answers the first broken one, or undefined. */
export function checkInvariants(state: LedgerState): string | undefined {
  const trial = trialBalanceOf(state.accounts.values());
  if (!trial.balanced) return `unbalanced: ${JSON.stringify(trial, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`;
  for (const account of state.accounts.values()) {
    if (account.debitsPending < 0n || account.creditsPending < 0n || account.debitsPosted < 0n || account.creditsPosted < 0n) {
      return `negative balance on ${account.id}`;
    }
    if (account.debitsMustNotExceedCredits && account.debitsPosted + account.debitsPending > account.creditsPosted) {
      return `${account.id}: debits exceed credits`;
    }
    if (account.creditsMustNotExceedDebits && account.creditsPosted + account.creditsPending > account.debitsPosted) {
      return `${account.id}: credits exceed debits`;
    }
  }
  return undefined;
}
