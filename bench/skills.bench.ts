import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { measureBareCost, type RateAndLatency } from '@homeward/credentials';
import { testIssuer } from '@homeward/testing/infrastructure';
import { randomUUID } from 'node:crypto';
import { startSkillsHarness } from '@homeward/skills-certification/test/harness';
import { UNITS, givenAssessedCompetent, givenStandardAndCentre } from '@homeward/skills-certification/test/story';
import { printBareCost } from './credentials.bench.js';

/**
 * The skills service's two costs that matter (issue 11), in process on the real PostgreSQL and Kafka, beside
 * the bare cost of one Ed25519 Data Integrity signature and verification with the same library in the same run:
 * - issuance: POST /candidates/{id}/certificates — decide, allocate the number and status position, sign the
 *   credential twice (Data Integrity, VC-JWT) and its compact form, append, all in one transaction;
 * - public verification: GET /verify/{number}?code=… — the code's HMAC, the register row, the standard version
 *   (cached), the stored credential verified (Data Integrity proof with the issuer's key ring, dates) and its
 *   bits read from the service's signed status lists (kept verified in a StatusListCache), compared with the
 *   register. Measured cold — each certificate verified once after the remembered proofs are forgotten, so
 *   every request pays the full canonicalisation and signature check — and warm (the proof remembered by the
 *   SHA-256 of the credential: a hash instead of a canonicalisation).
 * Each at 1, 2 and 4 requests at a time; the issuance's certificates are split over the three levels.
 * The workers are given to the service as its consumer of registration's topic would record them (rows of
 * `known_workers`): what is measured starts after that, and registration's NestJS controllers need decorator
 * metadata that tsx (esbuild) does not emit, so registration is not started in this process.
 * Targets: verification p99 < 50 ms and ≥ 40 % of the bare Data Integrity verification rate; issuance p99 < 300 ms.
 *   npm run bench -- skills [-- --workers=300 --warm=3000 --levels=1,2,4]
 */
