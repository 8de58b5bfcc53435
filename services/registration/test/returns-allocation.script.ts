/**
 * What one `POST /workers/{id}/returns` costs the API process in memory and garbage collection, in-process on
 * the real PostgreSQL and Kafka: the command path the registration benchmark loads (load → authorise →
 * decide → append → answer, a verified bearer token on every request, a different worker abroad each time),
 * driven through `app.inject` at a fixed concurrency so that concurrent commands share statements as they
 * do under the benchmark's 64 connections. The benchmark's server CPU per return moved with GC time more
 * than with any one function (bench/README.md, fourth session); this measures the allocations behind it
 * without the noise of a shared machine's request rates.
 *
 * Not part of `npm test` (jest's testMatch is *.spec.ts). One run:
 *
 *   HOMEWARD_TEST_RUN=alloc$RANDOM npx jest -c services/registration/jest.config.js \
 *     --testMatch '<rootDir>/test/returns-allocation.script.ts' --maxWorkers=1
 *
 * Options (environment): RETURNS (2,000 per measured phase), WARMUP (1,000), CONCURRENCY (16), TOP (20),
 * SAMPLING_INTERVAL (bytes between heap samples, 1,024), ALLOCATION_PROFILE (a path to save the
 * .heapprofile for DevTools), CPU_PROFILE (a path: a .cpuprofile of RETURNS more returns, to compare builds).
 *
 * The process runs the `api` role only, as the benchmark's API process does: the relay and the projection
 * (and their Kafka clients) would allocate beside the commands and blur what a return costs. Phases:
 * 1. seed: a generated legacy register through `POST /imports` (as the benchmark's), its workers abroad;
 * 2. warm-up returns (the JIT);
 * 3. timed returns: GC pauses (PerformanceObserver 'gc') and CPU time per return, nothing else running;
 * 4. profiled returns: bytes allocated per return from V8's sampling heap profiler, objects collected by
 *    minor and major GCs included, and the allocation sites that allocate most.
 * The figures include what `app.inject` itself allocates for a request and its answer (light-my-request
 * instead of a socket), the same in every build compared.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { legacyRegister } from '@homeward/registration/legacy-register-generator';
import { createTestDatabase, testIssuer } from '@homeward/testing/infrastructure';
import { loadRegistrationConfig } from '../src/registration.config';
import { startRegistration } from '../src/registration.app';
import { registrationTestSettings } from './registration.harness';

const RETURNS = Number(process.env.RETURNS ?? 2_000);
const WARMUP = Number(process.env.WARMUP ?? 1_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const TOP = Number(process.env.TOP ?? 20);
const SAMPLING_INTERVAL = Number(process.env.SAMPLING_INTERVAL ?? 1_024);

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number; readonly columnNumber: number };
  readonly selfSize: number;
  readonly children: readonly ProfileNode[];
}

function post(session: Session, method: string, params: object = {}): Promise<any> {
  return new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
}

const ROOT = `${__dirname.replace(/services\/registration\/test$/, '')}`;
/** Where a frame is, relative to the repository (node_modules kept, so a dependency is recognisable). */
const where = (url: string) => url.replace(/^file:\/\//, '').replace(ROOT, '');
/** Frames of the project's own code, as opposed to dependencies, Node's internals and the engine. */
const ours = (url: string) => /\/(packages|services)\/[^/]+\/src\//.test(url) && !url.includes('node_modules');

/**
 * Line numbers in the profile are those of the code jest ran (TypeScript compiled by swc, the preset's
 * options); mapped back to the TypeScript source here with the same compiler's source map.
 */
function sourceLines(): (url: string, line: number) => number {
  const maps = new Map<string, ((line: number) => number) | undefined>();
  return (url, line) => {
    const path = url.replace(/^file:\/\//, '');
    if (!path.endsWith('.ts')) return line + 1;
    if (!maps.has(path)) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const swc = require('@swc/core') as typeof import('@swc/core');
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { SourceMapConsumer } = require('source-map') as { SourceMapConsumer: new (raw: string) => any };
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const options = require(`${ROOT}scripts/swc-options.js`) as import('@swc/core').Options;
        // Compiled as jest compiled it, with the source map apart instead of inline.
        const out = swc.transformSync(readFileSync(path, 'utf8'), { ...options, filename: path, sourceMaps: true });
        const consumer = new SourceMapConsumer(out.map!);
        maps.set(path, (l) => {
          for (let column = 0; column < 200; column += 4) {
            const original = consumer.originalPositionFor({ line: l + 1, column }) as { line: number | null };
            if (original.line) return original.line;
          }
          return l + 1;
        });
      } catch {
        maps.set(path, undefined);
      }
    }
    return maps.get(path)?.(line) ?? line + 1;
  };
}

/** Bytes allocated, in all and per site: self sizes by frame, and by the nearest frame of the project's own code. */
function allocationSites(head: ProfileNode) {
  const bySite = new Map<string, number>();
  const byOwnFrame = new Map<string, number>();
  const lineOf = sourceLines();
  let total = 0;
  const site = (frame: ProfileNode['callFrame']) =>
    `${frame.functionName || '(anonymous)'} ${frame.url ? `${where(frame.url)}:${lineOf(frame.url, frame.lineNumber)}` : '(native)'}`;
  const visit = (node: ProfileNode, own: string | undefined) => {
    const here = ours(node.callFrame.url) ? site(node.callFrame) : own;
    if (node.selfSize > 0) {
      total += node.selfSize;
      const key = site(node.callFrame);
      bySite.set(key, (bySite.get(key) ?? 0) + node.selfSize);
      const ownKey = here ?? '(no frame of ours: dependencies, Node, the engine)';
      byOwnFrame.set(ownKey, (byOwnFrame.get(ownKey) ?? 0) + node.selfSize);
    }
    for (const child of node.children) visit(child, here);
  };
  visit(head, undefined);
  const top = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP)
      .map(([where, bytes]) => ({ where, bytesPerReturn: Math.round(bytes / RETURNS) }));
  return { total, sites: top(bySite), ownFrames: top(byOwnFrame) };
}

