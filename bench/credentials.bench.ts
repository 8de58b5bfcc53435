import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { measureBareCost, type BareCost, type RateAndLatency } from '@homeward/credentials';

/**
 * The bare cost of one Ed25519 Data Integrity signature and verification (eddsa-rdfc-2022 with the
 * @digitalbazaar packages the skills service uses, on the same 6-unit certificate credential), and of one raw
 * Ed25519 operation for scale. No database, no HTTP: the limit the skills benchmark compares issuance and
 * public verification against (`npm run bench -- skills` calls measureBareCost in the same run).
 *   npm run bench -- credentials [-- --operations=1000 --warmup=100]
 */
export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: { operations: { type: 'string', default: '1000' }, warmup: { type: 'string', default: '100' } },
  });
  const cost = await measureBareCost({ operations: Number(values.operations), warmup: Number(values.warmup) });
  printBareCost(cost);
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(
    new URL('./results/credentials.json', import.meta.url),
    JSON.stringify(
      { at: new Date().toISOString(), node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, ...cost },
      null,
      2,
    ) + '\n',
  );
}

/** One line per operation; the skills bench prints the same table beside its own figures. */
export function printBareCost(cost: BareCost): void {
  const row = (name: string, r: RateAndLatency) =>
    `${name.padEnd(36)} ${r.perSecond.toFixed(0).padStart(8)} /s   p50 ${r.p50Ms.toFixed(3).padStart(7)} ms   p99 ${r.p99Ms.toFixed(3).padStart(7)} ms   cpu ${r.cpuMsPerOp.toFixed(3).padStart(7)} ms/op   (${r.operations} ops)`;
  console.log(`bare cost, one operation at a time (credential: ${cost.credentialBytes} bytes signed)`);
  console.log(row('Data Integrity sign (eddsa-rdfc-2022)', cost.dataIntegritySign));
  console.log(row('Data Integrity verify', cost.dataIntegrityVerify));
  console.log(row('Ed25519 sign (raw)', cost.ed25519Sign));
  console.log(row('Ed25519 verify (raw)', cost.ed25519Verify));
}
