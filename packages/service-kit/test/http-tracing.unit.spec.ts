import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { traceparentOf } from '@homeward/telemetry';
import { InMemorySpanExporter, SimpleSpanProcessor, addSpanProcessor, startTelemetry } from '@homeward/telemetry/sdk';
import { createLogger } from '../src/service-kit';
import { traceRequests } from '../src/http-tracing';

// A span per request, active in the handler (after the body was read, whose events run outside the
// request's hooks), continuing the caller's traceparent; and the log lines written in it carry its ids.

describe('HTTP tracing', () => {
  const exporter = new InMemorySpanExporter();
  const lines: Record<string, unknown>[] = [];
  const log = createLogger(
    'tracing-test',
    'info',
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    }),
  );
  const app = Fastify({ loggerInstance: log.child({ component: 'http' }) });

  beforeAll(async () => {
    startTelemetry({ serviceName: 'tracing-test', env: {} });
    addSpanProcessor(new SimpleSpanProcessor(exporter));
    traceRequests(app as unknown as FastifyInstance);
    app.post('/things/:id', async (request) => {
      await new Promise((r) => setTimeout(r, 1));
      log.info({ id: (request.params as { id: string }).id }, 'handling');
      return { traceparent: traceparentOf(), body: request.body };
    });
    await app.ready();
  });
  afterAll(() => app.close());
  beforeEach(() => exporter.reset());

  it('makes the request span the active one in the handler, and the log line carries its ids', async () => {
    lines.length = 0;
    const response = await app.inject({ method: 'POST', url: '/things/7?x=1', payload: { a: 1 } });
    expect(response.statusCode).toBe(200);
    const [span] = exporter.getFinishedSpans();
    expect(span!.name).toBe('POST /things/:id');
    expect(span!.attributes).toMatchObject({ 'http.route': '/things/:id', 'url.path': '/things/7', 'http.response.status_code': 200 });
    const { traceId, spanId } = span!.spanContext();
    expect(response.json()).toEqual({ traceparent: `00-${traceId}-${spanId}-01`, body: { a: 1 } });
    expect(lines.find((l) => l.msg === 'handling')).toMatchObject({ trace_id: traceId, span_id: spanId, service: 'tracing-test' });
    // Fastify's own lines of the request too.
    expect(lines.find((l) => l.msg === 'request completed')).toMatchObject({ trace_id: traceId, span_id: spanId, component: 'http' });
  });

  it("continues the caller's trace", async () => {
    await app.inject({
      method: 'POST',
      url: '/things/8',
      payload: {},
      headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    });
    const [span] = exporter.getFinishedSpans();
    expect(span!.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span!.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });

  it('traces a request without a route too, as its method', async () => {
    const response = await app.inject({ method: 'GET', url: '/nowhere' });
    expect(response.statusCode).toBe(404);
    const [span] = exporter.getFinishedSpans();
    expect(span!.name).toBe('GET');
    expect(span!.attributes['http.response.status_code']).toBe(404);
  });
});
