import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import {
  Catch,
  createParamDecorator,
  type ExecutionContext,
  type ArgumentsHost,
  type DynamicModule,
  type ExceptionFilter,
  HttpException,
  type LoggerService,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import pino, { type Logger as PinoLogger } from 'pino';
import type { Registry } from 'prom-client';
import { logTraceFields } from '@homeward/telemetry';
import { startTelemetryFromEnv } from '@homeward/telemetry/sdk';
import { AuthenticationError, type Principal, type TokenVerifier } from '@homeward/auth';
import { OpenApiRequestValidator, type OpenApiDocument } from './openapi-validation';
import { PROBLEM_CONTENT_TYPE, Problem, fieldError } from './problem';
import { serviceUnavailableProblem } from './service-unavailable';
import { traceRequests } from './http-tracing';
import { ServiceMetrics } from './metrics';
import { registerSecurity, type RateLimitRule, type SecurityConfig } from './security';

export type { NestFastifyApplication } from '@nestjs/platform-fastify';
export { loadOpenApiDocument, OpenApiRequestValidator, type OpenApiDocument } from './openapi-validation';
export { securitySettings, type RateLimitRule, type SecurityConfig } from './security';

/**
 * What a readiness check resolves to when its part works but needs a person's attention (the event relay
 * holding a stream in quarantine): shown as `degraded` with the detail, while the service stays ready,
 * since it still does its work and taking it out of service would stop more than the one thing at fault.
 */
export class Degraded {
  constructor(
    readonly detail: string,
    readonly info?: Readonly<Record<string, unknown>>,
  ) {}
}

/** One dependency the service needs to serve: PostgreSQL, Kafka. */
export interface ReadinessCheck {
  readonly name: string;
  /** Throws when the dependency is not ready; may resolve to figures shown beside `up` (a read model's lag), or to `Degraded`. */
  check(): Promise<void | Readonly<Record<string, unknown>> | Degraded>;
}

/** Turns an error of a lower layer (a domain refusal, a concurrency conflict) into its HTTP answer. */
export type ErrorTranslator = (error: unknown) => Problem | undefined;

export interface ServiceOptions {
  readonly name: string;
  readonly module: Type<unknown> | DynamicModule;
  readonly openApi: OpenApiDocument;
  readonly logLevel?: string;
  readonly translateError?: ErrorTranslator;
  /**
   * Routes of the service that anyone may call without a token (a public verification endpoint), beside
   * health, docs, metrics and the OpenAPI document. A principal is then absent: such a route never uses one.
   */
  readonly publicRoutes?: readonly RegExp[];
  /** Verifies every request's bearer token, except on health, docs, the OpenAPI document and `publicRoutes`. */
  readonly verifier: TokenVerifier;
  /** Resolved after the Nest container is built, so checks can use the service's own providers. */
  readonly readiness?: (app: NestFastifyApplication) => readonly ReadinessCheck[];
  /**
   * Registers the service's own metrics (prom-client collectors) in the registry served at `/metrics`
   * (public, like the health probes: figures, never records), beside the default process metrics.
   * Resolved after the Nest container is built.
   */
  readonly metrics?: (app: NestFastifyApplication, registry: Registry) => void;
  /**
   * The AsyncAPI document of the topics the service writes (generated from proto/, services/<service>/asyncapi/),
   * served at `/asyncapi.json` beside `/openapi.json`, public like it.
   */
  readonly asyncApi?: AsyncApiDocument;
  /** CORS origins and rate-limit overrides (`securitySettings`); headers and no-store apply whatever it says. */
  readonly security?: SecurityConfig;
  /** The public and expensive routes counted per principal (429 past the limit; see security.ts). */
  readonly rateLimits?: readonly RateLimitRule[];
}

/** An AsyncAPI 3 document, as scripts/asyncapi/generate.mjs writes it. */
export type AsyncApiDocument = Readonly<Record<string, unknown>> & { readonly asyncapi: string };

/** Reads a generated AsyncAPI document (JSON). */
export function loadAsyncApiDocument(path: string): AsyncApiDocument {
  const document = JSON.parse(readFileSync(path, 'utf8')) as AsyncApiDocument;
  if (typeof document.asyncapi !== 'string') throw new Error(`${path} is not an AsyncAPI document`);
  return document;
}

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info', destination?: pino.DestinationStream): PinoLogger {
  // Every line logged inside a span (a request, a publish, a consumed message) carries its trace_id and span_id.
  const options = { name, level, base: { service: name }, timestamp: pino.stdTimeFunctions.isoTime, mixin: logTraceFields };
  return destination ? pino(options, destination) : pino(options);
}

