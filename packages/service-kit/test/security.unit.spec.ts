import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Body, Controller, Get, Module, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { TokenVerifier } from '@homeward/auth';
import { DEV_AUDIENCE, DEV_ISSUER, devIssuer } from '@homeward/auth/dev-issuer';
import { createService, type NestFastifyApplication, type OpenApiDocument } from '@homeward/service-kit';
import { loadConfig, securitySettings } from '@homeward/service-kit/config';

// The HTTP edge createService gives every service (security.ts): security headers and no-store on every
// answer, success or problem; CORS only for the origins configured; the 1 MiB body limit (413 problem);
// rate limits per principal on the routes a service names (429 problem with Retry-After).

@Controller()
class ThingsController {
  @Get('/things/:id')
  get(@Param('id') id: string) {
    return { id, name: 'a thing' };
  }
  @Post('/things')
  create(@Body() body: { name: string }) {
    return { id: 't-1', name: body.name };
  }
  @Get('/search')
  search() {
    return { items: [] };
  }
  @Get('/page')
  page(@Res({ passthrough: true }) reply: FastifyReply) {
    // A page with its own policy, as the public verification page sends.
    void reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'sha256-abc'");
    return '<!doctype html><title>A page</title>';
  }
  @Get('/public/:code')
  verify(@Param('code') code: string) {
    return { code, valid: false };
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

const openApi: OpenApiDocument = {
  openapi: '3.1.0',
  paths: {
    '/things/{id}': { get: { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', maxLength: 10 } }] } },
    '/things': {
      post: {
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } } },
        },
      },
    },
    '/search': { get: {} },
    '/page': { get: {} },
    '/public/{code}': { get: { parameters: [{ name: 'code', in: 'path', required: true, schema: { type: 'string' } }] } },
  },
};

