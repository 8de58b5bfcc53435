import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { SpanKind, SpanStatusCode, contextFromTraceparent, startSpan, withActiveSpan, type Span } from '@homeward/telemetry';

const spans = new WeakMap<FastifyRequest, Span>();

/**
 * A server span per HTTP request, continuing the caller's trace when the request carries a W3C
 * `traceparent`: started when Fastify has routed the request, active while the route's handler runs (so
 * what the handler appends and logs belongs to it), ended with the response. Must be added before the
 * routes are (Nest registers its own at `init`), since the handlers are wrapped as routes are added.
 * A request the client aborts before the answer has no onResponse, and its span is never ended (so never
 * exported): an `onRequestAbort` hook would cost every request ~15 µs for those few.
 */
export function traceRequests(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const handler = route.handler;
    route.handler = function traced(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      const span = spans.get(request);
      return span ? withActiveSpan(span, () => handler.call(this, request, reply)) : handler.call(this, request, reply);
    };
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    const route = request.routeOptions.url;
    const span = startSpan(route ? `${request.method} ${route}` : request.method, {
      kind: SpanKind.SERVER,
      parent: contextFromTraceparent(request.headers.traceparent),
      attributes: {
        'http.request.method': request.method,
        ...(route ? { 'http.route': route } : {}),
        'url.path': request.url.split('?')[0],
      },
    });
    spans.set(request, span);
    // Fastify's own lines of the request (its "request completed", errors) are logged outside the span's
    // context: they carry its ids as bindings of the request's and reply's logger instead.
    const { traceId, spanId } = span.spanContext();
    request.log = reply.log = request.log.child({ trace_id: traceId, span_id: spanId });
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const span = spans.get(request);
    if (span) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      spans.delete(request);
    }
    done();
  });
}
