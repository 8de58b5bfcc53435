import { runFundSimulation } from '@homeward/ledger/simulation';

// The acceptance's VOPR-like test: ≥ 100,000 seeded steps against the pure ledger, checked after every
// step against an oracle. A failure names its seed; FUND_SIMULATION_SEED reruns exactly that scenario.
const seed = Number(process.env.FUND_SIMULATION_SEED ?? Math.floor(Math.random() * 2 ** 31));

describe('the fund simulation', () => {
  it(`keeps the books through 100,000 steps of claims, retries, races and crashes (seed ${seed})`, () => {
    const report = runFundSimulation({ seed, steps: 100_000, replayEvery: 3 });
    expect(report.steps).toBe(100_000);
    // The scenario exercised every kind of step, not only the easy ones.
    for (const [kind, count] of Object.entries(report.byKind)) expect([kind, count > 0]).toEqual([kind, true]);
    expect(report.transfers).toBeGreaterThan(30_000);
  });

  it('is deterministic: the same seed, the same run', () => {
    expect(runFundSimulation({ seed: 42, steps: 5_000 })).toEqual(runFundSimulation({ seed: 42, steps: 5_000 }));
  });
});
