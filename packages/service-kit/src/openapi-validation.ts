import { readFileSync } from 'node:fs';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { Problem, fieldError, type FieldError } from './problem';

/** The part of an OpenAPI 3.1 document this validator reads. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OperationObject | unknown>>;
  components?: { schemas?: Record<string, unknown>; parameters?: Record<string, unknown>; [section: string]: unknown };
  [key: string]: unknown;
}

interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Record<string, unknown>;
}

interface OperationObject {
  operationId?: string;
  parameters?: ParameterObject[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

export function loadOpenApiDocument(path: string): OpenApiDocument {
  return parseYaml(readFileSync(path, 'utf8')) as OpenApiDocument;
}

interface CompiledOperation {
  body?: ValidateFunction;
  bodyRequired: boolean;
  parameters: { name: string; in: 'path' | 'query' | 'header'; required: boolean; validate: ValidateFunction }[];
}

export interface IncomingRequest {
  method: string;
  /** The route pattern in Fastify's syntax, e.g. "/workers/:id/returns". */
  routePattern: string;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
}

/**
 * Validates requests against the service's OpenAPI document: the spec is the contract, written first,
 * and the code does not get to disagree with it. Validation happens before any handler runs, so an
 * invalid request can never leave anything half-written.
 */
export class OpenApiRequestValidator {
  private readonly operations = new Map<string, CompiledOperation>();

  constructor(readonly document: OpenApiDocument) {
    const ajv = new Ajv2020({ allErrors: true, strict: false, coerceTypes: false });
    addFormats(ajv);
    // Parameters arrive as strings; the same schemas then apply with coercion.
    const coercing = new Ajv2020({ allErrors: true, strict: false, coerceTypes: true });
    addFormats(coercing);
    const components = { components: document.components ?? {} };
    ajv.addSchema(components, 'openapi');
    coercing.addSchema(components, 'openapi');
    const withRefs = (schema: unknown): Record<string, unknown> =>
      JSON.parse(JSON.stringify(schema ?? {}).replace(/"#\/components\//g, '"openapi#/components/')) as Record<string, unknown>;

    for (const [path, item] of Object.entries(document.paths ?? {})) {
      for (const method of METHODS) {
        const operation = item[method] as OperationObject | undefined;
        if (!operation) continue;
        const json = operation.requestBody?.content?.['application/json'];
        const shared = ((item as { parameters?: unknown[] }).parameters ?? []).map((p) => resolveRef<ParameterObject>(document, p));
        const own = (operation.parameters ?? []).map((p) => resolveRef<ParameterObject>(document, p));
        const byKey = new Map([...shared, ...own].map((p) => [`${p.in}:${p.name}`, p]));
        const parameters = [...byKey.values()]
          .filter((p): p is ParameterObject & { in: 'path' | 'query' | 'header' } => p.in !== 'cookie')
          .map((p) => ({
            name: p.name,
            in: p.in,
            required: p.in === 'path' || (p.required ?? false),
            validate: coercing.compile(withRefs(p.schema)),
          }));
        this.operations.set(`${method.toUpperCase()} ${path}`, {
          ...(json?.schema ? { body: ajv.compile(withRefs(json.schema)) } : {}),
          bodyRequired: operation.requestBody?.required ?? false,
          parameters,
        });
      }
    }
  }

  /** Throws a 400 Problem naming every field at fault. Parameters are checked as strings coerced to their schema type. */
  validate(request: IncomingRequest): void {
    const openApiPath = request.routePattern.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const operation = this.operations.get(`${request.method.toUpperCase()} ${openApiPath}`);
    if (!operation) return; // health, docs and other routes outside the contract
    const errors: FieldError[] = [];
    for (const parameter of operation.parameters) {
      const source = parameter.in === 'path' ? request.params : parameter.in === 'query' ? request.query : request.headers;
      const key = parameter.in === 'header' ? parameter.name.toLowerCase() : parameter.name;
      const value = source[key];
      if (value === undefined) {
        if (parameter.required) errors.push(fieldError(parameter.in, [parameter.name], 'is required'));
        continue;
      }
      if (!parameter.validate(value)) errors.push(...toFieldErrors(parameter.validate.errors ?? [], parameter.in, [parameter.name]));
    }
    if (operation.body) {
      if (request.body === undefined || request.body === null) {
        if (operation.bodyRequired) errors.push(fieldError('body', [], 'a JSON request body is required'));
      } else if (!operation.body(request.body)) {
        errors.push(...toFieldErrors(operation.body.errors ?? [], 'body', []));
      }
    }
    if (errors.length > 0) throw Problem.validation(errors);
  }
}

/** Follows a local `$ref` ("#/components/parameters/WorkerId") to the object it names. */
function resolveRef<T>(document: OpenApiDocument, value: unknown): T {
  const ref = (value as { $ref?: unknown }).$ref;
  if (typeof ref !== 'string') return value as T;
  if (!ref.startsWith('#/')) throw new Error(`only local references are supported: ${ref}`);
  let target: unknown = document;
  for (const part of ref.slice(2).split('/')) target = (target as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  if (target === undefined) throw new Error(`unresolved reference ${ref}`);
  return resolveRef<T>(document, target);
}

function toFieldErrors(errors: readonly ErrorObject[], location: FieldError['in'], prefix: readonly string[]): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const error of errors) {
    // Branch failures of oneOf/anyOf repeat what their sub-errors say; keep the specific ones.
    if (error.keyword === 'if') continue;
    const path = [
      ...prefix,
      ...error.instancePath
        .split('/')
        .filter(Boolean)
        .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')),
    ];
    let detail = error.message ?? 'is invalid';
    if (error.keyword === 'required') {
      path.push(String((error.params as { missingProperty: string }).missingProperty));
      detail = 'is required';
    } else if (error.keyword === 'additionalProperties') {
      path.push(String((error.params as { additionalProperty: string }).additionalProperty));
      detail = 'is not a known field';
    } else if (error.keyword === 'enum') {
      detail = `must be one of: ${((error.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}`;
    }
    const key = `${path.join('.')}|${detail}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(fieldError(location, path, detail));
  }
  return out;
}