/** Nest's own messages go through the same structured log as everything else. */
class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: PinoLogger) {}
  log(message: unknown, context?: string) {
    this.pino.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.pino.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.pino.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.pino.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.pino.trace({ context }, String(message));
  }
}

function sendProblem(reply: FastifyReply, problem: Problem, instance?: string): void {
  void reply
    .code(problem.details.status)
    .headers(problem.headers)
    .type(PROBLEM_CONTENT_TYPE)
    .send({ ...problem.details, ...(instance ? { instance } : {}) });
}

const malformedBody = (message: string): Problem =>
  Problem.request(400, 'malformed-body', 'Malformed request body', 'The request body cannot be read as its Content-Type says.', [
    fieldError('body', [], message),
  ]);
const unsupportedMediaType = (): Problem =>
  Problem.request(415, 'unsupported-media-type', 'Unsupported media type', 'This operation does not take a body of this media type.', [
    fieldError('header', ['Content-Type'], 'is not a media type this operation takes'),
  ]);
const bodyTooLarge = (): Problem =>
  Problem.request(413, 'body-too-large', 'Request body too large', 'The request body is larger than this API takes (1 MiB).', [
    fieldError('body', [], 'is too large'),
  ]);

/** Errors Fastify meets before any route, by their code (they reach us through `frameworkErrors`). */
const FASTIFY_REQUEST_ERRORS: Readonly<Record<string, (message: string) => Problem>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: unsupportedMediaType,
  FST_ERR_CTP_BODY_TOO_LARGE: bodyTooLarge,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: malformedBody,
  FST_ERR_CTP_EMPTY_JSON_BODY: malformedBody,
  FST_ERR_CTP_INVALID_JSON_BODY: malformedBody,
  FST_ERR_BAD_URL: () =>
    Problem.request(
      400,
      'malformed-url',
      'Malformed URL',
      'The URL is not valid: a percent sign must start an escape of two hexadecimal digits.',
      [fieldError('path', [], 'is not a valid URL path')],
    ),
  FST_ERR_MAX_PARAM_LENGTH: () =>
    Problem.request(414, 'uri-too-long', 'URI too long', 'A segment of the path is longer than any this API takes.', [
      fieldError('path', [], 'has a segment that is too long'),
    ]),
};

/**
 * What Fastify refuses while reading a body (a media type without a parser, a body past bodyLimit, JSON
 * that does not parse) reaches the filter as Nest's HttpException of the same status, its Fastify code
 * gone: our own code throws Problems, so these statuses say which it was.
 */
const BODY_READING_ERRORS: Readonly<Record<number, (message: string) => Problem>> = {
  400: malformedBody,
  413: bodyTooLarge,
  415: unsupportedMediaType,
};

/** Renders every error as RFC 9457 problem+json; unknown errors become a 500 that reveals nothing. */
export function toProblem(error: unknown, translate: ErrorTranslator | undefined, log: PinoLogger): Problem {
  if (error instanceof Problem) return error;
  const translated = translate?.(error);
  if (translated) return translated;
  const unavailable = serviceUnavailableProblem(error);
  if (unavailable) {
    log.warn({ err: error }, 'a dependency is unavailable; answering 503');
    return unavailable;
  }
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  const known = typeof fastifyError.code === 'string' ? FASTIFY_REQUEST_ERRORS[fastifyError.code] : undefined;
  if (known) return known(fastifyError.message ?? '');
  // The JSON parser's own errors (a bad token, a `__proto__` key) carry no Fastify code.
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) return malformedBody(error.message);
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const reading = BODY_READING_ERRORS[status];
    if (reading) return reading(error.message);
    log.warn({ err: error }, 'HTTP exception that is not a Problem');
    if (status < 500) return new Problem({ type: 'about:blank', title: error.message, status, code: `http.${status}` });
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    log.warn({ err: error }, 'client error without a problem of its own');
    return new Problem({
      type: 'about:blank',
      title: fastifyError.message ?? 'Bad request',
      status: fastifyError.statusCode,
      code: `http.${fastifyError.statusCode}`,
    });
  }
  log.error({ err: error }, 'unhandled error');
  return Problem.internal();
}