async function main() {
  const db = await createTestDatabase('returns_allocation');
  const issuer = await testIssuer();
  const runtime = await startRegistration(loadRegistrationConfig(registrationTestSettings(db.url, issuer, { ROLES: 'api' })));
  const app = runtime.app;
  const token = await issuer.token({ organisationId: 'bench-agency', kind: 'agency' });
  try {
    // 1. Workers abroad, from a legacy register as the benchmark's (about 40% of its rows are abroad).
    // The timed and the allocation phases, and the CPU profile's when asked for: each its own workers.
    const needed = WARMUP + (process.env.CPU_PROFILE ? 3 : 2) * RETURNS;
    const { records } = legacyRegister(Math.ceil((needed / 0.35) * 1.1), 0, 2026);
    for (let offset = 0; offset < records.length; offset += 5_000) {
      const response = await app.inject({
        method: 'POST',
        url: `/imports?source=alloc&firstRow=${offset + 1}`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
        payload: records
          .slice(offset, offset + 5_000)
          .map((r) => JSON.stringify(r))
          .join('\n'),
      });
      if (response.statusCode >= 300) throw new Error(`import failed: ${response.statusCode} ${response.body}`);
    }
    const { rows } = await db.pool.query<{ stream_id: string }>(
      `SELECT stream_id FROM events GROUP BY stream_id
        HAVING bool_or(event_type = 'DepartureRecorded') AND NOT bool_or(event_type = 'ReturnRecorded')`,
    );
    const workers = rows.map((r) => r.stream_id.slice('worker-'.length));
    if (workers.length < needed) throw new Error(`${workers.length} workers abroad, ${needed} needed`);
    await db.pool.query('ANALYZE');

    const body = JSON.stringify({ returnedOn: '2026-01-15', fromCountry: 'SA', assistance: 'unassisted', reason: 'contract_completed' });
    let next = 0;
    const returns = async (count: number) => {
      let refused = 0;
      let left = count;
      const lane = async () => {
        while (left-- > 0) {
          const response = await app.inject({
            method: 'POST',
            url: `/workers/${workers[next++]}/returns`,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            payload: body,
          });
          if (response.statusCode !== 201) refused++;
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, lane));
      if (refused > 0) throw new Error(`${refused} of ${count} returns were refused`);
    };

    // 2. Warm-up.
    await returns(WARMUP);

    // 3. GC and CPU per return, without the profiler.
    const pauses: PerformanceEntry[] = [];
    const observer = new PerformanceObserver((list) => pauses.push(...list.getEntries()));
    observer.observe({ entryTypes: ['gc'] });
    const cpu = process.cpuUsage();
    const started = performance.now();
    await returns(RETURNS);
    const used = process.cpuUsage(cpu);
    const wallMs = performance.now() - started;
    // Entries are delivered asynchronously: let the last ones arrive.
    await new Promise((r) => setTimeout(r, 100));
    observer.disconnect();
    const gcMs = pauses.reduce((sum, p) => sum + p.duration, 0);
    const kinds: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' };
    const gcByKind: Record<string, { count: number; ms: number }> = {};
    for (const p of pauses) {
      const kind = kinds[(p as unknown as { detail?: { kind: number } }).detail?.kind ?? 0] ?? 'other';
      const k = (gcByKind[kind] ??= { count: 0, ms: 0 });
      k.count++;
      k.ms = Math.round((k.ms + p.duration) * 100) / 100;
    }

    // 3b. CPU_PROFILE=<path>: a CPU profile of RETURNS more returns (DevTools' .cpuprofile), to compare builds by function.
    if (process.env.CPU_PROFILE) {
      const profiler = new Session();
      profiler.connect();
      await post(profiler, 'Profiler.enable');
      await post(profiler, 'Profiler.setSamplingInterval', { interval: 100 });
      await post(profiler, 'Profiler.start');
      await returns(RETURNS);
      const { profile } = (await post(profiler, 'Profiler.stop')) as { profile: unknown };
      profiler.disconnect();
      writeFileSync(process.env.CPU_PROFILE, JSON.stringify(profile));
    }

    // 4. Bytes allocated per return, and where.
    const session = new Session();
    session.connect();
    await post(session, 'HeapProfiler.enable');
    await post(session, 'HeapProfiler.startSampling', {
      samplingInterval: SAMPLING_INTERVAL,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    await returns(RETURNS);
    const { profile } = (await post(session, 'HeapProfiler.stopSampling')) as { profile: { head: ProfileNode } };
    session.disconnect();
    if (process.env.ALLOCATION_PROFILE) writeFileSync(process.env.ALLOCATION_PROFILE, JSON.stringify(profile));
    const { total, sites, ownFrames } = allocationSites(profile.head);

    console.log(
      JSON.stringify(
        {
          returns: RETURNS,
          concurrency: CONCURRENCY,
          allocatedKbPerReturn: Math.round(total / RETURNS / 102.4) / 10,
          gcMsPerReturn: Math.round((gcMs / RETURNS) * 1000) / 1000,
          gcByKind,
          cpuMicrosPerReturn: Math.round((used.user + used.system) / RETURNS),
          wallMicrosPerReturn: Math.round((wallMs * 1000) / RETURNS),
          topSites: sites,
          topOwnFrames: ownFrames,
        },
        null,
        1,
      ),
    );
  } finally {
    await runtime.stop();
    await db.drop();
  }
}

it('measures the allocations of a return', () => main(), 900_000);
