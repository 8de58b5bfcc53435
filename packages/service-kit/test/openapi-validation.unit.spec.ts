import { Problem } from '@homeward/service-kit/problem';
import { OpenApiRequestValidator, type OpenApiDocument } from '../src/openapi-validation';

const document: OpenApiDocument = {
  openapi: '3.1.0',
  paths: {
    '/things/{thingId}/parts': {
      parameters: [{ $ref: '#/components/parameters/ThingId' }],
      post: {
        parameters: [{ name: 'dryRun', in: 'query', schema: { type: 'boolean' } }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Part' } } } },
      },
    },
  },
  components: {
    parameters: { ThingId: { name: 'thingId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } } },
    schemas: {
      Part: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'madeOn'],
        properties: {
          code: { type: 'string', pattern: '^[0-9]{4}$' },
          madeOn: { type: 'string', format: 'date' },
          size: { type: 'object', required: ['unit'], properties: { unit: { enum: ['mm', 'cm'] } } },
        },
      },
    },
  },
};

const validator = new OpenApiRequestValidator(document);
const valid = {
  method: 'POST',
  routePattern: '/things/:thingId/parts',
  params: { thingId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' },
  query: {},
  headers: {},
  body: { code: '5152', madeOn: '2024-02-29' },
};

function fieldsAtFault(request: typeof valid | Record<string, unknown>): string[] {
  try {
    validator.validate({ ...valid, ...request });
  } catch (error) {
    expect(error).toBeInstanceOf(Problem);
    return ((error as Problem).details.errors ?? []).map((e) => `${e.in}:${e.field}:${e.detail}`);
  }
  return [];
}

describe('OpenApiRequestValidator', () => {
  it('accepts a request that matches the document', () => expect(fieldsAtFault(valid)).toEqual([]));

  it('names each body field at fault, nested ones by their path', () =>
    expect(fieldsAtFault({ body: { code: 5152, madeOn: '2023-02-29', size: { unit: 'km' }, colour: 'red' } })).toEqual([
      'body:colour:is not a known field',
      'body:code:must be string',
      'body:madeOn:must match format "date"',
      'body:size.unit:must be one of: mm, cm',
    ]));

  it('names missing required fields', () =>
    expect(fieldsAtFault({ body: {} })).toEqual(['body:code:is required', 'body:madeOn:is required']));

  it('requires the body when the document does', () =>
    expect(fieldsAtFault({ body: undefined })).toEqual(['body::a JSON request body is required']));

  it('checks path parameters declared on the path item, through $ref', () =>
    expect(fieldsAtFault({ params: { thingId: 'nope' } })).toEqual(['path:thingId:must match format "uuid"']));

  it('checks query parameters as strings coerced to their type', () => {
    expect(fieldsAtFault({ query: { dryRun: 'true' } })).toEqual([]);
    expect(fieldsAtFault({ query: { dryRun: 'perhaps' } })).toEqual(['query:dryRun:must be boolean']);
  });

  it('leaves routes outside the contract alone', () =>
    expect(fieldsAtFault({ routePattern: '/health/ready', body: 'anything' })).toEqual([]));
});
