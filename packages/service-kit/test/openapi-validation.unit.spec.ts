import { Problem } from '@homeward/service-kit/problem';
import { OpenApiRequestValidator, type OpenApiDocument } from '../src/openapi-validation';

const document: OpenApiDocument = {
  openapi: '3.1.0',
  paths: {
    '/things/{thingId}/sheets': {
      parameters: [{ $ref: '#/components/parameters/ThingId' }],
      post: {
        requestBody: {
          required: true,
          content: { 'text/csv': { schema: { type: 'string' } }, 'application/x-ndjson': { schema: { type: 'string' } } },
        },
      },
    },
    '/things/{thingId}/parts': {
      parameters: [{ $ref: '#/components/parameters/ThingId' }],
      post: {
        parameters: [
          { name: 'dryRun', in: 'query', schema: { type: 'boolean' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
          { name: 'area', in: 'query', schema: { type: 'string', maxLength: 32 } },
        ],
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
          note: { type: 'string', 'x-multiline': true },
          label: { type: 'string' },
          rates: { type: 'object', additionalProperties: { type: 'number' } },
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
  query: {} as Record<string, unknown>,
  headers: { 'content-type': 'application/json' } as Record<string, unknown>,
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
    expect(fieldsAtFault({ body: undefined })).toEqual(['body::a request body is required']));

  it('checks path parameters declared on the path item, through $ref', () =>
    expect(fieldsAtFault({ params: { thingId: 'nope' } })).toEqual(['path:thingId:must match format "uuid"']));

  it('checks query parameters as strings coerced to their type', () => {
    expect(fieldsAtFault({ query: { dryRun: 'true' } })).toEqual([]);
    expect(fieldsAtFault({ query: { dryRun: 'perhaps' } })).toEqual(['query:dryRun:must be true or false']);
  });

  it('takes ids in their canonical form only: not as a URN, not in upper case', () => {
    expect(fieldsAtFault({ params: { thingId: 'urn:uuid:0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' } })).toEqual([
      'path:thingId:must match format "uuid"',
    ]);
    expect(fieldsAtFault({ params: { thingId: '0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B' } })).toEqual([
      'path:thingId:must match format "uuid"',
    ]);
    expect(fieldsAtFault({ params: { thingId: '{0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b}' } })).toEqual([
      'path:thingId:must match format "uuid"',
    ]);
  });

  it('takes calendar dates of the years 0001 to 9999, as PostgreSQL reads them', () => {
    for (const madeOn of ['0001-01-01', '1900-01-01', '2024-02-29', '9999-12-31']) {
      expect(fieldsAtFault({ body: { code: '5152', madeOn } })).toEqual([]);
    }
    for (const madeOn of ['0000-01-01', '0000-02-29', '2023-02-29', '2023-13-01', '+02023-01-01', '10000-01-01', '2023-1-1']) {
      expect(fieldsAtFault({ body: { code: '5152', madeOn } })).toEqual(['body:madeOn:must match format "date"']);
    }
  });

  it('refuses NUL and every other control character in text, in the body, the query and property names', () => {
    expect(fieldsAtFault({ body: { code: '5152', madeOn: '2024-02-29', label: 'a\u0000b' } })).toEqual([
      'body:label:must not contain control characters (found U+0000)',
    ]);
    expect(fieldsAtFault({ body: { code: '5152', madeOn: '2024-02-29', label: 'line\nbreak' } })).toEqual([
      'body:label:must not contain control characters (found U+000A)',
    ]);
    expect(fieldsAtFault({ body: { code: '5152', madeOn: '2024-02-29', label: 'del\u007f' } })).toEqual([
      'body:label:must not contain control characters (found U+007F)',
    ]);
    expect(fieldsAtFault({ query: { area: '\u0000' } })).toEqual(['query:area:must not contain control characters (found U+0000)']);
    expect(fieldsAtFault({ body: { code: '5152', madeOn: '2024-02-29', rates: { 'P\u0000P': 1 } } })).toEqual([
      'body:rates:property names must not contain control characters (found U+0000)',
    ]);
  });

  it('lets free text marked x-multiline hold tabs and line breaks, never NUL', () => {
    expect(fieldsAtFault({ body: { code: '5152', madeOn: '2024-02-29', note: 'Seen on\r\n\tMonday' } })).toEqual([]);
    expect(fieldsAtFault({ body: { code: '5152', madeOn: '2024-02-29', note: 'a\u0000' } })).toEqual([
      'body:note:must not contain control characters (found U+0000; only tabs and line breaks are allowed)',
    ]);
  });

  it('refuses text that is not well-formed Unicode (a lone surrogate)', () =>
    expect(fieldsAtFault({ body: { code: '5152', madeOn: '2024-02-29', label: 'x\ud800y' } })).toEqual([
      'body:label:must be well-formed Unicode (found a lone surrogate)',
    ]));

  it('reads integers in a query written in decimal digits only', () => {
    expect(fieldsAtFault({ query: { limit: '16' } })).toEqual([]);
    for (const limit of ['0x10', '1e1', ' 16', '16.0', '+16', '']) {
      expect(fieldsAtFault({ query: { limit } })).toEqual(['query:limit:must be an integer in decimal digits']);
    }
    expect(fieldsAtFault({ query: { limit: ['1', '2'] } })).toEqual(['query:limit:must be integer']);
  });

  it('answers 415 naming Content-Type for a body of a media type the operation does not take', () => {
    const refused = (request: Record<string, unknown>) => {
      try {
        validator.validate({ ...valid, ...request });
      } catch (error) {
        return (error as Problem).details;
      }
      return undefined;
    };
    expect(refused({ headers: { 'content-type': 'text/plain' }, body: '{"code":"5152"}' })).toMatchObject({
      status: 415,
      code: 'request.unsupported-media-type',
      errors: [{ in: 'header', field: 'Content-Type' }],
    });
    const sheets = { routePattern: '/things/:thingId/sheets', body: 'a,b\n1,2' };
    expect(refused({ ...sheets, headers: { 'content-type': 'text/csv; charset=utf-8' } })).toBeUndefined();
    expect(refused({ ...sheets, headers: { 'content-type': 'text/plain' } })).toMatchObject({ status: 415 });
    expect(refused({ ...sheets, headers: { 'content-type': 'application/json' }, body: { a: 1 } })).toMatchObject({ status: 415 });
    expect(refused({ ...sheets, headers: {}, body: undefined })).toMatchObject({
      status: 400,
      errors: [{ in: 'body', detail: 'a request body is required' }],
    });
  });

  it('knows the methods of a concrete path, and no path outside the document', () => {
    expect(validator.methodsOf('/things/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/parts')).toEqual(['POST']);
    expect(validator.methodsOf('/things/x/parts/more')).toEqual([]);
    expect(validator.methodsOf('/elsewhere')).toEqual([]);
  });

  it('leaves routes outside the contract alone', () =>
    expect(fieldsAtFault({ routePattern: '/health/ready', body: 'anything' })).toEqual([]));
});
