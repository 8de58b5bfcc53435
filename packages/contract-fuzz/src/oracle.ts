import type { ValidateFunction } from 'ajv';
import { createSchemaValidator, mediaTypeOf, type OpenApiDocument } from '@homeward/service-kit/openapi-validation';
import { hasPath, operationFor, operationsOf, type Operation } from './operations';

/** An answer as it came over the wire. */
export interface Answer {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

const PROBLEM = 'application/problem+json';
const isJson = (mediaType: string): boolean => /^application\/(.+\+)?json$/.test(mediaType);

/**
 * Judges answers by the service's own OpenAPI document: the status must be one the operation documents,
 * the media type one it documents for that status (problem+json for every error), and a JSON body must
 * validate against its schema with the project's own validator. A request outside the document's paths
 * or methods must get the documented 404 or 405 problem. Server errors are always wrong.
 */
export class ResponseOracle {
  readonly operations: readonly Operation[];
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly problem: ValidateFunction;

  constructor(
    readonly service: string,
    document: OpenApiDocument,
  ) {
    this.operations = operationsOf(document);
    // The documents as written: the text rule is for requests, and answers hold what was accepted.
    const ajv = createSchemaValidator();
    ajv.addSchema({ components: document.components ?? {} }, 'openapi');
    const compile = (schema: unknown): ValidateFunction =>
      ajv.compile(JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"openapi#/components/')) as object);
    for (const operation of this.operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const [mediaType, schema] of Object.entries(response.content)) {
          if (schema) this.validators.set(`${operation.id} ${status} ${mediaTypeOf(mediaType)}`, compile(schema));
        }
      }
    }
    this.problem = compile({ $ref: '#/components/schemas/Problem' });
  }

  /** What is wrong with this answer to `method path`; empty when it is as documented. */
  judge(method: string, path: string, answer: Answer): string[] {
    const faults: string[] = [];
    if (answer.status >= 500) faults.push(`server error ${answer.status}: ${answer.body.slice(0, 300)}`);
    const mediaType = mediaTypeOf(answer.headers['content-type']);
    if (!wellFormedPath(path)) {
      // Refused before any route is looked up: the same documented 400 wherever it is sent.
      if (answer.status !== 400) faults.push(`a malformed URL answered ${answer.status}, not 400`);
      faults.push(...this.problemFaults(answer, mediaType));
      return faults;
    }
    const operation = operationFor(this.operations, method, path);
    if (!operation) {
      const expected = hasPath(this.operations, path) ? 405 : 404;
      if (answer.status !== expected) faults.push(`${method} outside the document: expected ${expected}, got ${answer.status}`);
      if (answer.status === 405 && !answer.headers.allow) faults.push('405 without an Allow header');
      faults.push(...this.problemFaults(answer, mediaType));
      return faults;
    }
    const documented = operation.responses[String(answer.status)];
    if (!documented) {
      faults.push(`${operation.id}: status ${answer.status} is not documented (${Object.keys(operation.responses).join(', ')})`);
      if (answer.status >= 400) faults.push(...this.problemFaults(answer, mediaType));
      return faults;
    }
    if (answer.status >= 400) {
      const problemFaults = this.problemFaults(answer, mediaType);
      faults.push(...problemFaults);
      // The operation's own schema may narrow the problem: a registration 422's code is one of its RuleCode.
      const validate = this.validators.get(`${operation.id} ${answer.status} ${mediaType}`);
      if (problemFaults.length === 0 && validate && !validate(parse(answer.body)))
        faults.push(`${operation.id} ${answer.status}: ${describe(validate)}`);
      if (answer.status === 401 && !/^Bearer realm="[^"]+"/.test(answer.headers['www-authenticate'] ?? '')) {
        faults.push('401 without an RFC 6750 WWW-Authenticate challenge');
      }
      return faults;
    }
    const declared = Object.keys(documented.content).map((t) => mediaTypeOf(t)!);
    if (declared.length === 0) {
      if (answer.body !== '') faults.push(`${operation.id} ${answer.status}: a body where the document declares none`);
      return faults;
    }
    if (!mediaType || !declared.includes(mediaType)) {
      faults.push(`${operation.id} ${answer.status}: media type ${mediaType ?? '(none)'} is not one of ${declared.join(', ')}`);
      return faults;
    }
    const validate = this.validators.get(`${operation.id} ${answer.status} ${mediaType}`);
    if (validate && isJson(mediaType)) {
      const body = parse(answer.body);
      if (body === undefined) faults.push(`${operation.id} ${answer.status}: the body is not JSON`);
      else if (!validate(body)) faults.push(`${operation.id} ${answer.status}: ${describe(validate)}`);
    }
    return faults;
  }

  private problemFaults(answer: Answer, mediaType: string | undefined): string[] {
    if (mediaType !== PROBLEM) return [`${answer.status} as ${mediaType ?? '(no media type)'}, not ${PROBLEM}`];
    const body = parse(answer.body);
    if (body === undefined) return [`${answer.status}: the problem is not JSON`];
    if (!this.problem(body)) return [`${answer.status}: not a Problem: ${describe(this.problem)}`];
    if ((body as { status?: unknown }).status !== answer.status)
      return [`${answer.status}: the problem says status ${String((body as { status?: unknown }).status)}`];
    return [];
  }
}

/** Whether every percent-escape of the path decodes (the query is the operation's to judge). */
function wellFormedPath(path: string): boolean {
  try {
    decodeURIComponent(path.split('?')[0]!);
    return true;
  } catch {
    return false;
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describe(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
    .join('; ');
}
