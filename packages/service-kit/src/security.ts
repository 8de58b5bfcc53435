import fastifyCors from '@fastify/cors';
import fastifyRateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import helmet from 'helmet';
import type { Principal } from '@homeward/auth';
import { Problem, fieldError } from './problem';

/**
 * The HTTP edge every Homeward API shares, configured deliberately rather than left to defaults:
 *
 * - security headers, by what the answer is. An API answer (JSON, problem+json, text) gets the headers OWASP's
 *   REST Security Cheat Sheet names for every API response: `Cache-Control: no-store`, `Strict-Transport-Security`,
 *   `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY` and `Content-Security-Policy: default-src 'none';
 *   frame-ancestors 'none'` (nothing of it may load or frame anything), and `Referrer-Policy: no-referrer`. An
 *   HTML page (Swagger UI at `/docs`, the public verification page) gets `helmet`'s whole set as well — the
 *   headers that only matter to a document a browser renders (a same-origin policy for Swagger UI's scripts,
 *   cross-origin isolation, `X-DNS-Prefetch-Control`, …) — except where the page sends its own (its stricter
 *   policy wins). No `X-Powered-By`;
 * - `Cache-Control: no-store` on every answer, success or problem: answers carry personal data, and no
 *   browser, proxy or CDN may keep them (the Swagger UI's static files excepted);
 * - CORS (`@fastify/cors`): no origin is allowed unless `CORS_ALLOWED_ORIGINS` names it — the APIs are called
 *   by servers with client credentials, not by browsers of other sites;
 * - rate limits (`@fastify/rate-limit`) on the routes a service names (public and expensive ones), per
 *   principal: the token's subject, or the client's IP address when the route is public and the caller
 *   anonymous; past the limit `429` problem+json with `Retry-After`.
 *
 * Request bodies are limited to 1 MiB by `createService` (413 problem past it).
 */

/** A route whose calls are counted per principal. */
export interface RateLimitRule {
  /** The name `RATE_LIMITS` overrides it by (`worker-search=600`). */
  readonly name: string;
  readonly method: string;
  /** The route as the OpenAPI document and Fastify spell it: `/workers`, `/verify/{code}` → `/verify/:code`. */
  readonly url: string;
  /** Requests per principal per window, unless `RATE_LIMITS` says otherwise. */
  readonly max: number;
}

export { securitySettings, parseRateLimits } from './config';

export interface SecurityConfig {
  /** Origins whose browsers may call the API (CORS); none by default. */
  readonly CORS_ALLOWED_ORIGINS?: readonly string[];
  /** Overrides of the services' rate limits, by rule name. */
  readonly RATE_LIMITS?: ReadonlyMap<string, number>;
  readonly RATE_LIMIT_WINDOW_SECONDS?: number;
}

const nothing = () => undefined;

const fastifyRoute = (url: string) => url.replace(/\{([^}]+)\}/g, ':$1');

/** The principal an authenticated request carries (set by createService's onRequest hook). */
type WithPrincipal = FastifyRequest & { principal?: Principal };

/**
 * The security headers, worked out once: those of every API answer, and those of an HTML page (helmet's, as
 * its middleware would set them, with the API's no-store).
 */
function securityHeaders(): { readonly api: Readonly<Record<string, string>>; readonly html: Readonly<Record<string, string>> } {
  const api: Record<string, string> = {
    'cache-control': 'no-store',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'referrer-policy': 'no-referrer',
  };
  const html: Record<string, string> = { 'cache-control': 'no-store' };
  const middleware = helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: { 'frame-ancestors': ["'none'"], 'form-action': ["'self'"] },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    hsts: { maxAge: 31_536_000, includeSubDomains: true },
  });
  const recorder = {
    setHeader: (name: string, value: string) => void (html[name.toLowerCase()] = value),
    removeHeader: nothing,
  };
  // helmet sets its headers synchronously (and throws rather than passing an error on, since helmet 8.1).
  middleware({} as never, recorder as never, nothing);
  return { api, html };
}

