import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadOpenApiDocument, type OpenApiDocument } from '@homeward/service-kit/openapi-validation';
import { operationsOf, resolve } from '../src/operations';

// What every service's OpenAPI document must say, so that the framework's answers are documented as well
// as the operations' own: checked on the YAML sources of every service, present and future.

const services = join(__dirname, '..', '..', '..', 'services');
const documents: [string, OpenApiDocument][] = readdirSync(services).flatMap((service) => {
  const folder = join(services, service, 'openapi');
  let files: string[];
  try {
    files = readdirSync(folder).filter((f) => f.endsWith('.yaml'));
  } catch {
    return [];
  }
  return files.map((f): [string, OpenApiDocument] => [`${service}/${f}`, loadOpenApiDocument(join(folder, f))]);
});

describe.each(documents)('%s', (_name, document) => {
  it('has no key without a value (an unquoted comma in a flow mapping makes one)', () => {
    const nulls: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (node === null) nulls.push(path);
      else if (typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, `${path}/${k}`);
    };
    walk(document, '');
    expect(nulls).toEqual([]);
  });

  it('documents, for every operation, the problems the framework answers', () => {
    const missing: string[] = [];
    for (const operation of operationsOf(document)) {
      // A public operation (`security: []`: public verification, say) never asks for a token, so never answers 401.
      const expected = operation.secured ? ['400', '401', '414', '431'] : ['400', '414', '431'];
      if (operation.method !== 'GET') expected.push('413', '415');
      if (operation.parameters.some((p) => p.name === 'Idempotency-Key')) expected.push('422');
      if (operation.parameters.some((p) => p.name === 'If-Match')) expected.push('412');
      for (const status of expected) if (!operation.responses[status]) missing.push(`${operation.id} ${status}`);
      if (operation.responses['401'] && !operation.responses['401'].headers.includes('www-authenticate'))
        missing.push(`${operation.id} 401 WWW-Authenticate`);
    }
    expect(missing).toEqual([]);
  });

  it('answers every error as problem+json', () => {
    const wrong = operationsOf(document).flatMap((operation) =>
      Object.entries(operation.responses)
        .filter(([status]) => Number(status) >= 400)
        .filter(([, response]) => Object.keys(response.content).join() !== 'application/problem+json')
        .map(([status]) => `${operation.id} ${status}`),
    );
    expect(wrong).toEqual([]);
  });

  it('has the shared problem responses, including 404 and 405 for what is outside its paths', () => {
    const responses = (document.components as { responses?: Record<string, unknown> }).responses ?? {};
    for (const name of [
      'Problem',
      'Unauthorized',
      'PayloadTooLarge',
      'UriTooLong',
      'UnsupportedMediaType',
      'HeadersTooLarge',
      'NotFound',
      'MethodNotAllowed',
    ]) {
      expect(resolve<{ content?: Record<string, unknown> }>(document, responses[name] ?? {}).content).toHaveProperty([
        'application/problem+json',
      ]);
    }
    expect(resolve<{ required?: string[] }>(document, { $ref: '#/components/schemas/Problem' }).required).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'code']),
    );
  });
});
