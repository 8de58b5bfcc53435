import {
  LedgerMachine,
  checkInvariants,
  type Account,
  type LedgerErrorCode,
  type LedgerOperation,
  type NewAccount,
  type TransferOutcome,
} from '../domain/ledger.machine';

/**
 * A seeded, deterministic simulation of the emergency fund's money flows, in the spirit of TigerBeetle's
 * VOPR: contributions into the pool, claims opened with a policy cap, approvals that reserve (pending
 * transfers, linked: the pool's money and the claim's cap together), disbursements that post them (in full
 * or in part), rejections and expiries that void them, retries of the same transfer ids, duplicate
 * deliveries, concurrent disbursements of one approval, a transfer id reused with another body, bad input,
 * and crashes (the machine dropped and rebuilt by replaying the stored transfers).
 *
 * The scenario is generated from the seed alone: an oracle — plain arithmetic on the fund's figures, no
 * ledger — predicts every outcome, so the same steps can drive the pure machine (this file's `runFundSimulation`)
 * and the PostgreSQL ledger (the differential test), and both are held to the oracle's answers.
 */

export const CURRENCY = 'PHP';

/** Accounts every scenario starts with. */
export const FUND_ACCOUNTS: NewAccount[] = [
  { id: 'contributions', code: 'contributions', currency: CURRENCY },
  { id: 'pool', code: 'fund-pool', currency: CURRENCY, flags: { debitsMustNotExceedCredits: true } },
  { id: 'payable', code: 'claims-payable', currency: CURRENCY },
  { id: 'policy-limits', code: 'policy-limits', currency: CURRENCY },
  { id: 'caps-used', code: 'claim-caps-used', currency: CURRENCY },
  { id: 'other-currency', code: 'fund-pool', currency: 'NPR' },
];

export type Expected =
  { readonly ok: true; readonly status: 'created' | 'exists' } | { readonly ok: false; readonly code: LedgerErrorCode };

export type StepKind = 'contribute' | 'open-claim' | 'approve' | 'disburse' | 'reject' | 'retry' | 'race' | 'reuse' | 'bad-input' | 'crash';

export interface Step {
  readonly index: number;
  readonly kind: StepKind;
  /** Accounts to create before the groups (a claim's cap account). */
  readonly accounts: readonly NewAccount[];
  /** Groups of linked operations; a single transfer is a group of one. */
  readonly groups: readonly (readonly LedgerOperation[])[];
  /** The oracle's answer for each operation of each group. */
  readonly expected: readonly (readonly Expected[])[];
  /** The groups race (disbursements of one approval by several officers): any one may win. */
  readonly concurrent: boolean;
  /** Accounts whose balances the oracle knows after the step. */
  readonly figures: ReadonlyMap<string, Figures>;
}

export interface Figures {
  readonly debitsPosted: bigint;
  readonly creditsPosted: bigint;
  readonly debitsPending: bigint;
  readonly creditsPending: bigint;
}

/** A small fast PRNG (mulberry32): the same seed, the same scenario, on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Claim {
  readonly n: number;
  readonly cap: bigint;
  reserved: bigint;
  paid: bigint;
}
interface Approval {
  readonly k: number;
  readonly claim: Claim;
  readonly amount: bigint;
  status: 'reserved' | 'paid' | 'voided';
  paid: bigint;
}

/** The oracle and the generator: a stream of steps from a seed. */
export class FundScenario {
  private readonly random: () => number;
  private step = 0;
  private contributed = 0n;
  private reserved = 0n;
  private paid = 0n;
  private limits = 0n;
  private capsReserved = 0n;
  private capsPaid = 0n;
  private readonly claims: Claim[] = [];
  private readonly approvals: Approval[] = [];
  private readonly succeeded: (readonly LedgerOperation[])[] = [];
  private ids = 0;

  constructor(readonly seed: number) {
    this.random = prng(seed);
  }