/** Registers the security headers, CORS, no-store and the rate limits. Before any route is added (Nest adds them at init). */
export async function registerSecurity(
  app: NestFastifyApplication,
  config: SecurityConfig,
  rules: readonly RateLimitRule[] = [],
): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const { api, html } = securityHeaders();
  // One synchronous hook on every answer, a 200 as much as a problem (onSend runs for both). The headers go
  // into Fastify's own header object, written with the status line: helmet's middleware called
  // ServerResponse.setHeader twelve times a request (and made Node take every other header that way too).
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html')) {
      // A page's own headers (its Content-Security-Policy, say) are kept; helmet's fill in the rest.
      for (const name in html) if (!reply.hasHeader(name)) void reply.header(name, html[name]);
    } else {
      for (const name in api) void reply.header(name, api[name]);
    }
    // Swagger UI's own static files may be cached; nothing the API answers may be.
    if (request.url.startsWith('/docs/static/')) reply.removeHeader('cache-control');
    done(null, payload);
  });
  const origins = new Set(config.CORS_ALLOWED_ORIGINS ?? []);
  // With no origin configured (the default) CORS is off, and the plugin is not registered at all: with
  // `origin: false` it still ran a hook on every request (a copy of its options each time) to add nothing,
  // and its catch-all OPTIONS route answered as the API does without it (the 405 or 404 problem).
  if (origins.size > 0)
    await app.register(fastifyCors as never, {
      // A function, so that an origin not listed gets no CORS header at all (not even Vary-less echoes).
      origin: (origin: string | undefined, callback: (error: Error | null, allow: boolean) => void) =>
        callback(null, origin !== undefined && origins.has(origin)),
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match', 'traceparent'],
      exposedHeaders: ['ETag', 'Location', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'],
      maxAge: 600,
      // A preflight without Access-Control-Request-Method is an OPTIONS request like any other (405 problem).
      strictPreflight: false,
    });

  if (rules.length === 0) return;
  const windowSeconds = config.RATE_LIMIT_WINDOW_SECONDS ?? 60;
  const byRoute = new Map(rules.map((r) => [`${r.method.toUpperCase()} ${fastifyRoute(r.url)}`, r]));
  const ruleOf = (request: FastifyRequest) => byRoute.get(`${request.method} ${request.routeOptions.url ?? ''}`);
  // Only the routes a rule names get the limiter's hook (an empty route config takes the settings below).
  // Registered globally, it ran on every request of every route to find no rule there: an async hook and
  // its promises, ~1.5 KB of garbage per request. Before the limiter's own onRoute hook, which reads this.
  fastify.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.some((method) => byRoute.has(`${method} ${route.url}`))) route.config = { ...route.config, rateLimit: {} };
  });
  await app.register(fastifyRateLimit as never, {
    global: false,
    // After the onRequest hook that verifies the token, so that the principal is known.
    hook: 'preHandler',
    timeWindow: windowSeconds * 1000,
    keyGenerator: (request: WithPrincipal) => {
      const rule = ruleOf(request)!;
      const who = request.principal ? `sub:${request.principal.organisationId}/${request.principal.subject}` : `ip:${request.ip}`;
      return `${rule.name}|${who}`;
    },
    max: (request: FastifyRequest) => {
      const rule = ruleOf(request)!;
      return config.RATE_LIMITS?.get(rule.name) ?? rule.max;
    },
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    addHeaders: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false, 'retry-after': true },
    errorResponseBuilder: (_request: FastifyRequest, context: { max: number; ttl: number; after: string }) =>
      rateLimited(context.max, windowSeconds, Math.max(1, Math.ceil(context.ttl / 1000))),
  });
}

/** The answer past a rate limit: 429 problem+json, and when to try again. */
export function rateLimited(max: number, windowSeconds: number, retryAfterSeconds: number): Problem {
  return Problem.request(
    429,
    'rate-limited',
    'Too many requests',
    `This operation takes ${max} requests per ${windowSeconds} s from one caller; try again in ${retryAfterSeconds} s.`,
    [fieldError('header', ['Authorization'], 'has made too many requests of this operation')],
    { 'retry-after': String(retryAfterSeconds) },
  );
}
