import { FAULT_KINDS, runChaos, type FaultKind } from './chaos-run';

// `npm run chaos`: the chaos run of issue 14 §1 (src/chaos-run.ts). Settings from the environment:
// CHAOS_SECONDS (600), CHAOS_SEED (a random one, printed), CHAOS_CLIENTS (48), CHAOS_RATE (0: no cap),
// CHAOS_KILL_EVERY (mean seconds between faults, 20), CHAOS_KINDS (comma-separated, default every kind),
// CHAOS_SUMMARY (the JSON summary's file, default chaos-summary.json). Exits 1 unless every check passed.

const number = (name: string, fallback: number) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}: expected a number, not ${raw}`);
  return n;
};

async function main(): Promise<void> {
  const kinds = process.env.CHAOS_KINDS ? (process.env.CHAOS_KINDS.split(',').map((k) => k.trim()) as FaultKind[]) : FAULT_KINDS;
  const unknown = kinds.filter((k) => !FAULT_KINDS.includes(k));
  if (unknown.length) throw new Error(`CHAOS_KINDS: unknown ${unknown.join(', ')} (expected some of ${FAULT_KINDS.join(', ')})`);
  const seed = number('CHAOS_SEED', Math.floor(Math.random() * 2 ** 31));
  process.stdout.write(`chaos: seed ${seed} (CHAOS_SEED=${seed} draws the same faults again)\n`);
  const summary = await runChaos({
    seconds: number('CHAOS_SECONDS', 600),
    seed,
    clients: number('CHAOS_CLIENTS', 48),
    rate: number('CHAOS_RATE', 0),
    killEvery: number('CHAOS_KILL_EVERY', 20),
    kinds,
    summaryFile: process.env.CHAOS_SUMMARY ?? 'chaos-summary.json',
  });
  process.stdout.write(`${JSON.stringify({ ...summary, faults: undefined, options: undefined }, null, 2)}\n`);
  process.exitCode = summary.passed ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(2);
});
