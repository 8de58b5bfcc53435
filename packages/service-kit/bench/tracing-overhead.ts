/**
 * What tracing costs an HTTP request, in-process (no network, no database): a Fastify route that logs a line,
 * appends in a span (the event store's shape of work, without the database) and answers, called through
 * `inject`. Three variants in one process, in interleaved rounds of 1,000 requests so that the load of a
 * shared machine falls on each alike; CPU time (user + system) per request is the figure, wall time beside it:
 *
 *   off        no tracing code at all (no hooks, no span, a logger without the trace mixin): the baseline
 *   default    `nosdk`: no OTEL_EXPORTER_OTLP_ENDPOINT, so no SDK and no HTTP hooks; the event store's span
 *              calls are the API's no-ops
 *   ids        HOMEWARD_TRACE_IDS=true: the SDK and the HTTP hooks, spans with ids but not recorded
 *   recording  an exporter configured: spans recorded and handed to a batch processor (an exporter that
 *              drops them: OTLP without the network)
 *
 *   npx tsx --conditions=@homeward/source packages/service-kit/bench/tracing-overhead.ts [rounds] [nosdk]
 */
import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { inSpan, logTraceFields, traceparentOf } from '@homeward/telemetry';
import { BatchSpanProcessor, addSpanProcessor, startTelemetry } from '@homeward/telemetry/sdk';
import { traceRequests } from '../src/http-tracing';

const rounds = Number(process.argv[2] ?? 10);
// `nosdk`: the SDK never started, as in a process without OTEL_EXPORTER_OTLP_ENDPOINT; the API's no-ops only.
const sdk = process.argv[3] !== 'nosdk';
const perRound = 1_000;
type Mode = 'off' | 'default' | 'ids' | 'recording';

async function app(traced: boolean): Promise<FastifyInstance> {
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const log = pino({ level: 'info', ...(traced ? { mixin: logTraceFields } : {}) }, sink);
  const fastify = Fastify();
  // As createService does: the hooks only when the SDK runs.
  if (traced && sdk) traceRequests(fastify);
  fastify.post('/workers/:id/departures', async (request) => {
    log.info({ id: (request.params as { id: string }).id }, 'command');
    const stamped = traced ? await inSpan('event-store append', {}, async () => traceparentOf()) : undefined;
    return { ok: true, stamped: stamped !== undefined };
  });
  await fastify.ready();
  return fastify;
}

async function main(): Promise<void> {
  if (sdk) startTelemetry({ serviceName: 'overhead', env: {} });
  const plain = await app(false);
  const traced = await app(true);
  const exporter = { export: (_spans: unknown, done: (r: { code: number }) => void) => done({ code: 0 }), shutdown: async () => undefined };
  const run = async (mode: Mode) => {
    const target = mode === 'off' ? plain : traced;
    const remove = mode === 'recording' ? addSpanProcessor(new BatchSpanProcessor(exporter)) : undefined;
    const cpu = process.cpuUsage();
    const wall = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) {
      await target.inject({ method: 'POST', url: `/workers/${i}/departures`, payload: { destinationCountry: 'SA' } });
    }
    const used = process.cpuUsage(cpu);
    const result = { cpu: (used.user + used.system) / perRound, wall: Number(process.hrtime.bigint() - wall) / 1_000 / perRound };
    remove?.();
    return result;
  };
  const modes: Mode[] = sdk ? ['off', 'ids', 'recording'] : ['off', 'default'];
  for (const mode of modes) await run(mode); // warm-up
  const samples = new Map<Mode, { cpu: number; wall: number }[]>(modes.map((m) => [m, []]));
  for (let r = 0; r < rounds; r++) for (const mode of r % 2 ? [...modes].reverse() : modes) samples.get(mode)!.push(await run(mode));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const off = median(samples.get('off')!.map((s) => s.cpu));
  for (const mode of modes) {
    const cpu = median(samples.get(mode)!.map((s) => s.cpu));
    const wall = median(samples.get(mode)!.map((s) => s.wall));
    console.log(
      `${mode.padEnd(9)} cpu ${cpu.toFixed(1)} µs/request (+${(cpu - off).toFixed(1)} µs, ${(((cpu - off) / off) * 100).toFixed(1)} %), wall ${wall.toFixed(1)} µs/request (median of ${rounds} rounds of ${perRound})`,
    );
  }
  await plain.close();
  await traced.close();
}

void main();