  private int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }
  private pick<T>(items: readonly T[], recent = items.length): T | undefined {
    if (items.length === 0) return undefined;
    const from = Math.max(0, items.length - recent);
    return items[this.int(from, items.length - 1)];
  }
  private id(prefix: string): string {
    return `${prefix}-${this.seed}-${++this.ids}`;
  }

  next(): Step {
    const index = this.step++;
    const roll = this.random();
    const make = (
      kind: StepKind,
      groups: (readonly LedgerOperation[])[],
      expected: Expected[][],
      accounts: NewAccount[] = [],
      concurrent = false,
      touched: Claim[] = [],
    ): Step => {
      if (groups.length > 0 && expected.every((outcomes) => outcomes.every((o) => o.ok && o.status === 'created'))) {
        for (const group of groups) this.succeeded.push(group);
        if (this.succeeded.length > 2_000) this.succeeded.splice(0, 1_000);
      }
      return { index, kind, accounts, groups, expected, concurrent, figures: this.figures(touched) };
    };

    if (roll < 0.0003 && index > 0) return make('crash', [], []);
    if (roll < 0.1) {
      const amount = BigInt(this.int(1, 60_000));
      this.contributed += amount;
      return make(
        'contribute',
        [
          [
            {
              kind: 'transfer',
              id: this.id('contribution'),
              debitAccountId: 'contributions',
              creditAccountId: 'pool',
              amountMinor: amount,
              currency: CURRENCY,
              code: 'contribution',
            },
          ],
        ],
        [[created]],
      );
    }
    if (roll < 0.17 || this.claims.length === 0) {
      const claim: Claim = { n: this.claims.length, cap: BigInt(this.int(1_000, 100_000)), reserved: 0n, paid: 0n };
      this.claims.push(claim);
      this.limits += claim.cap;
      return make(
        'open-claim',
        [
          [
            {
              kind: 'transfer',
              id: this.id('cap'),
              debitAccountId: 'policy-limits',
              creditAccountId: capAccount(claim.n),
              amountMinor: claim.cap,
              currency: CURRENCY,
              code: 'policy-cap',
              reference: `claim-${claim.n}`,
            },
          ],
        ],
        [[created]],
        [{ id: capAccount(claim.n), code: 'claim-cap', currency: CURRENCY, flags: { debitsMustNotExceedCredits: true } }],
        false,
        [claim],
      );
    }
    if (roll < 0.42) {
      const claim = this.pick(this.claims, 30)!;
      const amount = BigInt(this.int(1, Math.max(1, Number(claim.cap) * (this.random() < 0.8 ? 0.5 : 1.3))));
      const k = this.ids + 1;
      const group: LedgerOperation[] = [
        {
          kind: 'transfer',
          id: `reserve-${this.seed}-${k}`,
          debitAccountId: 'pool',
          creditAccountId: 'payable',
          amountMinor: amount,
          currency: CURRENCY,
          code: 'reserve',
          pending: true,
          reference: `claim-${claim.n}`,
        },
        {
          kind: 'transfer',
          id: `reserve-cap-${this.seed}-${k}`,
          debitAccountId: capAccount(claim.n),
          creditAccountId: 'caps-used',
          amountMinor: amount,
          currency: CURRENCY,
          code: 'reserve-cap',
          pending: true,
          reference: `claim-${claim.n}`,
        },
      ];
      this.ids++;
      let expected: Expected[];
      if (this.paid + this.reserved + amount > this.contributed) expected = [{ ok: false, code: 'exceeds-credits' }, linkedFailed];
      else if (claim.paid + claim.reserved + amount > claim.cap) expected = [linkedFailed, { ok: false, code: 'exceeds-credits' }];
      else {
        expected = [created, created];
        this.reserved += amount;
        this.capsReserved += amount;
        claim.reserved += amount;
        this.approvals.push({ k, claim, amount, status: 'reserved', paid: 0n });
      }
      return make('approve', [group], [expected], [], false, [claim]);
    }
    if (roll < 0.62 || (roll < 0.67 && this.approvals.length === 0)) {
      const approval = this.pick(this.approvals, 60);
      if (!approval) return this.next();
      const partial = this.random() < 0.3;
      const tooMuch = this.random() < 0.02;
      const amount = tooMuch ? approval.amount + 1n : partial ? BigInt(this.int(1, Number(approval.amount))) : undefined;
      const group = this.disbursement(approval, amount);
      return make('disburse', [group], [this.resolve(approval, 'post', amount)], [], false, [approval.claim]);
    }
    if (roll < 0.67) {
      const reserved = this.recentReserved();
      const approval = this.pick(reserved, 40) ?? this.pick(this.approvals)!;
      const d = this.id('reject');
      const group: LedgerOperation[] = [
        { kind: 'void', id: `${d}-money`, pendingId: `reserve-${this.seed}-${approval.k}` },
        { kind: 'void', id: `${d}-cap`, pendingId: `reserve-cap-${this.seed}-${approval.k}` },
      ];
      return make('reject', [group], [this.resolve(approval, 'void', undefined)], [], false, [approval.claim]);
    }
    if (roll < 0.8) {
      // A retry or a duplicate delivery: the very same operations, answered as they were, nothing moved.
      const group = this.pick(this.succeeded, 500);
      if (!group) return this.next();
      return make('retry', [group], [group.map(() => exists)]);
    }
    if (roll < 0.86) {
      const reserved = this.recentReserved();
      const approval = this.pick(reserved, 40);
      if (!approval) return this.next();
      const officers = this.int(2, 5);
      const groups = Array.from({ length: officers }, () => this.disbursement(approval, undefined));
      const expected = groups.map((_, i) => (i === 0 ? this.resolve(approval, 'post', undefined) : alreadyPosted));
      return make('race', groups, expected, [], true, [approval.claim]);
    }
    if (roll < 0.93) {
      const group = this.pick(this.succeeded, 500);
      const operation = group?.[0];
      if (!operation) return this.next();
      const changed: LedgerOperation =
        operation.kind === 'transfer'
          ? { ...operation, amountMinor: operation.amountMinor + 1n }
          : operation.kind === 'post'
            ? { ...operation, pendingId: `${operation.pendingId}-other` }
            : { ...operation, pendingId: `${operation.pendingId}-other` };
      return make('reuse', [[changed]], [[{ ok: false, code: 'transfer-id-reused' }]]);
    }
    const base = {
      kind: 'transfer' as const,
      id: this.id('bad'),
      debitAccountId: 'pool',
      creditAccountId: 'payable',
      amountMinor: 1n,
      currency: CURRENCY,
      code: 'bad',
    };
    const cases: [LedgerOperation, LedgerErrorCode][] = [
      [{ ...base, amountMinor: BigInt(-this.int(0, 5)) }, 'amount-not-positive'],
      [{ ...base, creditAccountId: 'pool' }, 'accounts-same'],
      [{ ...base, debitAccountId: 'nobody' }, 'debit-account-not-found'],
      [{ ...base, creditAccountId: 'nobody' }, 'credit-account-not-found'],
      [{ ...base, creditAccountId: 'other-currency' }, 'currency-mismatch'],
      [{ kind: 'post', id: this.id('bad-post'), pendingId: 'never-reserved' }, 'pending-not-found'],
    ];
    const [operation, code] = cases[this.int(0, cases.length - 1)]!;
    return make('bad-input', [[operation]], [[{ ok: false, code }]]);
  }

  /** Approvals still reserved among the latest few hundred: the scenario works on recent claims, in constant time per step. */
  private recentReserved(): Approval[] {
    return this.approvals.slice(-400).filter((a) => a.status === 'reserved');
  }

  private disbursement(approval: Approval, amount: bigint | undefined): LedgerOperation[] {
    const d = this.id('disbursement');
    return [
      {
        kind: 'post',
        id: `${d}-money`,
        pendingId: `reserve-${this.seed}-${approval.k}`,
        ...(amount === undefined ? {} : { amountMinor: amount }),
      },
      {
        kind: 'post',
        id: `${d}-cap`,
        pendingId: `reserve-cap-${this.seed}-${approval.k}`,
        ...(amount === undefined ? {} : { amountMinor: amount }),
      },
    ];
  }

  /** What a post or a void of both halves of an approval answers, and the oracle's figures after it. */
  private resolve(approval: Approval, kind: 'post' | 'void', amount: bigint | undefined): Expected[] {
    if (approval.status !== 'reserved')
      return [{ ok: false, code: approval.status === 'paid' ? 'already-posted' : 'already-voided' }, linkedFailed];
    if (amount !== undefined && amount > approval.amount) return [{ ok: false, code: 'exceeds-pending-amount' }, linkedFailed];
    const paid = kind === 'post' ? (amount ?? approval.amount) : 0n;
    approval.status = kind === 'post' ? 'paid' : 'voided';
    approval.paid = paid;
    this.reserved -= approval.amount;
    this.capsReserved -= approval.amount;
    approval.claim.reserved -= approval.amount;
    this.paid += paid;
    this.capsPaid += paid;
    approval.claim.paid += paid;
    return [created, created];
  }

  private figures(touched: readonly Claim[]): Map<string, Figures> {
    const figures = new Map<string, Figures>([
      ['contributions', { debitsPosted: this.contributed, creditsPosted: 0n, debitsPending: 0n, creditsPending: 0n }],
      ['pool', { debitsPosted: this.paid, creditsPosted: this.contributed, debitsPending: this.reserved, creditsPending: 0n }],
      ['payable', { debitsPosted: 0n, creditsPosted: this.paid, debitsPending: 0n, creditsPending: this.reserved }],
      ['policy-limits', { debitsPosted: this.limits, creditsPosted: 0n, debitsPending: 0n, creditsPending: 0n }],
      ['caps-used', { debitsPosted: 0n, creditsPosted: this.capsPaid, debitsPending: 0n, creditsPending: this.capsReserved }],
    ]);
    for (const claim of touched) {
      figures.set(capAccount(claim.n), {
        debitsPosted: claim.paid,
        creditsPosted: claim.cap,
        debitsPending: claim.reserved,
        creditsPending: 0n,
      });
    }
    return figures;
  }

  /** Every claim's figures: for the sweeps (every approved amount reserved, paid or voided). */
  allClaimFigures(): Map<string, Figures> {
    return this.figures(this.claims);
  }

  /** Each approval's state as the oracle has it, keyed by its pending transfer's id. */
  approvalStates(): Map<string, Approval['status']> {
    return new Map(this.approvals.map((a) => [`reserve-${this.seed}-${a.k}`, a.status]));
  }
}

