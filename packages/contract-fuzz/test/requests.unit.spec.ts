import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { createSchemaValidator, loadOpenApiDocument, type OpenApiDocument } from '@homeward/service-kit/openapi-validation';
import { RequestGenerator } from '../src/requests';

// The generator's valid requests must be valid, or the operations behind them are only ever sent refusals:
// json-schema-faker drew the document's components for an object that takes no properties, and six
// operations (closing a vacancy, cancelling a claim…) went through a 20,000-request run without one valid body.

const services = join(__dirname, '..', '..', '..', 'services');
const documents: [string, OpenApiDocument][] = readdirSync(services).flatMap((service) => {
  let files: string[];
  try {
    files = readdirSync(join(services, service, 'openapi')).filter((f) => f.endsWith('.yaml'));
  } catch {
    return [];
  }
  return files.map((f): [string, OpenApiDocument] => [service, loadOpenApiDocument(join(services, service, 'openapi', f))]);
});

describe.each(documents)('%s', (service, document) => {
  it('draws schema-valid JSON bodies for every operation that takes one', async () => {
    const generator = await RequestGenerator.create(service, document);
    const ajv = createSchemaValidator();
    ajv.addSchema({ components: document.components ?? {} }, 'openapi');
    const never: string[] = [];
    for (const operation of generator.operations) {
      const schema = operation.requestBody?.content['application/json'];
      if (!schema) continue;
      const validate = ajv.compile(JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"openapi#/components/')) as object);
      const bodies = fc.sample(generator.valid(operation, { ids: {}, callers: ['none'] }), { numRuns: 20, seed: 14 });
      if (!bodies.some((r) => validate(JSON.parse(r.body!)))) never.push(operation.id);
    }
    expect(never).toEqual([]);
  });
});
