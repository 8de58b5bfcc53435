import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

// With OTEL_EXPORTER_OTLP_ENDPOINT set, spans leave the process by OTLP/HTTP: a local collector stand-in
// (a plain HTTP server on a free port) receives them at /v1/traces.

describe('OTLP export', () => {
  let server: Server;
  const received: { url: string; headers: IncomingHttpHeaders; body: Buffer }[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        received.push({ url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the spans to the configured endpoint, named by the service', async () => {
    const { port } = server.address() as AddressInfo;
    // A process of its own, as a service would run (see the fixture).
    await promisify(execFile)(
      join(__dirname, '../../../node_modules/.bin/tsx'),
      ['--conditions=@homeward/source', join(__dirname, 'otlp-export.fixture.ts')],
      { env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` }, timeout: 60_000 },
    );
    expect(received).toHaveLength(1);
    expect(received[0]!.url).toBe('/v1/traces');
    const body = received[0]!.body.toString('latin1');
    expect(body).toContain('exported span');
    expect(body).toContain('otlp-test');
  });
});