describe('the HTTP edge of every service', () => {
  let app: NestFastifyApplication;
  let token: string;
  let otherToken: string;
  let issuerUrl: string;

  beforeAll(async () => {
    const issuer = await devIssuer(mkdtempSync(join(tmpdir(), 'security-edge-')));
    issuerUrl = issuer.jwksUrl;
    token = await issuer.issue({ organisationId: 'ph-dmw-registry', kind: 'agency', subject: 'clerk-1' });
    otherToken = await issuer.issue({ organisationId: 'ph-dmw-registry', kind: 'agency', subject: 'clerk-2' });
    app = await createService({
      name: 'security-edge-test',
      module: ThingsModule,
      openApi,
      logLevel: 'silent',
      publicRoutes: [/^\/public\//],
      verifier: new TokenVerifier({ jwksUrl: issuer.jwksUrl, issuer: DEV_ISSUER, audience: DEV_AUDIENCE }),
      security: loadConfig(securitySettings, {
        CORS_ALLOWED_ORIGINS: 'https://console.homeward.example',
        RATE_LIMITS: 'search=3',
        RATE_LIMIT_WINDOW_SECONDS: '60',
      }),
      rateLimits: [
        { name: 'search', method: 'GET', url: '/search', max: 1000 },
        { name: 'verification', method: 'GET', url: '/public/{code}', max: 2 },
      ],
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app?.close());

  const call = (method: 'GET' | 'POST' | 'OPTIONS', url: string, headers: Record<string, string> = {}, payload?: string) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${token}`, ...headers }, ...(payload === undefined ? {} : { payload }) });

  function expectSecurityHeaders(headers: Record<string, unknown>): void {
    expect(headers['cache-control']).toBe('no-store');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(headers['x-powered-by']).toBeUndefined();
    // OWASP's REST set and no more: the headers that only matter to an HTML document are not sent with JSON.
    for (const htmlOnly of [
      'cross-origin-opener-policy',
      'cross-origin-resource-policy',
      'origin-agent-cluster',
      'x-dns-prefetch-control',
      'x-download-options',
      'x-permitted-cross-domain-policies',
      'x-xss-protection',
    ]) {
      expect(headers[htmlOnly]).toBeUndefined();
    }
  }

  it('sends the security headers and no-store on a 200', async () => {
    const r = await call('GET', '/things/t-1');
    expect(r.statusCode).toBe(200);
    expectSecurityHeaders(r.headers);
  });

  it.each([
    ['a 401', () => call('GET', '/things/t-1', { authorization: 'Bearer nonsense' }), 401],
    ['a 400', () => call('GET', '/things/much-too-long-an-id'), 400],
    ['a 404', () => call('GET', '/nowhere'), 404],
    ['a 415', () => call('POST', '/things', { 'content-type': 'text/plain' }, 'name'), 415],
  ])('sends them on a problem too: %s', async (_what, request, status) => {
    const r = await request();
    expect(r.statusCode).toBe(status);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expectSecurityHeaders(r.headers);
  });

  it("sends an HTML page helmet's whole set, its same-origin policy for Swagger UI, and no-store", async () => {
    const page = await app.inject({ method: 'GET', url: '/docs' });
    const html = page.statusCode === 302 ? await app.inject({ method: 'GET', url: String(page.headers.location) }) : page;
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.headers).toMatchObject({
      'cache-control': 'no-store',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
    });
    const policy = String(html.headers['content-security-policy']);
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("form-action 'self'");
    // Swagger UI's static files may be cached; its JSON document not.
    const script = await app.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['cache-control']).not.toBe('no-store');
    expect((await app.inject({ method: 'GET', url: '/docs/json' })).headers['cache-control']).toBe('no-store');
  });

  it('keeps the security policy an HTML page sends of its own', async () => {
    const page = await call('GET', '/page');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toBe("default-src 'none'; style-src 'sha256-abc'");
    expect(page.headers['x-dns-prefetch-control']).toBe('off');
    expect(page.headers['cache-control']).toBe('no-store');
  });

  it('answers CORS for a configured origin only', async () => {
    const allowed = await call('GET', '/things/t-1', { origin: 'https://console.homeward.example' });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://console.homeward.example');
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/things',
      headers: {
        origin: 'https://console.homeward.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,idempotency-key',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');

    const elsewhere = await call('GET', '/things/t-1', { origin: 'https://evil.example' });
    expect(elsewhere.statusCode).toBe(200);
    const cors = Object.keys(elsewhere.headers).filter((h) => h.startsWith('access-control-'));
    expect(cors).toEqual([]);
    const refusedPreflight = await app.inject({
      method: 'OPTIONS',
      url: '/things',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(Object.keys(refusedPreflight.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    // Answered as any OPTIONS request is without CORS: the documented 405 problem (404 off the API's paths).
    expect(refusedPreflight.statusCode).toBe(405);
    expect(refusedPreflight.headers['content-type']).toMatch(/^application\/problem\+json/);
    const plainOptions = await app.inject({ method: 'OPTIONS', url: '/nowhere' });
    expect(plainOptions.statusCode).toBe(404);
    expect(plainOptions.json()).toMatchObject({ code: 'request.unknown-route' });
  });

  it('answers no CORS at all when no origin is configured (the default)', async () => {
    const closed = await createService({
      name: 'security-edge-no-cors',
      module: ThingsModule,
      openApi,
      logLevel: 'silent',
      verifier: new TokenVerifier({ jwksUrl: issuerUrl, issuer: DEV_ISSUER, audience: DEV_AUDIENCE }),
      security: loadConfig(securitySettings, {}),
    });
    try {
      await closed.init();
      await closed.getHttpAdapter().getInstance().ready();
      const from = await closed.inject({
        method: 'GET',
        url: '/things/t-1',
        headers: { authorization: `Bearer ${token}`, origin: 'https://console.homeward.example' },
      });
      expect(from.statusCode).toBe(200);
      expect(Object.keys(from.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
      expectSecurityHeaders(from.headers);
      const preflight = await closed.inject({
        method: 'OPTIONS',
        url: '/things',
        headers: { origin: 'https://console.homeward.example', 'access-control-request-method': 'POST' },
      });
      expect(preflight.statusCode).toBe(405);
      expect(Object.keys(preflight.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    } finally {
      await closed.close();
    }
  });

  it('refuses a body past 1 MiB with a 413 problem', async () => {
    const r = await call('POST', '/things', { 'content-type': 'application/json' }, JSON.stringify({ name: 'x'.repeat(1_100_000) }));
    expect(r.statusCode).toBe(413);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(r.json()).toMatchObject({ status: 413, code: 'request.body-too-large' });
    expectSecurityHeaders(r.headers);
    // Just under it is read.
    const fits = await call('POST', '/things', { 'content-type': 'application/json' }, JSON.stringify({ name: 'x'.repeat(1_000_000) }));
    expect(fits.statusCode).toBe(201);
  });

  it('limits a route per principal (the token subject), 429 problem with Retry-After past the limit set by RATE_LIMITS', async () => {
    for (let i = 0; i < 3; i++) expect((await call('GET', '/search')).statusCode).toBe(200);
    const limited = await call('GET', '/search');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.json()).toMatchObject({ status: 429, code: 'request.rate-limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expectSecurityHeaders(limited.headers);
    // Another principal has its own count; routes without a rule are not counted.
    expect((await call('GET', '/search', { authorization: `Bearer ${otherToken}` })).statusCode).toBe(200);
    for (let i = 0; i < 10; i++) expect((await call('GET', '/things/t-1')).statusCode).toBe(200);
  });

  it('limits a public route per client address', async () => {
    const from = (ip: string) => app.inject({ method: 'GET', url: '/public/abc', remoteAddress: ip });
    expect((await from('10.0.0.1')).statusCode).toBe(200);
    expect((await from('10.0.0.1')).statusCode).toBe(200);
    const limited = await from('10.0.0.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect((await from('10.0.0.2')).statusCode).toBe(200);
  });
});
