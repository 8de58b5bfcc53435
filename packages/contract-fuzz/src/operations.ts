import { HTTP_METHODS, type OpenApiDocument } from '@homeward/service-kit/openapi-validation';

/** A parameter of an operation, its `$ref` followed, path-level and operation-level ones merged. */
export interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  /** JSON Schema; may hold `$ref`s into the document's components. */
  readonly schema: Record<string, unknown>;
}

/** A documented answer: its media types (each with its schema, when it has one) and headers. */
export interface DocumentedResponse {
  readonly content: Readonly<Record<string, Record<string, unknown> | undefined>>;
  readonly headers: readonly string[];
}

/** One operation of an OpenAPI document, as the fuzzer reads it. */
export interface Operation {
  readonly id: string;
  readonly method: string;
  /** The path template, e.g. "/workers/{workerId}/returns". */
  readonly path: string;
  readonly parameters: readonly Parameter[];
  readonly requestBody?: { readonly required: boolean; readonly content: Readonly<Record<string, Record<string, unknown>>> };
  /** By status code ("201", "400"…). */
  readonly responses: Readonly<Record<string, DocumentedResponse>>;
  /** The operation's tags ("admin", "vacancies"…). */
  readonly tags: readonly string[];
  /** Whether the document lists a security requirement for it (every Homeward operation does, but the public ones: `security: []`). */
  readonly secured: boolean;
}

/** Follows a local `$ref` to what it names. */
export function resolve<T>(document: OpenApiDocument, value: unknown): T {
  const ref = (value as { $ref?: unknown } | null)?.$ref;
  if (typeof ref !== 'string') return value as T;
  let target: unknown = document;
  for (const part of ref.replace(/^#\//, '').split('/'))
    target = (target as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  if (target === undefined) throw new Error(`unresolved reference ${ref}`);
  return resolve<T>(document, target);
}

interface RawOperation {
  operationId?: string;
  parameters?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
  security?: unknown[];
  tags?: string[];
}

/** Every operation of the document. */
export function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  const secured = Array.isArray(document.security) && document.security.length > 0;
  for (const [path, rawItem] of Object.entries(document.paths ?? {})) {
    const item = rawItem as Record<string, unknown> & { parameters?: unknown[] };
    for (const method of HTTP_METHODS) {
      const operation = item[method] as RawOperation | undefined;
      if (!operation) continue;
      const parameters = new Map<string, Parameter>();
      for (const raw of [...(item.parameters ?? []), ...(operation.parameters ?? [])]) {
        const p = resolve<{ name: string; in: string; required?: boolean; schema?: Record<string, unknown> }>(document, raw);
        if (p.in === 'cookie') continue;
        parameters.set(`${p.in}:${p.name}`, {
          name: p.name,
          in: p.in as Parameter['in'],
          required: p.in === 'path' || (p.required ?? false),
          schema: p.schema ?? {},
        });
      }
      const body = operation.requestBody
        ? resolve<{ required?: boolean; content?: Record<string, { schema?: Record<string, unknown> }> }>(document, operation.requestBody)
        : undefined;
      const responses: Record<string, DocumentedResponse> = {};
      for (const [status, raw] of Object.entries(operation.responses ?? {})) {
        const response = resolve<{ content?: Record<string, { schema?: Record<string, unknown> }>; headers?: Record<string, unknown> }>(
          document,
          raw,
        );
        responses[status] = {
          content: Object.fromEntries(Object.entries(response.content ?? {}).map(([type, media]) => [type, media.schema])),
          headers: Object.keys(response.headers ?? {}).map((h) => h.toLowerCase()),
        };
      }
      operations.push({
        id: operation.operationId ?? `${method} ${path}`,
        method: method.toUpperCase(),
        path,
        parameters: [...parameters.values()],
        ...(body
          ? {
              requestBody: {
                required: body.required ?? false,
                content: Object.fromEntries(Object.entries(body.content ?? {}).map(([type, media]) => [type, media.schema ?? {}])),
              },
            }
          : {}),
        responses,
        tags: operation.tags ?? [],
        secured: operation.security ? operation.security.length > 0 : secured,
      });
    }
  }
  return operations;
}

/** The operation a concrete request path and method answer to, if any. */
export function operationFor(operations: readonly Operation[], method: string, path: string): Operation | undefined {
  const concrete = path.split('?')[0]!;
  // Literal segments win over parameters ("/workers/search" over "/workers/{workerId}"), as in the router.
  const candidates = operations.filter((o) => o.method === method.toUpperCase() && templateMatches(o.path, concrete));
  return candidates.sort((a, b) => literalSegments(b.path) - literalSegments(a.path))[0];
}

/** Whether any operation has this path, with any method. */
export function hasPath(operations: readonly Operation[], path: string): boolean {
  return operations.some((o) => templateMatches(o.path, path.split('?')[0]!));
}

function templateMatches(template: string, path: string): boolean {
  const expected = template.split('/');
  const actual = path.split('/');
  return (
    expected.length === actual.length &&
    expected.every((segment, i) => (/^\{.+\}$/.test(segment) ? actual[i] !== '' : segment === actual[i]))
  );
}

const literalSegments = (template: string): number => template.split('/').filter((s) => s !== '' && !/^\{.+\}$/.test(s)).length;