const created: Expected = { ok: true, status: 'created' };
const exists: Expected = { ok: true, status: 'exists' };
const linkedFailed: Expected = { ok: false, code: 'linked-event-failed' };
const alreadyPosted: Expected[] = [{ ok: false, code: 'already-posted' }, linkedFailed];

export const capAccount = (n: number) => `claim-cap-${n}`;

export class SimulationFailure extends Error {
  constructor(
    readonly seed: number,
    readonly step: number,
    detail: string,
  ) {
    super(`fund simulation failed at step ${step} with seed ${seed} (rerun with FUND_SIMULATION_SEED=${seed}): ${detail}`);
    this.name = 'SimulationFailure';
  }
}

export const outcomeShape = (outcome: TransferOutcome): Expected =>
  outcome.ok ? { ok: true, status: outcome.status } : { ok: false, code: outcome.code };
const show = (value: unknown) => JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

export interface SimulationReport {
  readonly seed: number;
  readonly steps: number;
  readonly transfers: number;
  readonly accounts: number;
  readonly crashes: number;
  readonly byKind: Record<StepKind, number>;
}

/**
 * Runs `steps` steps of the scenario against the pure machine and checks after EVERY step: each outcome is
 * the oracle's; the figures of the accounts the step touched (pool, payable, caps, the claim's cap) are
 * the oracle's — so no account beyond its limit, no claim paid twice or above its cap; debits = credits
 * over what the step moved; the limits of the touched accounts hold. Every `sweepEvery` steps and at the
 * end: the whole ledger's invariants (trial balance over all accounts) and every approval's state (reserved,
 * paid or voided, as the oracle says). A crash rebuilds the machine from its stored transfers alone.
 */