export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      workers: { type: 'string', default: '300' },
      warm: { type: 'string', default: '3000' },
      levels: { type: 'string', default: '1,2,4' },
      'bare-operations': { type: 'string', default: '300' },
    },
  });
  const workers = Number(values.workers);
  const levels = values.levels.split(',').map(Number);
  const loadBefore = os.loadavg();
  const issuer = await testIssuer();
  // Thousands of verifications from one address: far past the public rate limit, which the bench does not measure.
  const skills = await startSkillsHarness('bench_skills', {
    issuer,
    logLevel: 'error',
    env: { RATE_LIMITS: 'public-verification=1000000000' },
  });
  try {
    const standardId = 'bench-housekeeping';
    const { centreId } = await givenStandardAndCentre(skills, standardId);
    const ids: string[] = [];
    for (let i = 0; i < workers; i++) {
      const id = randomUUID();
      await skills.db.pool.query(
        `INSERT INTO known_workers (worker_id, sex, registered_on, last_destination) VALUES ($1, 'F', '2023-01-05', 'SA')`,
        [id],
      );
      ids.push(id);
    }
    for (const id of ids) await givenAssessedCompetent(skills, id, standardId, centreId);
    console.log(`${workers} workers assessed competent; issuing their certificates at ${levels.join(', ')} at a time`);

    const certificates: { number: string; code: string }[] = [];
    const issue = async (id: string) => {
      const response = await skills.call(
        'POST',
        `/candidates/${id}/certificates`,
        { kind: 'full_qualification', standardId, unitCodes: UNITS, issuedOn: '2024-08-05', expiresOn: '2029-08-04' },
        skills.tokens.certifier,
      );
      if (response.status !== 201) throw new Error(`issue → ${response.status} ${JSON.stringify(response.body)}`);
      const c = response.body!.certificates[0];
      certificates.push({ number: c.certificateNumber, code: c.verificationCode });
    };
    const issuance: Record<string, RateAndLatency> = {};
    const share = Math.floor(ids.length / levels.length);
    for (const [i, level] of levels.entries()) {
      issuance[level] = await timed(ids.slice(i * share, i === levels.length - 1 ? ids.length : (i + 1) * share), level, issue);
    }

    const credentials = skills.runtime.application.credentials;
    async function verify(c: { number: string; code: string }) {
      const response = await skills.call('GET', `/verify/${c.number}?code=${c.code}`, undefined, null);
      if (response.status !== 200 || response.body?.status !== 'valid' || response.body?.verifiedBy !== 'credential') {
        throw new Error(`verify → ${response.status} ${JSON.stringify(response.body)}`);
      }
    }
    // Warm-up of the code paths (JIT, the standard version, the status lists kept verified), then forgotten.
    await timed(certificates.slice(0, 60), 2, verify);
    const cold: Record<string, RateAndLatency> = {};
    const warm: Record<string, RateAndLatency> = {};
    for (const level of levels) {
      credentials.forgetVerifiedProofs();
      cold[level] = await timed(certificates, level, verify); // each certificate once: a full Data Integrity verification each
    }
    const checks = Array.from({ length: Number(values.warm) }, (_, i) => certificates[i % certificates.length]!);
    for (const level of levels) warm[level] = await timed(checks, level, verify); // every proof remembered by now

    const bare = await measureBareCost({ operations: Number(values['bare-operations']), warmup: 30 });
    const loadAfter = os.loadavg();
    printBareCost(bare);
    const row = (name: string, r: RateAndLatency) =>
      `${name.padEnd(40)} ${r.perSecond.toFixed(0).padStart(8)} /s   p50 ${r.p50Ms.toFixed(3).padStart(7)} ms   p99 ${r.p99Ms.toFixed(3).padStart(7)} ms   cpu ${r.cpuMsPerOp.toFixed(3).padStart(7)} ms/op   (${r.operations} ops)`;
    console.log(`\nthe skills service, in process (load average before ${fmtLoad(loadBefore)}, after ${fmtLoad(loadAfter)})`);
    for (const level of levels) console.log(row(`issuance (decide+sign+append), c=${level}`, issuance[level]!));
    for (const level of levels) console.log(row(`verification cold (full DI), c=${level}`, cold[level]!));
    for (const level of levels) console.log(row(`verification warm (proof remembered), c=${level}`, warm[level]!));
    const bareRate = bare.dataIntegrityVerify.perSecond;
    const verificationTargets = (r: RateAndLatency) => ({
      p99Under50ms: r.p99Ms < 50,
      atLeast40PercentOfBare: r.perSecond >= 0.4 * bareRate,
      percentOfBare: Math.round((r.perSecond / bareRate) * 1000) / 10,
    });
    const targets = {
      issuanceP99Under300ms: Object.fromEntries(levels.map((l) => [l, issuance[l]!.p99Ms < 300])),
      verificationCold: Object.fromEntries(levels.map((l) => [l, verificationTargets(cold[l]!)])),
      verificationWarm: Object.fromEntries(levels.map((l) => [l, verificationTargets(warm[l]!)])),
    };
    console.log('\ntargets', JSON.stringify(targets, null, 2));
    await mkdir(new URL('./results/', import.meta.url), { recursive: true });
    await writeFile(
      new URL('./results/skills.json', import.meta.url),
      JSON.stringify(
        {
          at: new Date().toISOString(),
          node: process.version,
          cpus: os.cpus().length,
          cpu: os.cpus()[0]?.model,
          loadAverage: { before: loadBefore, after: loadAfter },
          note: 'shared 2-vCPU machine: other sessions ran their own work during the run',
          certificates: certificates.length,
          levels,
          issuance,
          verification: { cold, warm },
          bare,
          targets,
        },
        null,
        2,
      ) + '\n',
    );
  } finally {
    await skills.stop();
  }
}

const fmtLoad = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');

/** Runs `work` over `items`, `concurrency` at a time; the rate over the whole run and each call's latency. */
async function timed<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<RateAndLatency> {
  const latencies: number[] = [];
  const queue = [...items];
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
        const t = performance.now();
        await work(item);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = performance.now() - started;
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return {
    operations: latencies.length,
    perSecond: (latencies.length / elapsed) * 1000,
    meanMs: latencies.reduce((a, b) => a + b, 0) / latencies.length,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    cpuMsPerOp: (used.user + used.system) / 1000 / latencies.length,
  };
}
