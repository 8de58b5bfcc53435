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

  it('draws the operations evenly: none falls behind because of where it stands in the document', async () => {
    // fast-check biases integers towards small and extreme values: a constantFrom over 30 operations drew
    // some 200 times and one never in a 3,000-request run, which then failed the e2e coverage check.
    const generator = await RequestGenerator.create(service, document);
    const context = { ids: {}, callers: ['none'] };
    const requests = 40 * generator.operations.length;
    const sent = new Map(generator.operations.map((o) => [o.id, 0]));
    for (const request of fc.sample(generator.request(context), { numRuns: requests, seed: 20261206 })) {
      if (request.operation !== undefined) sent.set(request.operation, (sent.get(request.operation) ?? 0) + 1);
    }
    // Each operation is drawn by the valid and bad-parameter kinds (7 in 12): about 23 times in 40 draws per
    // operation; far below that only by chance, not by position.
    const fewest = Math.min(...sent.values());
    expect(fewest).toBeGreaterThanOrEqual(8);
  });
});

describe('the hostile cases of issue 14’s list that an HTTP client does not write by itself', () => {
  const [, registration] = documents.find(([service]) => service === 'registration')!;
  let sent: ReturnType<typeof fc.sample<import('../src/requests').FuzzRequest>>;
  beforeAll(async () => {
    const generator = await RequestGenerator.create('registration', registration);
    sent = fc.sample(generator.request({ ids: {}, callers: ['agency'] }), { numRuns: 4000, seed: 14 });
  });

  it('sends JSON strings whose bytes are not UTF-8', () => {
    const bytes = sent.filter((r) => r.bodyEncoding === 'latin1').map((r) => Buffer.from(r.body!, 'latin1'));
    expect(bytes.some((b) => b.includes(Buffer.from([0xff, 0xfe])))).toBe(true);
    expect(bytes.some((b) => b.includes(Buffer.from([0xc0, 0xaf])))).toBe(true);
    // Not one of them is UTF-8 a decoder would take as it is.
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.every((b) => !Buffer.from(b.toString('utf8'), 'utf8').equals(b))).toBe(true);
  });

  it('sends query values as written: escapes that do not decode, or decode to bytes that are not UTF-8', () => {
    const queries = sent.map((r) => r.path.split('?')[1] ?? '');
    expect(queries.some((q) => /(^|&)\w+=%FF%FE(&|$)/.test(q))).toBe(true);
    expect(queries.some((q) => /(^|&)\w+=%ZZ(&|$)/.test(q))).toBe(true);
  });

  it('sends bidi marks, NUL and injections as ids in the path', () => {
    const ids = sent.filter((r) => r.path.startsWith('/workers/')).map((r) => r.path.split('?')[0]!.split('/')[2]!);
    expect(ids).toContain(encodeURIComponent('Maria\u200f'));
    expect(ids).toContain(encodeURIComponent('skill\u0000title'));
    expect(ids).toContain(encodeURIComponent("'; DROP TABLE events; --"));
  });
});