export function runFundSimulation(options: { seed: number; steps: number; sweepEvery?: number; replayEvery?: number }): SimulationReport {
  const { seed, steps } = options;
  const sweepEvery = options.sweepEvery ?? 2_000;
  // A crash restarts from the stored rows (accounts with their balances, transfers); every `replayEvery`-th
  // crash also rebuilds the balances from the transfers alone and holds them to the stored ones.
  const replayEvery = options.replayEvery ?? 1;
  const scenario = new FundScenario(seed);
  let machine = new LedgerMachine();
  const fail = (step: number, detail: string): never => {
    throw new SimulationFailure(seed, step, detail);
  };
  if (!machine.createAccounts(FUND_ACCOUNTS).ok) fail(-1, 'the fund accounts could not be created');
  const byKind = Object.fromEntries(
    (['contribute', 'open-claim', 'approve', 'disburse', 'reject', 'retry', 'race', 'reuse', 'bad-input', 'crash'] as const).map((k) => [
      k,
      0,
    ]),
  ) as Record<StepKind, number>;
  let crashes = 0;

  for (let i = 0; i < steps; i++) {
    const step = scenario.next();
    byKind[step.kind]++;
    if (step.kind === 'crash') {
      crashes++;
      const before = machine.state;
      machine = crashes % replayEvery === 0 ? restart(machine) : new LedgerMachine(before);
      for (const [id, account] of before.accounts) {
        if (!sameBalances(account, machine.state.accounts.get(id)))
          fail(step.index, `after a restart ${id} is ${show(machine.state.accounts.get(id))}, was ${show(account)}`);
      }
      continue;
    }
    if (step.accounts.length > 0 && !machine.createAccounts(step.accounts).ok) fail(step.index, `accounts ${show(step.accounts)} refused`);
    const touched = new Set<string>();
    for (const group of step.groups) for (const op of group) for (const id of accountsOf(machine, op)) touched.add(id);
    const before = new Map([...touched].map((id) => [id, machine.state.accounts.get(id)]));
    step.groups.forEach((group, g) => {
      const outcomes = machine.linked(group).map(outcomeShape);
      if (show(outcomes) !== show(step.expected[g]))
        fail(step.index, `${step.kind}: ${show(group)} answered ${show(outcomes)}, expected ${show(step.expected[g])}`);
    });
    // Debits = credits over what moved, and the limits of every touched account.
    let debits = 0n;
    let credits = 0n;
    for (const id of touched) {
      const after = machine.state.accounts.get(id);
      const was = before.get(id);
      if (!after || !was) continue;
      debits += after.debitsPosted - was.debitsPosted + after.debitsPending - was.debitsPending;
      credits += after.creditsPosted - was.creditsPosted + after.creditsPending - was.creditsPending;
      const broken = checkInvariants({ accounts: new Map([[id, after]]), transfers: new Map(), resolutions: new Map() });
      if (broken && !broken.startsWith('unbalanced')) fail(step.index, broken);
    }
    if (debits !== credits) fail(step.index, `the step moved ${debits} in debits and ${credits} in credits`);
    for (const [id, figures] of step.figures) {
      if (!sameBalances(figures, machine.state.accounts.get(id)))
        fail(step.index, `${step.kind}: ${id} is ${show(machine.state.accounts.get(id))}, the oracle says ${show(figures)}`);
    }
    if ((i + 1) % sweepEvery === 0 || i === steps - 1) sweep(machine, scenario, step.index, fail);
  }
  return { seed, steps, transfers: machine.state.transfers.size, accounts: machine.state.accounts.size, crashes, byKind };
}

