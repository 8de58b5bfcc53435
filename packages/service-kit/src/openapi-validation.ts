import { readFileSync } from 'node:fs';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { Problem, fieldError, type FieldError } from './problem';
import { textFault } from './text';

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

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

export function loadOpenApiDocument(path: string): OpenApiDocument {
  return parseYaml(readFileSync(path, 'utf8')) as OpenApiDocument;
}

/**
 * The one spelling of an id: 8-4-4-4-12 lowercase hexadecimal, as the registry issues them. ajv-formats
 * also takes `urn:uuid:…` and upper case, which then reached queries that cannot read them (500s), and
 * would let one worker answer 404 in one service and 200 in another depending on how the id was written.
 */
export const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Calendar dates any Homeward API reads: the years 0001 to 9999 (see {@link isCalendarDate}). */
export const DATE_RANGE = { first: '0001-01-01', last: '9999-12-31' } as const;

/**
 * A calendar date of the proleptic Gregorian calendar, written YYYY-MM-DD, in the years 0001 to 9999: where
 * ISO 8601 without expansion, JavaScript's `Date` and PostgreSQL's `date` agree. ajv-formats also takes the
 * year 0000, which PostgreSQL refuses to read (a 500 where such a date reached a query). Whether a date is
 * plausible (a departure before birth, a contract a century ahead) is each service's own rule, answered 422.
 */
export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/**
 * Keyword the validator puts on every string schema (and on every object, for its property names): the
 * text rule of ./text. A string schema marked `x-multiline: true` (free text such as case notes) also
 * takes TAB, LF and CR.
 */
const TEXT_KEYWORD = 'x-homeward-text';
/** Values of these keywords are data, not schemas: left as they are. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'example', 'examples']);

/**
 * The project's JSON Schema validator: JSON Schema 2020-12, the standard formats with the registry's own
 * `uuid` and `date`, and the text rule. Request validation uses it, and so do the tests that check the
 * services' answers against their documents: one notion of "valid" everywhere.
 */
export function createSchemaValidator(options: { coerceTypes?: boolean } = {}): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false, coerceTypes: options.coerceTypes ?? false });
  addFormats(ajv);
  ajv.addFormat('uuid', CANONICAL_UUID);
  ajv.addFormat('date', { type: 'string', validate: isCalendarDate });
  ajv.addKeyword({
    keyword: TEXT_KEYWORD,
    schemaType: 'string',
    errors: true,
    validate: function checkText(kind: string, data: unknown): boolean {
      const self = checkText as { errors?: Partial<ErrorObject>[] };
      const fault =
        typeof data === 'string'
          ? textFault(data, kind === 'multiline')
          : data !== null && typeof data === 'object' && !Array.isArray(data)
            ? Object.keys(data)
                .map((key) => textFault(key))
                .find((f) => f !== undefined)
                ?.replace(/^must/, 'property names must')
            : undefined;
      self.errors = fault ? [{ keyword: TEXT_KEYWORD, message: fault, params: {} }] : [];
      return fault === undefined;
    },
  });
  return ajv;
}

/**
 * Puts the text rule on every string and object schema of `schema` (a copy), unless it already says what
 * text it takes. The documents need not repeat it on each field; `x-multiline: true` is their way to say
 * otherwise.
 */
export function withTextRule<T>(schema: T): T {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (node === null || typeof node !== 'object') return node;
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) copy[key] = DATA_KEYWORDS.has(key) ? value : visit(value);
    const types = Array.isArray(copy.type) ? (copy.type as unknown[]) : [copy.type];
    if (copy[TEXT_KEYWORD] === undefined && (types.includes('string') || types.includes('object'))) {
      copy[TEXT_KEYWORD] = copy['x-multiline'] === true ? 'multiline' : 'line';
    }
    return copy;
  };
  return visit(schema) as T;
}

interface CompiledParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  /** The JSON type the raw text must spell (parameters arrive as text). */
  type: string | undefined;
  validate: ValidateFunction;
}

interface CompiledOperation {
  /** Media type → validator of the body (JSON bodies are validated as parsed, text bodies as text). */
  bodies: Map<string, ValidateFunction>;
  bodyRequired: boolean;
  parameters: CompiledParameter[];
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
 * How a parameter of each type must be written. Parameters are coerced from text to their schema's type,
 * and ajv would read `0x10`, `1e3` or ` 16` as numbers that the handlers then read differently (or the
 * same, which is no better: one value, one spelling).
 */
const PARAMETER_SPELLING: Readonly<Record<string, { pattern: RegExp; detail: string }>> = {
  integer: { pattern: /^-?[0-9]{1,15}$/, detail: 'must be an integer in decimal digits' },
  number: { pattern: /^-?[0-9]{1,15}(\.[0-9]{1,15})?$/, detail: 'must be a number in decimal digits' },
  boolean: { pattern: /^(true|false)$/, detail: 'must be true or false' },
};

/** The media type of a Content-Type header, without parameters, lower case. */
export function mediaTypeOf(contentType: unknown): string | undefined {
  if (typeof contentType !== 'string') return undefined;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === '' ? undefined : type;
}

/**
 * Validates requests against the service's OpenAPI document: the spec is the contract, written first,
 * and the code does not get to disagree with it. Validation happens before any handler runs, so an
 * invalid request can never leave anything half-written.
 */
export class OpenApiRequestValidator {
  private readonly operations = new Map<string, CompiledOperation>();
  /** Each path template of the document as a pattern over concrete paths, with its methods. */
  private readonly paths: { pattern: RegExp; methods: string[] }[] = [];

