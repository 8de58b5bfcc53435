import fc from 'fast-check';
import { LedgerMachine, checkInvariants, type LedgerOperation } from './ledger.machine';

const accounts = ['a', 'b', 'c', 'limited', 'capped'];
const newMachine = () => {
  const machine = new LedgerMachine();
  machine.createAccounts([
    { id: 'a', code: 'a', currency: 'PHP' },
    { id: 'b', code: 'b', currency: 'PHP' },
    { id: 'c', code: 'c', currency: 'NPR' },
    { id: 'limited', code: 'pool', currency: 'PHP', flags: { debitsMustNotExceedCredits: true } },
    { id: 'capped', code: 'cap', currency: 'PHP', flags: { creditsMustNotExceedDebits: true } },
  ]);
  return machine;
};

const ids = fc.constantFrom('t1', 't2', 't3', 't4', 't5', 't6');
const operation: fc.Arbitrary<LedgerOperation> = fc.oneof(
  fc.record({
    kind: fc.constant('transfer' as const),
    id: ids,
    debitAccountId: fc.constantFrom(...accounts),
    creditAccountId: fc.constantFrom(...accounts),
    amountMinor: fc.bigInt({ min: -2n, max: 50n }),
    currency: fc.constantFrom('PHP', 'NPR'),
    code: fc.constant('x'),
    pending: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('post' as const),
    id: ids,
    pendingId: ids,
    amountMinor: fc.option(fc.bigInt({ min: 0n, max: 60n }), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('void' as const), id: ids, pendingId: ids }),
);
const snapshot = (machine: LedgerMachine) =>
  JSON.stringify([...machine.state.accounts.values(), ...machine.state.transfers.values()], (_, v: unknown) =>
    typeof v === 'bigint' ? String(v) : v,
  );

describe('the ledger machine, under any sequence of operations', () => {
  it('keeps debits = credits and every limit, and a refused group changes nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.array(operation, { minLength: 1, maxLength: 3 }), { maxLength: 40 }), (groups) => {
        const machine = newMachine();
        for (const group of groups) {
          const before = snapshot(machine);
          const outcomes = machine.linked(group);
          if (outcomes.some((o) => !o.ok)) {
            expect(snapshot(machine)).toBe(before);
            expect(outcomes.every((o) => !o.ok)).toBe(true);
          }
          expect(checkInvariants(machine.state)).toBeUndefined();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('answers a repeated group with exists and moves nothing', () => {
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 3 }), (group) => {
        const machine = newMachine();
        machine.createAccounts([]);
        machine.linked([
          { kind: 'transfer', id: 'fund', debitAccountId: 'a', creditAccountId: 'limited', amountMinor: 100n, currency: 'PHP', code: 'x' },
        ]);
        const first = machine.linked(group);
        if (!first.every((o) => o.ok && o.status === 'created')) return;
        const before = snapshot(machine);
        expect(machine.linked(group).map((o) => o.ok && o.status)).toEqual(group.map(() => 'exists'));
        expect(snapshot(machine)).toBe(before);
      }),
      { numRuns: 500 },
    );
  });
});