function sweep(machine: LedgerMachine, scenario: FundScenario, step: number, fail: (step: number, detail: string) => never): void {
  const broken = checkInvariants(machine.state);
  if (broken) fail(step, broken);
  for (const [id, figures] of scenario.allClaimFigures()) {
    if (!sameBalances(figures, machine.state.accounts.get(id)))
      fail(step, `sweep: ${id} is ${show(machine.state.accounts.get(id))}, the oracle says ${show(figures)}`);
  }
  for (const [pendingId, status] of scenario.approvalStates()) {
    const resolution = machine.state.resolutions.get(pendingId);
    const kind = resolution === undefined ? 'reserved' : machine.state.transfers.get(resolution)?.kind === 'post' ? 'paid' : 'voided';
    if (kind !== status) fail(step, `approval ${pendingId} is ${kind}, the oracle says ${status}`);
    if (!machine.state.transfers.has(pendingId)) fail(step, `approval ${pendingId} has no reservation`);
  }
}

/** A process restart: nothing kept but the stored accounts (as created) and transfers, replayed in order. */
function restart(machine: LedgerMachine): LedgerMachine {
  const fresh = new LedgerMachine();
  const accounts = [...machine.state.accounts.values()].map((a) => ({
    id: a.id,
    code: a.code,
    currency: a.currency,
    flags: { debitsMustNotExceedCredits: a.debitsMustNotExceedCredits, creditsMustNotExceedDebits: a.creditsMustNotExceedDebits },
  }));
  fresh.createAccounts(accounts);
  for (const t of machine.state.transfers.values()) {
    const operation: LedgerOperation =
      t.kind === 'single' || t.kind === 'pending'
        ? {
            kind: 'transfer',
            id: t.id,
            debitAccountId: t.debitAccountId,
            creditAccountId: t.creditAccountId,
            amountMinor: t.amountMinor,
            currency: t.currency,
            code: t.code,
            pending: t.kind === 'pending',
            ...(t.reference === null ? {} : { reference: t.reference }),
          }
        : t.kind === 'post'
          ? { kind: 'post', id: t.id, pendingId: t.pendingId!, amountMinor: t.amountMinor }
          : { kind: 'void', id: t.id, pendingId: t.pendingId! };
    const [outcome] = fresh.linked([operation]);
    if (!outcome?.ok || outcome.status !== 'created') throw new Error(`replaying ${t.id} answered ${show(outcome)}`);
  }
  return fresh;
}

function accountsOf(machine: LedgerMachine, operation: LedgerOperation): string[] {
  if (operation.kind === 'transfer') return [operation.debitAccountId, operation.creditAccountId];
  const pending = machine.state.transfers.get(operation.pendingId);
  return pending ? [pending.debitAccountId, pending.creditAccountId] : [];
}

function sameBalances(a: Figures, b: Account | Figures | undefined): boolean {
  return (
    !!b &&
    a.debitsPosted === b.debitsPosted &&
    a.creditsPosted === b.creditsPosted &&
    a.debitsPending === b.debitsPending &&
    a.creditsPending === b.creditsPending
  );
}