  constructor(readonly document: OpenApiDocument) {
    const ajv = createSchemaValidator();
    const plain = createSchemaValidator();
    // Parameters arrive as strings; the same schemas then apply with coercion.
    const coercing = createSchemaValidator({ coerceTypes: true });
    const components = withTextRule({ components: document.components ?? {} });
    ajv.addSchema(components, 'openapi');
    coercing.addSchema(components, 'openapi');
    const withRefs = (schema: unknown): Record<string, unknown> =>
      withTextRule(
        JSON.parse(JSON.stringify(schema ?? {}).replace(/"#\/components\//g, '"openapi#/components/')) as Record<string, unknown>,
      );

    for (const [path, item] of Object.entries(document.paths ?? {})) {
      const methods: string[] = [];
      for (const method of HTTP_METHODS) {
        const operation = item[method] as OperationObject | undefined;
        if (!operation) continue;
        methods.push(method.toUpperCase());
        const shared = ((item as { parameters?: unknown[] }).parameters ?? []).map((p) => resolveRef<ParameterObject>(document, p));
        const own = (operation.parameters ?? []).map((p) => resolveRef<ParameterObject>(document, p));
        const byKey = new Map([...shared, ...own].map((p) => [`${p.in}:${p.name}`, p]));
        const parameters = [...byKey.values()]
          .filter((p): p is ParameterObject & { in: 'path' | 'query' | 'header' } => p.in !== 'cookie')
          .map((p) => ({
            name: p.name,
            in: p.in,
            required: p.in === 'path' || (p.required ?? false),
            type: schemaTypeOf(document, p.schema),
            validate: coercing.compile(withRefs(p.schema)),
          }));
        const bodies = new Map<string, ValidateFunction>();
        for (const [mediaType, content] of Object.entries(operation.requestBody?.content ?? {})) {
          // A JSON body is fields, each under the text rule; a text body (a CSV file) is a document that the
          // operation reads into fields and checks itself.
          const json = /^application\/(.+\+)?json$/.test(mediaType.toLowerCase());
          bodies.set(mediaType.toLowerCase(), (json ? ajv : plain).compile(json ? withRefs(content.schema ?? {}) : (content.schema ?? {})));
        }
        this.operations.set(`${method.toUpperCase()} ${path}`, {
          bodies,
          bodyRequired: operation.requestBody?.required ?? false,
          parameters,
        });
      }
      const pattern = new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
      this.paths.push({ pattern, methods });
    }
  }

  /**
   * The methods the document has for a concrete path (e.g. "/workers/0190…/returns"), or none when no path
   * of the document matches it: tells a 405 from a 404.
   */
  methodsOf(path: string): string[] {
    return this.paths.find((p) => p.pattern.test(path))?.methods ?? [];
  }

  /**
   * Throws a 400 Problem naming every field at fault, or a 415 for a body of a media type the operation does
   * not take. Parameters are checked as text spelling their schema type, then coerced to it.
   */
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
      const spelling = parameter.type === undefined ? undefined : PARAMETER_SPELLING[parameter.type];
      if (spelling && typeof value === 'string' && !spelling.pattern.test(value)) {
        errors.push(fieldError(parameter.in, [parameter.name], spelling.detail));
        continue;
      }
      if (!parameter.validate(value)) errors.push(...toFieldErrors(parameter.validate.errors ?? [], parameter.in, [parameter.name]));
    }
    if (operation.bodies.size > 0) {
      const hasBody = request.body !== undefined && request.body !== null;
      const mediaType = mediaTypeOf(request.headers['content-type']);
      // A body without a media type never gets past Fastify's parsers; a caller of this validator alone (a
      // property test of what the API accepts) means the operation's JSON.
      const validateBody =
        mediaType === undefined ? (operation.bodies.get('application/json') ?? undefined) : operation.bodies.get(mediaType);
      if (hasBody && !validateBody) {
        const accepted = [...operation.bodies.keys()];
        throw Problem.request(415, 'unsupported-media-type', 'Unsupported media type', `This operation takes ${accepted.join(' or ')}.`, [
          fieldError('header', ['Content-Type'], `must be one of: ${accepted.join(', ')}`),
        ]);
      }
      if (!hasBody) {
        if (operation.bodyRequired) errors.push(fieldError('body', [], 'a request body is required'));
      } else if (validateBody && !validateBody(request.body)) {
        errors.push(...toFieldErrors(validateBody.errors ?? [], 'body', []));
      }
    }
    if (errors.length > 0) throw Problem.validation(errors);
  }
}

/** The `type` a parameter's schema names, through `$ref`s. */
function schemaTypeOf(document: OpenApiDocument, schema: unknown): string | undefined {
  if (schema === undefined || schema === null || typeof schema !== 'object') return undefined;
  const resolved = resolveRef<{ type?: unknown }>(document, schema);
  return typeof resolved.type === 'string' ? resolved.type : undefined;
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
