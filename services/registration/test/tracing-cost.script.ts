/**
 * What tracing costs a real command and query of the registration service, in-process on the real
 * PostgreSQL and Kafka (the relay and the worker-status consumer run in the same process, so their spans
 * count too): 1,000 POST /workers and 5,000 GET /workers/:id, CPU time (user + system) per request. One
 * mode per process, since the SDK is process-wide; not part of `npm test` (jest's testMatch is *.spec.ts):
 *
 *   COST_MODE=off|ids|recording HOMEWARD_TEST_RUN=cost$RANDOM npx jest -c services/registration/jest.config.js \
 *     --testMatch '<rootDir>/test/tracing-cost.script.ts' --maxWorkers=1
 *
 * `ids` is HOMEWARD_TRACE_IDS=true (the SDK, nothing recorded), `recording` an exporter configured (a batch processor whose exporter drops the spans).
 */
import { BatchSpanProcessor, addSpanProcessor, startTelemetry } from '@homeward/telemetry/sdk';
import { aWorker, startHarness } from './registration.harness';

const mode = process.env.COST_MODE ?? 'off';
async function main() {
  if (mode !== 'off') startTelemetry({ serviceName: 'registration', env: {} });
  if (mode === 'recording')
    addSpanProcessor(new BatchSpanProcessor({ export: (_s, done) => done({ code: 0 }), shutdown: async () => undefined }));
  const h = await startHarness('tracing_cost');
  try {
    const ids: string[] = [];
    const post = async (n: number) => {
      const cpu = process.cpuUsage();
      const t = process.hrtime.bigint();
      for (let i = 0; i < n; i++) {
        const r = await h.call('POST', '/workers', aWorker());
        if (r.status !== 201) throw new Error(String(r.status));
        ids.push(r.body!.workerId as string);
      }
      const u = process.cpuUsage(cpu);
      return { cpu: (u.user + u.system) / n, wall: Number(process.hrtime.bigint() - t) / 1000 / n };
    };
    const get = async (n: number) => {
      const cpu = process.cpuUsage();
      const t = process.hrtime.bigint();
      for (let i = 0; i < n; i++) {
        const r = await h.call('GET', `/workers/${ids[i % ids.length]}`);
        if (r.status !== 200) throw new Error(String(r.status));
      }
      const u = process.cpuUsage(cpu);
      return { cpu: (u.user + u.system) / n, wall: Number(process.hrtime.bigint() - t) / 1000 / n };
    };
    await post(200);
    await get(1000);
    const p = await post(1000);
    const g = await get(5000);
    console.log(
      JSON.stringify({
        mode,
        postCpuUs: Math.round(p.cpu),
        postWallUs: Math.round(p.wall),
        getCpuUs: Math.round(g.cpu),
        getWallUs: Math.round(g.wall),
      }),
    );
  } finally {
    await h.stop();
  }
}
it('measures', () => main(), 600_000);
