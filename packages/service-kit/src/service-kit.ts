import 'reflect-metadata';
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
import type { FastifyReply, FastifyRequest } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import pino, { type Logger as PinoLogger } from 'pino';
import { AuthenticationError, type Principal, type TokenVerifier } from '@homeward/auth';
import { OpenApiRequestValidator, type OpenApiDocument } from './openapi-validation';
import { PROBLEM_CONTENT_TYPE, Problem, fieldError, type ProblemDetails } from './problem';
import { RETRY_AFTER_SECONDS, serviceUnavailableProblem } from './service-unavailable';

export type { NestFastifyApplication } from '@nestjs/platform-fastify';
export { loadOpenApiDocument, OpenApiRequestValidator, type OpenApiDocument } from './openapi-validation';

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
  /** Verifies every request's bearer token, except on health, docs and the OpenAPI document. */
  readonly verifier: TokenVerifier;
  /** Resolved after the Nest container is built, so checks can use the service's own providers. */
  readonly readiness?: (app: NestFastifyApplication) => readonly ReadinessCheck[];
  /**
   * Prometheus text exposition served at `/metrics` (public, like the health probes: figures, never
   * records). Resolved after the Nest container is built.
   */
  readonly metrics?: (app: NestFastifyApplication) => () => Promise<string>;
}

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): PinoLogger {
  return pino({ name, level, base: { service: name }, timestamp: pino.stdTimeFunctions.isoTime });
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

function sendProblem(reply: FastifyReply, problem: ProblemDetails, instance?: string): void {
  if (problem.status === 503) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  void reply
    .code(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send({ ...problem, ...(instance ? { instance } : {}) });
}

/** Renders every error as RFC 9457 problem+json; unknown errors become a 500 that reveals nothing. */
export function toProblem(error: unknown, translate: ErrorTranslator | undefined, log: PinoLogger): ProblemDetails {
  if (error instanceof Problem) return error.details;
  const translated = translate?.(error);
  if (translated) return translated.details;
  const unavailable = serviceUnavailableProblem(error);
  if (unavailable) {
    log.warn({ err: error }, 'a dependency is unavailable; answering 503');
    return unavailable;
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    // Nest reports a body it could not parse as a bare 400; say which part of the request is at fault.
    if (status === 400) return Problem.validation([fieldError('body', [], error.message)], error.message).details;
    return { type: 'about:blank', title: error.message, status };
  }
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  if (fastifyError.statusCode === 400 && (fastifyError.code?.startsWith('FST_ERR_CTP') || error instanceof SyntaxError)) {
    return Problem.validation([fieldError('body', [], fastifyError.message ?? 'malformed body')], 'The request body is not valid JSON.')
      .details;
  }
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return { type: 'about:blank', title: 'Unsupported media type', status: 415, detail: 'Send application/json.' };
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return { type: 'about:blank', title: fastifyError.message ?? 'Bad request', status: fastifyError.statusCode };
  }
  log.error({ err: error }, 'unhandled error');
  return Problem.internal().details;
}

/** Routes anyone may call: probes and the API's own documentation. */
const PUBLIC_ROUTES = [/^\/health\//, /^\/docs(\/|$)/, /^\/openapi\.json$/, /^\/metrics$/];

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
    if (problem.status === 401 || problem.status === 403) {
      // Every refusal is on record: who was refused what, and why.
      const p = request.principal;
      this.log.warn(
        {
          audit: 'access-denied',
          status: problem.status,
          method: request.method,
          url: request.url,
          principal: p ? { subject: p.subject, organisationId: p.organisationId, kind: p.kind, country: p.country } : undefined,
          reason: problem.detail,
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
  const log = createLogger(options.name, options.logLevel);
  const adapter = new FastifyAdapter({ loggerInstance: log.child({ component: 'http' }), bodyLimit: 1_048_576 });
  const app = await NestFactory.create<NestFastifyApplication>(options.module, adapter, {
    logger: new PinoNestLogger(log.child({ component: 'nest' })),
    abortOnError: false,
  });
  app.useGlobalFilters(new ProblemFilter(options.translateError, log));
  const fastify = app.getHttpAdapter().getInstance();

  // Errors thrown in Fastify hooks (request validation, body parsing) reach Nest's error handler, which
  // hands them to ProblemFilter: one renderer for every error.

  fastify.addHook('onRequest', async (request: AuthenticatedRequest) => {
    const path = request.url.split('?')[0] ?? '';
    if (PUBLIC_ROUTES.some((route) => route.test(path))) return;
    try {
      request.principal = await options.verifier.verify(request.headers.authorization);
    } catch (error) {
      if (error instanceof AuthenticationError) throw Problem.unauthorized(error.message);
      throw error;
    }
  });

  const validator = new OpenApiRequestValidator(options.openApi);
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
  if (options.metrics) {
    const render = options.metrics(app);
    fastify.get('/metrics', async (_request, reply) => {
      void reply.type('text/plain; version=0.0.4; charset=utf-8');
      return render();
    });
  }
  return app;
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