/**
 * What the HTTP server itself refuses before Fastify sees a request (a request line or headers over Node's
 * `maxHeaderSize`, a malformed request), answered on the socket as problem+json like everything else.
 */
function clientErrorAnswer(error: NodeJS.ErrnoException): { status: number; text: string; problem: Problem } | undefined {
  if (error.code === 'ECONNRESET') return undefined;
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return {
      status: 431,
      text: 'Request Header Fields Too Large',
      problem: Problem.request(
        431,
        'headers-too-large',
        'Request headers too large',
        'The request line and headers are larger than this API takes (16 KiB); a URL that long is not one of ours.',
        [fieldError('header', [], 'the request line and headers are too large')],
      ),
    };
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return {
      status: 408,
      text: 'Request Timeout',
      problem: Problem.request(408, 'timeout', 'Request timeout', 'The request was not received in time.'),
    };
  }
  return {
    status: 400,
    text: 'Bad Request',
    problem: Problem.request(400, 'malformed-http', 'Malformed HTTP request', 'The request is not valid HTTP/1.1.'),
  };
}

/** Routes anyone may call: probes and the API's own documentation. */
const PUBLIC_ROUTES = [/^\/health\//, /^\/docs(\/|$)/, /^\/openapi\.json$/, /^\/asyncapi\.json$/, /^\/metrics$/];

interface AuthenticatedRequest extends FastifyRequest {
  principal?: Principal;
}

/** The verified caller of the current request; every non-public route has one. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw Problem.unauthorized('a bearer token is required');
  return principal;
});

@Catch()
class ProblemFilter implements ExceptionFilter {
  constructor(
    private readonly translate: ErrorTranslator | undefined,
    private readonly log: PinoLogger,
  ) {}
  catch(exception: unknown, host: ArgumentsHost) {
    const http = host.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const problem = toProblem(exception, this.translate, this.log);
    const status = problem.details.status;
    if (status === 401 || status === 403) {
      // Every refusal is on record: who was refused what, and why.
      const p = request.principal;
      this.log.warn(
        {
          audit: 'access-denied',
          status,
          method: request.method,
          url: request.url,
          principal: p ? { subject: p.subject, organisationId: p.organisationId, kind: p.kind, country: p.country } : undefined,
          reason: problem.details.detail,
        },
        'access denied',
      );
    }
    sendProblem(http.getResponse<FastifyReply>(), problem, request.url);
  }
}

/**
 * Builds a Homeward service: NestJS on Fastify, requests validated against the OpenAPI document before any
 * handler runs, errors as problem+json, `/health/live` and `/health/ready`, the document at `/openapi.json`
 * and Swagger UI at `/docs`.
 */
export async function createService(options: ServiceOptions): Promise<NestFastifyApplication> {
  const tracing = startTelemetryFromEnv(options.name);
  const log = createLogger(options.name, options.logLevel);
  const adapter = new FastifyAdapter({
    loggerInstance: log.child({ component: 'http' }),
    // 1 MiB: every JSON command is far smaller; a route that imports more sets its own bodyLimit.
    bodyLimit: 1_048_576,
    // Errors Fastify meets before any route (a malformed URL, a path segment past maxParamLength): the same
    // renderer as every other error, not Fastify's own JSON.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
      sendProblem(reply, toProblem(error, undefined, log), request.url),
    // And what Node's HTTP parser refuses (431 past its 16 KiB maxHeaderSize, malformed requests).
    clientErrorHandler: (error, socket) => {
      const answer = clientErrorAnswer(error);
      if (!answer || socket.destroyed) return;
      if (socket.writable) {
        const body = JSON.stringify(answer.problem.details);
        socket.write(
          `HTTP/1.1 ${answer.status} ${answer.text}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
            `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
      socket.destroy(error);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(options.module, adapter, {
    logger: new PinoNestLogger(log.child({ component: 'nest' })),
    abortOnError: false,
  });
  app.useGlobalFilters(new ProblemFilter(options.translateError, log));
  const fastify = app.getHttpAdapter().getInstance();
  if (tracing) traceRequests(fastify);
  await registerSecurity(app, options.security ?? {}, options.rateLimits);

  // Errors thrown in Fastify hooks (request validation, body parsing) reach Nest's error handler, which
  // hands them to ProblemFilter: one renderer for every error.

  const validator = new OpenApiRequestValidator(options.openApi);

  fastify.addHook('onRequest', async (request: AuthenticatedRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '';
    // No route: say so before asking who calls, and tell a method the path does not have from a path we do not have.
    if (request.is404) throw unknownRoute(request.method, path, validator.methodsOf(path));
    // CORS's catch-all OPTIONS route (a preflight of an allowed origin was answered before): the same answer as
    // no route, sent here since that route keeps Fastify's own error handler.
    if (request.method === 'OPTIONS' && request.routeOptions.url === '*') {
      sendProblem(reply, unknownRoute(request.method, path, validator.methodsOf(path)), request.url);
      return reply;
    }
    if (PUBLIC_ROUTES.some((route) => route.test(path))) return;
    if (options.publicRoutes?.some((route) => route.test(path))) return;
    try {
      request.principal = await options.verifier.verify(request.headers.authorization);
    } catch (error) {
      if (error instanceof AuthenticationError) {
        throw Problem.unauthorized(error.message, request.headers.authorization === undefined ? 'missing-token' : 'invalid-token');
      }
      throw error;
    }
  });

  fastify.addHook('preHandler', async (request) => {
    validator.validate({
      method: request.method,
      routePattern: request.routeOptions.url ?? request.url,
      params: (request.params ?? {}) as Record<string, unknown>,
      query: (request.query ?? {}) as Record<string, unknown>,
      headers: request.headers as Record<string, unknown>,
      body: request.body,
    });
  });

  await app.register(fastifySwagger as never, { mode: 'static', specification: { document: options.openApi } });
  await app.register(fastifySwaggerUi as never, { routePrefix: '/docs' });
  fastify.get('/openapi.json', async () => options.openApi);
  if (options.asyncApi) {
    const asyncApi = options.asyncApi;
    fastify.get('/asyncapi.json', async () => asyncApi);
  }

  fastify.get('/health/live', async () => ({ status: 'live' }));
  fastify.get('/health/ready', async (_request, reply) => {
    const checks = options.readiness?.(app) ?? [];
    const results = await Promise.all(
      checks.map(async (c) => {
        try {
          const info = await withTimeout(c.check(), 3_000);
          if (info instanceof Degraded)
            return { name: c.name, status: 'degraded' as const, detail: info.detail, ...(info.info ? { info: info.info } : {}) };
          return { name: c.name, status: 'up' as const, ...(info ? { info } : {}) };
        } catch (error) {
          return { name: c.name, status: 'down' as const, detail: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const ready = results.every((r) => r.status !== 'down');
    void reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks: results });
  });
  const metrics = new ServiceMetrics();
  options.metrics?.(app, metrics.registry);
  fastify.get('/metrics', async (_request, reply) => {
    void reply.type(metrics.contentType);
    return metrics.render();
  });
  return app;
}

function unknownRoute(method: string, path: string, methods: readonly string[]): Problem {
  // A documented method without a route: a process that serves no API (registration without the api role).
  if (methods.length === 0 || methods.includes(method.toUpperCase())) {
    return Problem.request(404, 'unknown-route', 'No such resource', `This API has no resource at ${path}.`, [
      fieldError('path', [], 'is not a path of this API'),
    ]);
  }
  return Problem.request(405, 'method-not-allowed', 'Method not allowed', `${path} answers ${methods.join(', ')}, not ${method}.`, [], {
    allow: methods.join(', '),
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
